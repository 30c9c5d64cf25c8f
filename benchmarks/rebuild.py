"""The search index rebuild (`manage.py search_rebuild`) at N synthetic cases.

Usage:
    .venv/bin/python benchmarks/rebuild.py [--docs 100000] [--workers 2] [--reuse]

A throw-away SQLite database var/bench/rebuild-<N>.sqlite3 gets the site tree and N synthetic
cases (cases.synthetic.insert_cases; about 10 % drafts); --reuse keeps one built earlier. The
rebuild then runs as `manage.py search_rebuild` does (search.service.rebuild: new generation,
swap, outbox replay) and the script prints docs/s, wall and CPU time, the peak RSS of this
process and of its worker processes, and the load average before and after: the machine is
shared, and a figure taken under load says so beside it.

Target (issue 12): 100,000 cases in at most 5 minutes on this 2-core machine.
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = {100_000: 300.0}


def peak_rss_mb() -> tuple[float, float]:
    """(this process, the largest of its finished children) in MB (ru_maxrss is kB on Linux)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000, help="number of cases")
    parser.add_argument("--workers", type=int, default=None, help="rebuild workers (default: auto)")
    parser.add_argument("--reuse", action="store_true", help="keep a database built earlier")
    args = parser.parse_args()

    db = ROOT / "var" / "bench" / f"rebuild-{args.docs}.sqlite3"
    index_dir = db.with_suffix(".index")
    if not args.reuse:
        for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            path.unlink(missing_ok=True)
    fresh = not db.exists()
    db.parent.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["SEARCH_INDEX_DIR"] = str(index_dir)

    import logging

    import django

    django.setup()
    logging.getLogger("django_tasks").setLevel(logging.WARNING)
    from django.core.management import call_command

    from cases.synthetic import insert_cases
    from home.site_setup import setup_site
    from search import service

    print(f"=== rebuild of {args.docs:,} cases ({db.relative_to(ROOT)}) ===", flush=True)
    call_command("migrate", "--noinput", verbosity=0)
    if fresh:
        setup_site()
        started = time.perf_counter()
        published = insert_cases(args.docs)
        print(
            f"database: {args.docs:,} cases ({published:,} published) inserted in "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )

    load_before = load()
    cpu_before = cpu_seconds()
    started = time.perf_counter()
    options = {} if args.workers is None else {"workers": args.workers}
    count = service.rebuild(**options)
    wall = time.perf_counter() - started
    cpu = cpu_seconds() - cpu_before
    own, children = peak_rss_mb()
    target = TARGET_SECONDS.get(args.docs)
    verdict = (
        ""
        if target is None
        else f" (target ≤ {target:.0f} s: {'met' if wall <= target else 'NOT met'})"
    )
    print(
        f"rebuild: {count:,} docs in {wall:.1f} s = {count / wall:,.0f} docs/s{verdict}\n"
        f"  CPU {cpu:.1f} s (all processes); peak RSS {own:,.0f} MB (main), "
        f"{children:,.0f} MB (largest worker)\n"
        f"  load average before {load_before}, after {load()}",
        flush=True,
    )


if __name__ == "__main__":
    main()
