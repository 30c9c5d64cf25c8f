"""Extract the abbreviations and spelling variants of SudachiDict's synonym file.

Usage:  .venv/bin/python search/data/build_sudachi_synonyms.py SYNONYMS_TXT SOURCE_LABEL

SYNONYMS_TXT is src/main/text/synonyms.txt of github.com/WorksApplications/SudachiDict
(Apache License 2.0); SOURCE_LABEL names its version (the commit), written into the output's
header. Writes search/data/sudachi_synonyms.tsv, which search/synonyms.py reads.

Only words of one *lexeme* are kept together: the same word in other spellings (曖昧, あいまい),
its abbreviations (デジタルトランスフォーメーション, DX) and its alphabet form (サマリー, summary).
Different lexemes of a group are related words (曖昧, 不明確, あやふや): expanding to them would
bring up documents about something else, so they are left out. The dictionary's expansion flag is
kept: a word marked 1 (an ambiguous abbreviation such as DX) is found from its full form but does
not expand itself; a word marked 2 is left out.
"""

import csv
import sys
from pathlib import Path

OUT = Path(__file__).with_name("sudachi_synonyms.tsv")


def lexemes(path: Path) -> dict[tuple[str, str], tuple[list[str], list[str]]]:
    """(group, lexeme) -> (words that expand, words only found)."""
    found: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    with path.open(encoding="utf-8") as f:
        for row in csv.reader(f):
            if len(row) < 9 or not row[8].strip():
                continue
            group, expansion, lexeme, word = row[0], row[2], row[3], row[8].strip()
            if expansion == "2":
                continue
            both, only = found.setdefault((group, lexeme), ([], []))
            target = both if expansion == "0" else only
            if word not in both and word not in only:
                target.append(word)
    return found


def main(source: str, label: str) -> None:
    rows = []
    for (group, lexeme), (both, only) in sorted(lexemes(Path(source)).items()):
        if len(both) + len(only) < 2 or not both:
            continue
        rows.append(f"{group}-{lexeme}\t{'|'.join(both)}\t{'|'.join(only)}")
    header = (
        f"# Abbreviations and spelling variants from SudachiDict's synonyms.txt ({label}),\n"
        "# Copyright (c) 2017 Works Applications Co., Ltd., Apache License 2.0.\n"
        "# Built by search/data/build_sudachi_synonyms.py; columns: group-lexeme, words that\n"
        "# expand (|-separated), words only found from the others.\n"
    )
    OUT.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"{len(rows)} lexemes written to {OUT}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
