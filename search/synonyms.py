"""The two synonym dictionaries shipped with the code, beside the secretariat's groups.

- Sudachi's synonym dictionary covers the language: デジタルトランスフォーメーション also finds DX,
  サーバー finds server. The data is search/data/sudachi_synonyms.tsv, extracted from SudachiDict's
  synonyms.txt (Apache License 2.0) by search/data/build_sudachi_synonyms.py; the SudachiDict
  version is named in its header. Only words of one lexeme are grouped (see that script): related
  but different words are not.
- The project's domain dictionary covers what Sudachi lacks, the words of SME support: ロカベン,
  粗利 = 売上総利益, OJT, 信金, 事業承継 => 第三者承継. The data is search/data/domain_synonyms.tsv,
  written and maintained by the project (CC0). Its groups are read into the shape of the
  secretariat's groups (search.models.Synonym.term_list) and applied exactly like them
  (analysis.parse_query): two-way groups are the same word, the narrower words of a one-way group
  count less, and both are swapped into compounds.
"""

import functools
from collections.abc import Mapping
from pathlib import Path

from .analysis import ONE_WAY, normalise

DATA = Path(__file__).parent / "data" / "sudachi_synonyms.tsv"
DOMAIN_DATA = Path(__file__).parent / "data" / "domain_synonyms.tsv"


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


def read_domain_groups(path: Path = DOMAIN_DATA) -> dict[str, tuple[str, ...]]:
    """Group name -> its words, with ONE_WAY before the narrower words of a one-way group.

    A line is `name<TAB>words<TAB>narrower words`, words |-separated; `#` starts a comment.
    A line that does not read raises ValueError naming the file and line: the file ships with
    the code, so a mistake is the maintainer's to fix, not something to skip silently.
    """
    groups: dict[str, tuple[str, ...]] = {}
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if line.startswith("#") or not line.strip():
                continue

            def fail(reason: str, number: int = number):
                raise ValueError(f"{path.name} {number} 行目: {reason}")

            columns = line.rstrip("\n").split("\t")
            if len(columns) != 3:
                fail("タブ区切りの 3 列（グループ名、同義語、狭い語）ではありません")
            name, same, narrower = (c.strip() for c in columns)
            words = [w.strip() for w in same.split("|")]
            below = [w.strip() for w in narrower.split("|")] if narrower else []
            if not name or name in groups:
                fail(f"グループ名 {name!r} が空か重複しています")
            if any(not w or ONE_WAY in w for w in (*words, *below)):
                fail("空の語か「=>」を含む語があります")
            if len(set(words)) != len(words) or set(words) & set(below):
                fail("同じ語が 2 回あります")
            if not below and len(words) < 2:
                fail("双方向のグループには 2 語以上が必要です")
            groups[name] = (*words, *([ONE_WAY, *below] if below else []))
    return groups


@functools.lru_cache(maxsize=1)
def domain_groups() -> tuple[tuple[str, ...], ...]:
    """The domain dictionary's groups, read once per process, in analysis.synonym_index's shape."""
    return tuple(read_domain_groups().values())
