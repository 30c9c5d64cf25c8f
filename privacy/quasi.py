"""Quasi-identifiers: details that name nobody alone but single a firm out together.

An exact age (会長（68）), an exact date (2023年4月12日) or a founding year (1965年創業) lets a
reader who knows the region find the company. The assistant offers a coarser form for each, as a
suggestion the reviewer accepts; nothing here rewrites a text unasked.

- ages become decades: 68歳 → 60代, 「（68）」 after a name → 「（60代）」; under 20 → 10代以下;
- full dates become the month: 2023年4月12日 → 2023年4月, 2023/4/12 → 2023年4月, 令和5年4月12日
  → 令和5年4月;
- founding years become the decade: 1965年創業 → 1960年代創業, 創業1965年 → 創業1960年代,
  昭和40年設立 → 1960年代設立 (the era year is read as its Western year).
"""

import re
import unicodedata
from dataclasses import dataclass

_ERAS = {"明治": 1867, "大正": 1911, "昭和": 1925, "平成": 1988, "令和": 2018}
_ERA = "|".join(_ERAS)
_D = r"[0-9０-９]"
_FOUNDED = r"(?:創業|設立|創立|開業|創設)"

_AGE = re.compile(rf"(?<![0-9０-９])({_D}{{1,3}})(?:歳|才)(?!代)")
# A bare age in brackets right after a name or title: 高橋会長（68）, B氏(38).
_BRACKET_AGE = re.compile(rf"(?<=[氏長女男様さん役員者])([（(])({_D}{{1,3}})([）)])")
_FOUNDING = re.compile(
    rf"(?:(?P<era>{_ERA})(?P<eyear>{_D}{{1,2}}|元)|(?P<year>{_D}{{4}}))年(?:に|の)?(?P<verb>{_FOUNDED})"
    rf"|(?P<verb2>{_FOUNDED})(?:は|年は)?(?:(?P<era2>{_ERA})(?P<eyear2>{_D}{{1,2}}|元)|(?P<year2>{_D}{{4}}))年"
)
_DATE = re.compile(
    rf"(?P<prefix>(?:{_ERA})(?:{_D}{{1,2}}|元)|{_D}{{4}})年(?P<month>{_D}{{1,2}})月{_D}{{1,2}}日"
    rf"|(?<![0-9０-９/])(?P<y>{_D}{{4}})[/.](?P<m>{_D}{{1,2}})[/.]{_D}{{1,2}}(?![0-9０-９/])"
)


@dataclass(frozen=True, order=True)
class Suggestion:
    start: int
    end: int
    text: str
    replacement: str
    kind: str  # age, date, founding


def _int(digits: str) -> int:
    return int(unicodedata.normalize("NFKC", digits))


def _decade(age: int) -> str:
    return "10代以下" if age < 20 else f"{age // 10 * 10}代"


def _western(era: str | None, year: str | None, western: str | None) -> int:
    if western:
        return _int(western)
    return _ERAS[era or ""] + (1 if year == "元" else _int(year or "0"))


def suggestions(text: str) -> list[Suggestion]:
    """Coarser forms for the ages, dates and founding years in `text`, without overlaps."""
    found: list[Suggestion] = []
    for m in _FOUNDING.finditer(text):
        if m["verb"]:
            year = _western(m["era"], m["eyear"], m["year"])
            replacement = f"{year // 10 * 10}年代{m['verb']}"
        else:
            year = _western(m["era2"], m["eyear2"], m["year2"])
            replacement = f"{m['verb2']}{year // 10 * 10}年代"
        found.append(Suggestion(m.start(), m.end(), m[0], replacement, "founding"))
    for m in _DATE.finditer(text):
        if m["prefix"]:
            replacement = f"{m['prefix']}年{m['month']}月"
        else:
            replacement = f"{m['y']}年{_int(m['m'])}月"
        found.append(Suggestion(m.start(), m.end(), m[0], replacement, "date"))
    for m in _AGE.finditer(text):
        found.append(Suggestion(m.start(), m.end(), m[0], _decade(_int(m[1])), "age"))
    for m in _BRACKET_AGE.finditer(text):
        replacement = f"{m[1]}{_decade(_int(m[2]))}{m[3]}"
        found.append(Suggestion(m.start(), m.end(), m[0], replacement, "age"))
    kept: list[Suggestion] = []
    for s in sorted(found):
        if kept and s.start < kept[-1].end:
            continue  # the first (founding before a date inside it) wins
        kept.append(s)
    return [s for s in kept if s.replacement != s.text]


def apply(text: str, accepted: list[Suggestion]) -> str:
    """`text` with the accepted suggestions applied; one whose text no longer stands at its place
    (the text changed since) is skipped rather than applied at the wrong place."""
    out, last = [], 0
    for s in sorted(accepted):
        if s.start < last or text[s.start : s.end] != s.text:
            continue
        out += [text[last : s.start], s.replacement]
        last = s.end
    return "".join(out) + text[last:]
