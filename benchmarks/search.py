"""Embedded search engine: indexing throughput and query latency at 10,000 / 100,000 cases.

Usage:  .venv/bin/python benchmarks/search.py --docs 10000 [--docs 100000] [--queries 300]

Documents are synthetic cases (cases/synthetic.py) turned into search documents directly, so the
figures are the engine's own: Sudachi analysis + tantivy indexing, then full search requests
(count, top 20, six disjunctive facets, highlights) over a fixed query mix, and more-like-this.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

QUERIES = [
    ("傾聴", {}),
    ("経営デザインシート", {}),
    ("ロカベン", {}),
    ("シュミレーション", {}),
    ("ＩＴ導入", {}),
    ("後継者が理念を言語化できていない製造業", {}),
    ("自走化", {}),
    ("価格転嫁", {"industry": ["E", "M"]}),
    ("", {"tool": ["whiteboard", "swot"]}),
    ("原価計算 見直し", {"region": ["kanto"]}),
    ("社員アンケート", {"phase": ["awareness"]}),
    ("", {}),
]


def documents(count: int):
    from cases.synthetic import synthetic_case
    from search.types import SearchDocument

    for n in range(1, count + 1):
        r = synthetic_case(n, random.Random(n))
        body = "\n".join(
            [r["lead"], *(p["body"] for p in r["phases"]), r["background"], r["outcomes"]]
        )
        yield SearchDocument(
            id=n,
            version=1,
            kind="case",
            title=r["title"],
            body=body,
            published=738000 + n % 1000,
            industry=r["company"]["industry"],
            region=r["company"]["region"],
            employees=r["company"]["employees"],
            scale_phase=r["typology"]["scale_phase"],
            phase=tuple(p["phase"] for p in r["phases"]),
            tool=tuple(dict.fromkeys(t for p in r["phases"] for t in p.get("tools", []))),
            suggest=(r["title"],),
        )


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def run(count: int, queries: int) -> None:
    from search.backends.embedded import EmbeddedBackend
    from search.service import synonym_groups
    from search.types import SearchRequest

    backend = EmbeddedBackend(Path(tempfile.mkdtemp(prefix="bench-search-")))
    started = time.perf_counter()
    backend.rebuild(documents(count))
    elapsed = time.perf_counter() - started
    print(f"\n{count:,} documents: indexed in {elapsed:.1f} s ({count / elapsed:,.0f} docs/s)")

    synonyms = synonym_groups()
    timings = []
    for i in range(queries):
        text, filters = QUERIES[i % len(QUERIES)]
        request = SearchRequest(text=text, filters=filters, synonyms=synonyms)
        start = time.perf_counter()
        backend.search(request)
        timings.append((time.perf_counter() - start) * 1000)
    print(
        f"  search (count, top 20, 6 facets, highlights): p50 {statistics.median(timings):.1f} ms, "
        f"p95 {percentile(timings, 0.95):.1f} ms over {queries} requests"
    )
    mlt = []
    for i in range(1, 101):
        start = time.perf_counter()
        backend.more_like_this(i * (count // 100))
        mlt.append((time.perf_counter() - start) * 1000)
    print(
        f"  more-like-this: p50 {statistics.median(mlt):.1f} ms, p95 {percentile(mlt, 0.95):.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, action="append")
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    import django

    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench' / 'search.sqlite3'}")
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)  # the synonym table
    for count in args.docs or [10_000]:
        run(count, args.queries)


if __name__ == "__main__":
    main()
