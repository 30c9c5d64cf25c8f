"""`manage.py import_cases` of N synthetic cases, and the search indexing that follows it.

Usage:
    .venv/bin/python benchmarks/import_cases.py [--cases 10000] [--workers 2]

A throw-away SQLite database var/bench/import-<N>.sqlite3 (migrated, the site tree from
home.site_setup) and a file var/bench/import-<N>.jsonl of N synthetic cases in the interchange
format (cases.synthetic; about 10 % without a publication date, i.e. drafts). The file is then
imported as `manage.py import_cases FILE` does it, every check included (validation, the
anonymisation screening, the publication gate), with the task backend of production
(django_tasks_db): the import queues the search updates and returns; the search worker's drain
of those updates is timed after it, separately. Printed: cases/s, wall and CPU time (this
process and its workers, apart), peak RSS, and the load average before and after, since the machine is
shared.

Target (issue 16): at least 100 cases/s.
"""

import argparse
import io
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_PER_SECOND = 100.0


def cpu_seconds() -> tuple[float, float]:
    """CPU time of this process and of its (finished) workers: the main process writes, the
    workers check, so each side's cost per case is read apart."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def peak_rss_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    return own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=None, help="check workers (default: auto)")
    args = parser.parse_args()

    db = ROOT / "var" / "bench" / f"import-{args.cases}.sqlite3"
    source = db.with_suffix(".jsonl")
    db.parent.mkdir(parents=True, exist_ok=True)
    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        path.unlink(missing_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["SEARCH_INDEX_DIR"] = str(db.with_suffix(".index"))

    import logging

    import django

    django.setup()
    logging.getLogger("django_tasks").setLevel(logging.WARNING)
    from django.core.management import call_command
    from django.test.utils import override_settings

    from cases.models import CasePage
    from cases.synthetic import synthetic_case
    from home.site_setup import setup_site
    from search import service

    call_command("migrate", "--noinput", verbosity=0)
    setup_site()
    service.rebuild(workers=1)  # the demo-free site's (empty) index, so drains have one
    with source.open("w", encoding="utf-8") as out:
        for number in range(1, args.cases + 1):
            record = synthetic_case(number, random.Random(number))
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"=== import of {args.cases:,} cases ({source.relative_to(ROOT)}) ===", flush=True)

    options = ["--no-progress"] if not sys.stderr.isatty() else []
    if args.workers is not None:
        options += ["--workers", str(args.workers)]
    production_tasks = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with override_settings(TASKS=production_tasks):
        load_before, cpu_before = load(), cpu_seconds()
        started = time.perf_counter()
        out = io.StringIO()
        call_command("import_cases", str(source), *options, stdout=out)
        wall = time.perf_counter() - started
        main_cpu, workers_cpu = (
            after - before for after, before in zip(cpu_seconds(), cpu_before, strict=True)
        )
        load_after = load()
    own, workers = peak_rss_mb()
    imported = CasePage.objects.filter(external_id__startswith="syn-").count()
    live = CasePage.objects.filter(external_id__startswith="syn-", live=True).count()
    print(out.getvalue().strip())
    print(
        f"import: {imported:,} cases ({live:,} published) in {wall:.1f} s = "
        f"{imported / wall:,.1f} cases/s (target ≥ {TARGET_PER_SECOND:.0f}: "
        f"{'met' if imported / wall >= TARGET_PER_SECOND else 'NOT met'})\n"
        f"  CPU {main_cpu + workers_cpu:.1f} s: main process {main_cpu:.1f} s "
        f"({1000 * main_cpu / imported:.1f} ms per case), workers {workers_cpu:.1f} s "
        f"({1000 * workers_cpu / imported:.1f} ms per case)\n"
        f"  peak RSS {own:,.0f} MB (main), "
        f"{workers:,.0f} MB (largest worker)\n"
        f"  load average before {load_before}, after {load_after}",
        flush=True,
    )
    started = time.perf_counter()
    applied = 0
    while drained := service.drain_outbox():
        applied += drained
    elapsed = time.perf_counter() - started
    print(
        f"search worker's drain afterwards: {applied:,} pages in {elapsed:.1f} s "
        f"({applied / elapsed if elapsed else 0:,.0f}/s); load average {load()}",
        flush=True,
    )


if __name__ == "__main__":
    main()
