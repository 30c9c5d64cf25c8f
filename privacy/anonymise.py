"""Replacements for personal data, and the findings that must block publishing.

Placeholders are deliberately plain, so a reviewer can read the result as a case:

- organisations get A社, B社 … and persons B氏, C氏 … in order of first appearance (persons
  start at B so the first person never reads as the company's twin: A社のB氏); every variant of
  one known entry (株式会社ミライ工業, ミライ工業, ミライ) and any surface contained in an
  earlier one of the same kind (田中 in 田中健一) gets the same letter;
- a person placeholder followed by a title drops its 氏 (田中社長 → B社長), and one followed by an
  honorific swallows it (田中さん → B氏);
- places become 県内 (or 都内/道内/府内) when they start with a prefecture, else 市内;
- structured identifiers become 「（削除）」.

The mapping is surface → placeholder, so the same surface is replaced the same way everywhere in
the case, including mentions the detector did not flag.
"""

import re
from collections.abc import Iterable, Iterator

from privacy import screening
from privacy.detect import (
    HONORIFICS,
    PREFECTURES,
    STRUCTURED_KINDS,
    TITLES,
    Finding,
    _stands_alone,
    _Text,
    detect,
    normalise,
)
from privacy.vocabulary import STRIP_LEGAL

REMOVED = "（削除）"
_PERSON_TITLES = tuple(t for t in TITLES if t not in HONORIFICS)
_HONORIFIC_RE = "|".join(sorted((h for h in HONORIFICS if h != "御中"), key=len, reverse=True))
_LEGAL_OR_SPACE = re.compile(r"[\s\u3000]+")


def _letters(skip: int = 0) -> Iterator[str]:
    n = skip
    while True:
        n += 1
        label, k = "", n
        while k:
            k, rest = divmod(k - 1, 26)
            label = chr(ord("A") + rest) + label
        yield label


def _place_placeholder(surface: str) -> str:
    s = normalise(surface)
    for pref in PREFECTURES:
        if s.startswith(pref):
            rest = s[len(pref) :]
            if pref == "北海道":
                return "道内"
            if rest.startswith("都"):
                return "都内"
            if rest.startswith("府"):
                return "府内"
            if rest.startswith("県"):
                return "県内"
    return "市内"


def _key(surface: str) -> str:
    return _LEGAL_OR_SPACE.sub("", STRIP_LEGAL.sub("", normalise(surface)))


def suggest_replacements(
    findings: Iterable[Finding], *, taken: Iterable[str] = ()
) -> dict[str, str]:
    """A consistent surface → placeholder mapping for the findings of one case. Placeholders in
    `taken` (labels the case already uses for other people, B氏) are never handed out again."""
    taken = set(taken)

    def free(kind: str, letters: Iterator[str]) -> Iterator[str]:
        suffix = "社" if kind == "organisation" else "氏"
        return (lt for lt in letters if lt + suffix not in taken)

    letters = {
        "organisation": free("organisation", _letters()),
        "person": free("person", _letters(skip=1)),
    }
    mapping: dict[str, str] = {}
    by_source: dict[str, str] = {}
    named: list[tuple[str, str, str, str]] = []  # (kind, key, source, letter)
    for f in sorted(findings):
        if f.text in mapping:
            continue
        kind = f.base_kind
        if kind in STRUCTURED_KINDS:
            mapping[f.text] = REMOVED
            continue
        if kind == "place":
            mapping[f.text] = _place_placeholder(f.text)
            continue
        key = _key(f.text)
        letter = by_source.get(f.source) if f.source else None
        if letter is None and len(key) >= 2:
            # Unknown names join an earlier one that holds them or that they hold (田中 / 田中健一),
            # but two different known entries never merge just because they share a surname.
            letter = next(
                (
                    lt
                    for k, other, source, lt in named
                    if k == kind
                    and len(other) >= 2
                    and not (f.source and source and f.source != source)
                    and (key in other or other in key)
                ),
                None,
            )
        letter = letter or next(letters[kind])
        if f.source:
            by_source.setdefault(f.source, letter)
        named.append((kind, key, f.source, letter))
        mapping[f.text] = letter + ("社" if kind == "organisation" else "氏")
    return mapping


def apply_replacements(text: str, replacements: dict[str, str]) -> str:
    """`text` with every surface replaced, the longest first (田中太郎 before 田中)."""
    surfaces = sorted((s for s in replacements if s), key=len, reverse=True)
    if not surfaces:
        return text
    t = _Text(text)
    pattern = re.compile(
        "(" + "|".join(re.escape(s) for s in surfaces) + f")(?P<hon>{_HONORIFIC_RE})?"
    )

    def replace(m: re.Match) -> str:
        surface, hon = m[1], m["hon"] or ""
        placeholder = replacements[surface]
        # A one-character or short kana name inside a longer word (林 in 森林) is not that name;
        # identifiers and places go wherever they appear (T1234567890123).
        named = placeholder.endswith(("氏", "社"))
        if named and not _stands_alone(t, m.start(1), m.end(1), normalise(surface)):
            return m[0]
        if not placeholder.endswith("氏") or placeholder == surface:
            return placeholder + hon
        if hon:
            return placeholder  # 田中さん → B氏
        if text.startswith(_PERSON_TITLES, m.end()):
            return placeholder[:-1]  # 田中社長 → B社長
        return placeholder

    return pattern.sub(replace, text)


def blocking_findings(text: str, known: dict[str, list[str]] | None) -> list[Finding]:
    """Findings that must block publishing: structured identifiers and every known name."""
    return [
        f
        # The model finds no identifier and no known name, so the gate does without it.
        # Shared with the import's screening of the same texts (privacy.screening.one_import).
        for f in screening.findings(text, known=known)
        if f.kind in STRUCTURED_KINDS or f.kind.startswith("known_")
    ]


def anonymise(text: str, known: dict[str, list[str]] | None = None) -> str:
    """`text` with every finding replaced by its suggested placeholder."""
    return apply_replacements(text, suggest_replacements(detect(text, known=known)))
