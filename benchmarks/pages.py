"""Server time of the public pages with 1,000 synthetic cases.

Usage:  .venv/bin/python benchmarks/pages.py [--cases 1000] [--requests 200]
        .venv/bin/python benchmarks/pages.py --database var/bench/http-10000.sqlite3 --requests 50
        (the database and index benchmarks/http_load.py built, uncached: page cache off)

Builds a throw-away SQLite database and search index under var/bench/, imports synthetic cases
through the real importer, then requests each page in-process through Django's test client (full middleware,
template rendering, no network) and prints p50/p95, the process CPU time per request (what the
page costs, less sensitive than wall time to other work on a shared machine) and the number of SQL
queries per page.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--database",
        type=Path,
        help="an existing database (its index beside it: http-N.index or pages-N.search)",
    )
    args = parser.parse_args()

    db = args.database or ROOT / "var" / "bench" / f"pages-{args.cases}.sqlite3"
    db.parent.mkdir(parents=True, exist_ok=True)
    fresh = not db.exists()
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    index_dir = db.with_suffix(".search")
    if args.database and db.with_suffix(".index").exists():
        index_dir = db.with_suffix(".index")
    # Every request rendered: the test settings' page cache would answer all but the first.
    os.environ["PAGE_CACHE_ENABLED"] = "0"
    os.environ["SEARCH_INDEX_DIR"] = str(index_dir)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cases.interchange import import_cases
    from cases.models import CasePage
    from cases.synthetic import synthetic_case

    call_command("migrate", "--noinput", verbosity=0)
    if fresh:
        call_command("setup_site", stdout=open(os.devnull, "w"))  # noqa: SIM115
        started = time.perf_counter()
        lines = [
            json.dumps(synthetic_case(n), ensure_ascii=False) for n in range(1, args.cases + 1)
        ]
        import_cases(lines)
        print(f"imported {args.cases} cases in {time.perf_counter() - started:.1f} s")

    if not (index_dir / "current").exists():
        from search import service

        started = time.perf_counter()
        service.rebuild()
        print(f"search index built in {time.perf_counter() - started:.1f} s")

    total = CasePage.objects.count()
    live = CasePage.objects.live().count()
    sample_case = CasePage.objects.live().order_by("pk")[total // 2]
    pages = {
        "home": "/",
        "list": "/cases/",
        "list, 3 filters, page 2": "/cases/?industry=E&industry=M&tool=whiteboard&phase=trust&page=2",
        "keyword list": "/cases/?q=" + quote("傾聴"),
        "case": sample_case.url,
        "API": "/api/v1/search/?type=case&q=" + quote("ロカベン"),
    }
    client = Client()
    print(f"cases: {total} ({live} published); {args.requests} requests per page, in-process")
    print(f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'page':<26}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}{'CPU ms':>8}{'queries':>9}")
    for name, url in pages.items():
        for _ in range(5):  # warm caches (labels, rendered Markdown), as a running server has
            status = client.get(url).status_code
            if status != 200:
                raise SystemExit(f"{url} answered {status}")
        timings = []
        cpu_started = time.process_time()
        for _ in range(args.requests):
            start = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        cpu = (time.process_time() - cpu_started) * 1000 / args.requests
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(
            f"{name:<26}{statistics.median(timings):>8.1f}{p95:>8.1f}{timings[-1]:>8.1f}"
            f"{cpu:>8.1f}{len(queries):>9}"
        )


if __name__ == "__main__":
    main()
