"""nDCG@10 and recall@10 of the case search over judged sets, beside a plain BM25-OR.

Usage:
    .venv/bin/python benchmarks/relevance.py [--judged FILE ...] [--split all even odd]
                                             [--queries] [--reuse]

FILE is fixtures/relevance.json (the project's own set) or a JSON Lines set such as
fixtures/search/judged_blind.jsonl (search/relevance.py describes both formats); by default both.
--split measures each JSON Lines set whole (all) and/or its queries on even or odd lines (0-based):
weights are tuned on `even` only, so `odd` is a held-out figure. A .json set is always measured
whole. Loads the demo content into a throw-away SQLite database and index under
var/bench/relevance/ (--reuse keeps the database of an earlier run and rebuilds the index only),
then runs every judged query

- through the same service the site uses (synonyms of the secretariat and Sudachi's dictionary),
- the same without Sudachi's synonym dictionary (what it brings),
- the same without reading the query's facet words (search/query_words.py; what they bring),
- the same without pseudo-relevance feedback (search/feedback.py; what it brings),
- through a plain BM25 (k1 1.2, b 0.75) with an OR query over Sudachi mode-C+A normalised tokens
  of the same documents (search.relevance.BM25: no field weights, phrases or synonyms),
- through an off-the-shelf semantic model, ja_ginza's word vectors (search.relevance.WordVectors:
  the cosine of the documents' and the query's mean vectors), alone and reordering the search's
  first 30 results,
- and, as a bound, the site's search with what it finds put in the best order (highest grade
  first; search.relevance.ranking_ceiling): what better weights alone could reach,

and prints the mean nDCG@10 and recall@10 of each, overall and per query kind, the search's lead
over BM25-OR in nDCG per kind, and how many queries with relevant cases found nothing. Queries
with no relevant case are left out of the means (their nDCG is undefined) and counted apart with
the results they got. --queries also lists every query, worst first.
"""

import argparse
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_SETS = (
    ROOT / "fixtures" / "relevance.json",
    ROOT / "fixtures" / "search" / "judged_blind.jsonl",
)
SEARCH, BM25_ROW = "search", "BM25-OR (k1 1.2, b 0.75)"
VECTORS_ROW, RERANK_ROW = "ja_ginza word vectors", "search + word vectors"
CEILING_ROW = "search, found in best order"


def setup(*, reuse: bool) -> None:
    """Django on a database of the demo content under var/bench/relevance/, index rebuilt."""
    work = ROOT / "var" / "bench" / "relevance"
    database = work / "db.sqlite3"
    fresh = not (reuse and database.exists())
    if fresh:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=f"sqlite:///{database}",
        SEARCH_INDEX_DIR=str(work / "search"),
    )
    import django

    django.setup()
    import logging

    # The immediate task backend logs every page task of load_demo at INFO.
    logging.getLogger("django_tasks").setLevel(logging.WARNING)
    from django.core.management import call_command

    from search import service

    with open(os.devnull, "w") as devnull:
        call_command("migrate", "--noinput", verbosity=0)
        if fresh:
            call_command("load_demo", stdout=devnull, stderr=devnull)
    service.rebuild()  # the index of the code being measured, whatever an earlier run built


def report(path: Path, split: str, *, queries: bool, docs, vectors) -> None:
    from search.relevance import (
        evaluate,
        evaluate_bm25,
        evaluate_reference,
        evaluate_reranked,
        load_judged,
        ranking_ceiling,
        summary,
    )

    judged = load_judged(path, split=split)
    name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"== {name}, {split} ({len(judged)} queries): nDCG@10 / recall@10")
    dropped = [item for item in judged if item.dropped]
    if dropped:
        names = sorted({name for item in dropped for name in item.dropped})
        print(
            f"note: {len(dropped)} queries filter on {', '.join(names)}, which the search has no "
            "facet for yet: those filters are left out (for BM25-OR too)"
        )
    runs = {
        SEARCH: evaluate(judged=judged),
        "search, no Sudachi synonyms": evaluate(judged=judged, dictionary_synonyms=False),
        "search, no facet words": evaluate(judged=judged, facet_words=False),
        "search, no feedback": evaluate(judged=judged, feedback=False),
        BM25_ROW: evaluate_bm25(judged, docs),
        VECTORS_ROW: evaluate_reference(judged, vectors),
        RERANK_ROW: evaluate_reranked(judged, vectors),
        CEILING_ROW: ranking_ceiling(judged),
    }
    if queries:
        print(f"{'nDCG@10':>8} {'R@10':>6} {'BM25':>6} {'found':>6}  kind / query")
        pairs = zip(runs[SEARCH], runs[BM25_ROW], strict=True)
        for s, b in sorted(pairs, key=lambda pair: (pair[0].judged, pair[0].ndcg)):
            ndcg = f"{s.ndcg:>8.3f} {s.recall:>6.2f}" if s.judged else f"{'-':>8} {'-':>6}"
            print(f"{ndcg} {b.ndcg:>6.3f} {s.found:>6}  {s.kind} / {s.query}")

    kinds = sorted({item.kind for item in judged if item.kind})
    header = f"{'':<28} {'all':>13}" + "".join(f" {k[:13]:>13}" for k in kinds)
    print(header + f" {'zero results':>13}")
    for row, scores in runs.items():
        cells = [summary(scores)]
        cells += [summary([s for s in scores if s.kind == kind]) for kind in kinds]
        zero = sum(1 for s in scores if s.judged and s.found == 0)
        print(f"{row:<28}" + "".join(f" {n:>6.3f}/{r:<6.3f}" for n, r in cells) + f" {zero:>13}")
    lead = [summary(runs[SEARCH])[0] - summary(runs[BM25_ROW])[0]]
    for kind in kinds:
        of_kind = [[s for s in runs[row] if s.kind == kind] for row in (SEARCH, BM25_ROW)]
        lead.append(summary(of_kind[0])[0] - summary(of_kind[1])[0])
    print(f"{'search - BM25-OR, nDCG':<28}" + "".join(f" {d:>+13.3f}" for d in lead))
    if kinds:
        counts = "".join(
            f" {sum(1 for s in runs[SEARCH] if s.kind == k and s.judged):>13}" for k in kinds
        )
        print(
            f"{'queries per kind (judged)':<28} {sum(s.judged for s in runs[SEARCH]):>13}{counts}"
        )
    unjudged = [s for s in runs[SEARCH] if not s.judged]
    if unjudged:
        found = ", ".join(f"{s.query} {s.found}" for s in unjudged)
        print(f"no relevant case (left out of the means), results found: {found}")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--judged",
        type=Path,
        action="append",
        help="judged set (.json as fixtures/relevance.json, or .jsonl); repeatable; "
        "default: the project's set and fixtures/search/judged_blind.jsonl",
    )
    parser.add_argument(
        "--split",
        nargs="+",
        choices=("all", "even", "odd"),
        default=["all"],
        help="queries of a .jsonl set on all, even or odd lines (0-based); several allowed",
    )
    parser.add_argument("--queries", action="store_true", help="list every query, worst first")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the demo database of an earlier run"
    )
    args = parser.parse_args()
    setup(reuse=args.reuse)
    from search import documents
    from search.relevance import WordVectors

    docs = list(documents.documents())
    vectors = WordVectors(docs)
    for path in [p.resolve() for p in args.judged or DEFAULT_SETS]:
        splits = dict.fromkeys(args.split) if path.suffix == ".jsonl" else ["all"]
        for split in splits:
            report(path, split, queries=args.queries, docs=docs, vectors=vectors)


if __name__ == "__main__":
    main()
