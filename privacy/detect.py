"""Finds personal data in Japanese text: structured identifiers, company-like names, person names.

Offsets are character offsets into the original text. Matching runs on a copy normalised character
by character (full-width digits and letters to half-width), so offsets stay valid.
"""

import re
import threading
import unicodedata
from dataclasses import dataclass

_LOCAL = threading.local()


@dataclass(frozen=True, order=True)
class Finding:
    start: int
    end: int
    kind: str
    text: str


_DASH = r"[-‐‑‒–—―ー−]"
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("email", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")),
    ("url", re.compile(r"(?:https?://|www\.)[^\s、。「」（）()]+")),
    (
        "phone",
        re.compile(
            rf"(?<!\d)0\d{{1,4}}(?:{_DASH}|\(|\)|\s)?\d{{1,4}}(?:{_DASH}|\)|\s)?\d{{4}}(?!\d)"
        ),
    ),
    ("postal_code", re.compile(rf"(?:〒\s?)?(?<!\d)\d{{3}}{_DASH}\d{{4}}(?!\d)")),
    ("corporate_number", re.compile(r"(?<!\d)\d{13}(?!\d)")),
    ("my_number", re.compile(r"(?<!\d)\d{4}[\s-]?\d{4}[\s-]?\d{4}(?!\d)")),
    (
        "organisation",
        re.compile(
            r"(?:株式会社|有限会社|合同会社|合資会社|合名会社|\(株\)|\(有\)|㈱|㈲)\s?"
            r"[ァ-ヴーA-Za-z0-9一-龥々]{1,20}"
            r"|[ァ-ヴーA-Za-z0-9一-龥々]{1,20}(?:株式会社|有限会社|合同会社|\(株\)|\(有\)|㈱|㈲)"
        ),
    ),
]


def _normalise_per_char(text: str) -> str:
    out = []
    for ch in text:
        n = unicodedata.normalize("NFKC", ch)
        out.append(n if len(n) == 1 else ch)
    return "".join(out)


def _tokenizer():
    tok = getattr(_LOCAL, "tokenizer", None)
    if tok is None:
        from sudachipy import Dictionary, SplitMode

        _LOCAL.tokenizer = tok = Dictionary(dict="core").tokenizer(mode=SplitMode.C)
    return tok


HONORIFICS = frozenset(
    [
        "さん",
        "氏",
        "様",
        "さま",
        "君",
        "くん",
        "ちゃん",
        "殿",
        "社長",
        "会長",
        "専務",
        "常務",
        "部長",
        "課長",
        "係長",
        "店長",
        "工場長",
        "先生",
    ]
)


def _person_names(text: str) -> list[Finding]:
    """Sudachi 人名 tokens that read as a name: next to another name part or an honorific.

    A lone 人名 token is too often an ordinary word that can also be a surname (ゴール, 見方).
    """
    findings = []
    offset = 0
    # Sudachi accepts at most ~49 kB per call; split at line ends.
    for chunk in re.split(r"(?<=\n)", text):
        morphemes = list(_tokenizer().tokenize(chunk))
        is_name = [m.part_of_speech()[1:3] == ("固有名詞", "人名") for m in morphemes]
        for i, m in enumerate(morphemes):
            if not is_name[i]:
                continue
            before = i > 0 and is_name[i - 1]
            after = i + 1 < len(morphemes) and (
                is_name[i + 1] or morphemes[i + 1].surface() in HONORIFICS
            )
            if before or after:
                findings.append(
                    Finding(offset + m.begin(), offset + m.end(), "person", m.surface())
                )
        offset += len(chunk)
    return findings


def detect(text: str, *, known: dict[str, list[str]] | None = None) -> list[Finding]:
    """All findings in `text`, sorted, overlapping ones merged into the first kind found."""
    normalised = _normalise_per_char(text)
    found: list[Finding] = []
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(normalised):
            found.append(Finding(m.start(), m.end(), kind, text[m.start() : m.end()]))
    found.extend(_person_names(text))
    for kind, names in (known or {}).items():
        for name in names:
            name = _normalise_per_char(name.strip())
            if not name:
                continue
            for m in re.finditer(re.escape(name), normalised):
                found.append(
                    Finding(m.start(), m.end(), f"known_{kind}", text[m.start() : m.end()])
                )
    merged: list[Finding] = []
    # Longest match first where two start at the same place (a phone number beats a postcode).
    for f in sorted(found, key=lambda f: (f.start, -f.end)):
        if merged and f.start < merged[-1].end:
            continue
        merged.append(f)
    return merged
