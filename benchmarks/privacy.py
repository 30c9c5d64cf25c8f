"""Personal-data detection on the labelled synthetic passages: recall, precision, leaks, speed.

Usage:  .venv/bin/python benchmarks/privacy.py [--file fixtures/privacy/passages.jsonl] [--missed 8]

Scoring is described in privacy/evaluation.py: a gold span counts as found only if every character
is covered by some finding; a prediction is correct if it overlaps a gold span. Missed spans of
names the passage's `known` lists are marked "known".
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=None)
    parser.add_argument(
        "--missed", type=int, default=8, help="missed spans and false alarms to show"
    )
    args = parser.parse_args()

    from privacy.evaluation import KINDS, PASSAGES, STRUCTURED, evaluate, load, speed

    records = load(args.file or PASSAGES)
    started = time.perf_counter()
    score = evaluate(records)
    elapsed = time.perf_counter() - started
    print(f"{len(records)} passages, {sum(score.gold.values())} gold spans, {elapsed:.1f} s\n")
    print(f"{'kind':18}{'gold':>6}{'found':>7}{'recall':>8}{'pred':>7}{'prec':>7}")
    for kind in KINDS:
        print(
            f"{kind:18}{score.gold[kind]:>6}{score.found[kind]:>7}{score.recall(kind):>8.3f}"
            f"{score.predicted[kind]:>7}{score.precision(kind):>7.3f}"
        )
    structured_gold = sum(score.gold[k] for k in STRUCTURED)
    structured_found = sum(score.found[k] for k in STRUCTURED)
    print(
        f"{'overall':18}{sum(score.gold.values()):>6}{sum(score.found.values()):>7}"
        f"{score.recall():>8.3f}{sum(score.predicted.values()):>7}{score.precision():>7.3f}"
    )
    print(f"\nstructured identifiers: {structured_found}/{structured_gold}")
    print(
        f"known names:            {score.known_found}/{score.known_gold} = {score.known_recall():.3f}"
    )
    print(f"leaks: {score.leaks} spans, {score.leaked_chars} characters left unmasked")
    if score.missed:
        print("\nmissed (id, kind, surface, context):")
        for row in score.missed[: args.missed]:
            print("  ", row[0], row[1], repr(row[2]), repr(row[3]))
    if score.false_alarms:
        print("\nfalse alarms (id, kind, surface):")
        for row in score.false_alarms[: args.missed]:
            print("  ", *row)
    chars, seconds = speed(records)
    print(f"\nspeed: {chars:,} characters in {seconds:.2f} s ({chars / seconds:,.0f} chars/s)")


if __name__ == "__main__":
    main()
