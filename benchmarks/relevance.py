"""nDCG@10 and recall@10 of the case search over the judged set in fixtures/relevance.json.

Usage:  .venv/bin/python benchmarks/relevance.py

Loads the demo content into a throw-away SQLite database and index under var/bench/relevance/,
then runs every judged query through the same service the site uses.
"""

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
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

    from search.relevance import evaluate, summary

    with open(os.devnull, "w") as devnull:
        call_command("migrate", "--noinput", verbosity=0)
        call_command("load_demo", stdout=devnull, stderr=devnull)
    scores = evaluate()
    print(f"{'nDCG@10':>8} {'R@10':>6}  query")
    for s in sorted(scores, key=lambda s: s.ndcg):
        print(f"{s.ndcg:>8.3f} {s.recall:>6.2f}  {s.query}")
    ndcg, recall = summary(scores)
    print(f"\n{len(scores)} queries: mean nDCG@10 = {ndcg:.3f}, mean recall@10 = {recall:.3f}")


if __name__ == "__main__":
    main()
