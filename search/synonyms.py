"""Sudachi's synonym dictionary: abbreviations and spelling variants of general words.

The secretariat's own groups (search.models.Synonym) cover the domain (ロカベン, 事業承継); this
covers the language: デジタルトランスフォーメーション also finds DX, サーバー finds server. The data is
search/data/sudachi_synonyms.tsv, extracted from SudachiDict's synonyms.txt (Apache License 2.0)
by search/data/build_sudachi_synonyms.py; the SudachiDict version is named in its header. Only
words of one lexeme are grouped (see that script): related but different words are not.
"""

import functools
from collections.abc import Mapping
from pathlib import Path

from .analysis import normalise

DATA = Path(__file__).parent / "data" / "sudachi_synonyms.tsv"


@functools.lru_cache(maxsize=1)
def dictionary_synonyms() -> Mapping[str, tuple[str, ...]]:
    """Normalised word -> the other words it also finds, read once per process (~50 ms).

    Keyed by the normalised surface, which is what analysis.parse_query looks a unit up by (the
    concatenated Sudachi normalised forms equal it for nearly every dictionary word; where they
    differ, Sudachi's own normalisation already joins the spellings).
    """
    index: dict[str, tuple[str, ...]] = {}
    with DATA.open(encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            _, expanding, found_only = line.rstrip("\n").split("\t")
            words = expanding.split("|")
            targets = found_only.split("|") if found_only else []
            for word in words:
                others = [w for w in (*words, *targets) if w != word]
                key = normalise(word)
                index[key] = tuple(dict.fromkeys((*index.get(key, ()), *others)))
    return index
