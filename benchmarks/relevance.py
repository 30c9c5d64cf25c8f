"""nDCG@10 and recall@10 of the case search over a judged set, beside a plain BM25-OR.

Usage:  .venv/bin/python benchmarks/relevance.py [--judged FILE] [--queries]

FILE is fixtures/relevance.json (the default, the project's own set) or a JSON Lines set such as
fixtures/search/judged_blind.jsonl (search/relevance.py describes both formats). Loads the demo
content into a throw-away SQLite database and index under var/bench/relevance/, then runs every
judged query

- through the same service the site uses (synonyms of the secretariat and Sudachi's dictionary),
- the same without Sudachi's synonym dictionary (what it brings),
- the same without reading the query's facet words (search/query_words.py; what they bring),
- through a plain BM25 (k1 1.2, b 0.75) with an OR query over Sudachi mode-C+A normalised tokens
  of the same documents (search.relevance.BM25: no field weights, phrases or synonyms),

and prints the mean nDCG@10 and recall@10 of each, overall and per query kind (when the queries
carry a `kind`), and how many queries with relevant cases found nothing. --queries also lists
every query, worst first.
"""

import argparse
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--judged",
        type=Path,
        default=ROOT / "fixtures" / "relevance.json",
        help="judged set (.json as fixtures/relevance.json, or .jsonl)",
    )
    parser.add_argument("--queries", action="store_true", help="list every query, worst first")
    args = parser.parse_args()
    judged_path = args.judged.resolve()

    work = ROOT / "var" / "bench" / "relevance"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}",
        SEARCH_INDEX_DIR=str(work / "search"),
    )
    import django

    django.setup()
    import logging

    # The immediate task backend logs every page task of load_demo at INFO.
    logging.getLogger("django_tasks").setLevel(logging.WARNING)
    from django.core.management import call_command

    from search import documents
    from search.relevance import evaluate, evaluate_bm25, load_judged, summary

    with open(os.devnull, "w") as devnull:
        call_command("migrate", "--noinput", verbosity=0)
        call_command("load_demo", stdout=devnull, stderr=devnull)
    judged = load_judged(judged_path)
    dropped = [item for item in judged if item.dropped]
    if dropped:
        names = sorted({name for item in dropped for name in item.dropped})
        print(
            f"note: {len(dropped)} queries filter on {', '.join(names)}, which the search has no "
            "facet for yet: those filters are left out (for BM25-OR too)\n"
        )
    runs = {
        "project": evaluate(judged=judged),
        "project, no Sudachi synonyms": evaluate(judged=judged, dictionary_synonyms=False),
        "project, no facet words": evaluate(judged=judged, facet_words=False),
        "BM25-OR (k1 1.2, b 0.75)": evaluate_bm25(judged, list(documents.documents())),
    }
    if args.queries:
        project, bm25 = runs["project"], runs["BM25-OR (k1 1.2, b 0.75)"]
        print(f"{'nDCG@10':>8} {'R@10':>6} {'BM25':>6} {'found':>6}  kind / query")
        for s, b in sorted(zip(project, bm25, strict=True), key=lambda pair: pair[0].ndcg):
            print(
                f"{s.ndcg:>8.3f} {s.recall:>6.2f} {b.ndcg:>6.3f} {s.found:>6}  {s.kind} / {s.query}"
            )
        print()

    kinds = sorted({item.kind for item in judged if item.kind})
    print(f"{judged_path.relative_to(ROOT) if judged_path.is_relative_to(ROOT) else judged_path}:")
    print(f"{len(judged)} queries, nDCG@10 / recall@10")
    header = f"{'':<30} {'all':>13}" + "".join(f" {k[:13]:>13}" for k in kinds)
    print(header + f" {'zero results':>13}")
    with_relevant = [
        i for i, item in enumerate(judged) if any(g >= 1 for g in item.relevant.values())
    ]
    for name, scores in runs.items():
        cells = [summary(scores)]
        for kind in kinds:
            cells.append(summary([s for s in scores if s.kind == kind]))
        zero = sum(1 for i in with_relevant if scores[i].found == 0)
        row = "".join(f" {n:>6.3f}/{r:<6.3f}" for n, r in cells)
        print(f"{name:<30}{row} {zero:>13}")
    counts = "".join(f" {sum(1 for i in judged if i.kind == k):>13}" for k in kinds)
    if kinds:
        print(f"{'queries per kind':<30} {len(judged):>13}{counts}")


if __name__ == "__main__":
    main()
