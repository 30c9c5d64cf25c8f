"""Finds personal data in Japanese text: structured identifiers, known names, names Sudachi tags.

Offsets are character offsets into the original text. Matching runs on copies normalised character
by character (NFKC, lower case, kanji numerals as digits), so every offset stays valid.

Layers (a character is flagged if any layer flags it):

1. Structured identifiers by regex: e-mail, URL, phone, postal code, 法人番号, マイナンバー, in
   full-width digits, with spaces, or in kanji numerals (〇一二…九), which are read both as
   digits and, where a counter follows (二回目), as words. Phone numbers need 10–11 digits.
2. Names the platform knows (``known``): persons also by 姓 and 名 alone, organisations also
   without their 法人格 and without a trailing industry word (ミライ工業 → ミライ), places also by
   each municipality and its stem (浜松市 → 浜松). Single characters and short kana parts must
   stand as their own morpheme or precede an honorific, so 林 does not fire inside 森林.
3. Sudachi (core dictionary, mode A): 人名 next to another name, a title or an honorific;
   municipality-level 地名 and the street numbers after them; company-like names next to a 法人格
   or an honorific (御中, 様), or a proper head before an industry word (山田製作所). A lone 人名
   is not enough: ordinary words (見方, ゴール, 山主) are tagged 人名 out of context. A name
   read once as a name is flagged at its other mentions too.
4. Patterns Sudachi does not see: an address from its prefecture on, a street line of its own
   (西原1-9-15), two romaji words shaped like a Japanese name (NAKAMURA Mayumi).
5. A surname/given-name lexicon (Sudachi's 人名 entries): katakana names joined by ・ of which one
   part is a 人名 (ジョン・クインシー・アダムズ); with the model on, a katakana 人名 of four or more
   characters alone (スティーブンス).
6. A statistical NER (privacy.ner: GiNZA's ja_ginza and a head trained on Japanese Wikipedia
   sentences, loaded once per process) on the sentences holding a proper noun, an unknown or a
   Latin word. Its names need some of that material (法人番号 or コミッショナー alone are not
   names) unless both models read a name there (アップル, オラクル). Off with
   ``statistical=False`` (the publish gate and the import screening block on identifiers, known
   names and the rules only).

Common nouns built like place names (漁師町, 城下町, 商店街, 県内) are never findings.
Prefectures, regions and countries on their own are not flagged: the published case already
carries its prefecture, and the replacement a reviewer uses for a place is 県内/市内; they are with
``regions=True`` (kind "region"), which the real-text evaluation reports beside the default.
"""

import functools
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from privacy import ner
from privacy.text import Morpheme, is_kanji, morphemes, normalise
from privacy.variants import (
    is_prefecture,
    organisation_variants,
    person_variants,
    place_variants,
)
from privacy.vocabulary import (
    ADMIN_SUFFIXES,
    COMMON_PLACE_NOUNS,
    CORPORATE_WORDS,
    DASH,
    GENERIC_HEADS,
    HONORIFICS,
    INDUSTRY_WORDS,
    INSTITUTIONS,
    LEGAL_RE,
    MUNICIPAL_SUFFIXES,
    NAME_JOINERS,
    PLACE_FOLLOWERS,
    PLATFORM_TERMS,
    PREFECTURES,
    ROLES,
    STRIP_LEGAL,
    TITLES,
)

_LOCAL = threading.local()

STRUCTURED_KINDS = frozenset(
    ["email", "url", "phone", "postal_code", "corporate_number", "my_number"]
)
KNOWN_KINDS = {
    "persons": "known_person",
    "organisations": "known_organisation",
    "places": "known_place",
}
BASE_KIND = {
    "region": "place",
    "known_person": "person",
    "known_organisation": "organisation",
    "known_place": "place",
}


@dataclass(frozen=True, order=True)
class Finding:
    start: int
    end: int
    kind: str
    text: str
    # The known entry a finding came from, so replacements can give all its variants one letter.
    source: str = field(default="", compare=False)

    @property
    def base_kind(self) -> str:
        """The kind without the known_ prefix (known_person → person)."""
        return BASE_KIND.get(self.kind, self.kind)


# --- vocabulary ----------------------------------------------------------------------------------

_DASH = DASH
_LEGAL_RE = LEGAL_RE
_STRIP_LEGAL = STRIP_LEGAL
_SEP = rf"(?:\s*[{_DASH}]\s*|\s+)"
_KANJI_DIGITS = str.maketrans("〇一二三四五六七八九", "0123456789")
_COUNTERS = "十百千万億回年月日人名代件社期度本個枚歳時分秒割倍点位番号丁階台部課条種品目者店軒週世級段周箇ヶカかつ"
_KANJI_NUMERAL = re.compile(f"[〇一二三四五六七八九](?![{_COUNTERS}])")

_ROMAJI_NAME = re.compile(
    r"(?<![A-Za-z])(?:[A-Z][a-z]+|[A-Z]{2,}) (?:[A-Z][a-z]+|[A-Z]{2,})(?![A-Za-z])"
)
# Hepburn syllables, two or more: Tanaka and Mayumi fit, PDCA or Cycle do not.
_ROMAJI_WORD = re.compile(r"(?i)(?:(?:[kgsztdnhbpmrwfj]|ch|sh|ts)?y?[aiueo]|n(?![aiueoy])){2,}")
_PLACEHOLDER = re.compile(r"[A-ZＡ-Ｚ]{1,2}")
_BRACKETED_ROLE = re.compile(r"\([^()]{0,12}(?:士|長|役|担当|代表|社員)\)")
# Counted things Sudachi sometimes tags 地名 (十人, 三代); 八戸 or 三条 do not end in a counter.
_COUNTED = re.compile(r"[一二三四五六七八九十百千数]{1,3}[人名代回年月日件社期度本個枚歳]")

_NUM = r"[0-9〇一二三四五六七八九十百千]+"
# Street numbers after a place: 2-15-10, 1丁目2番3号, 103番地, 二丁目五番八号.
# Street numbers never start with 0, which keeps a phone number after a place out of it.
_STREET_START = r"(?![0〇])"
_ADDRESS_TAIL = re.compile(
    rf"[一-龥々ヶケが]{{0,6}}?\s?{_STREET_START}{_NUM}(?:(?:丁目|番地|番|号|[{_DASH}]|の){_NUM})+"
    rf"(?:丁目|番地|番|号)?|[一-龥々ヶケが]{{0,6}}?\s?{_STREET_START}{_NUM}(?:丁目|番地|番|号)"
)

_PREFECTURE_ADDRESS = re.compile(
    r"(?:北海道|東京都|京都府|大阪府|(?:"
    + "|".join(p for p in PREFECTURES if p not in ("北海道", "東京", "京都", "大阪"))
    + r")県)(?:[一-龥々ヶケ]{1,6}?[市郡区町村]){1,3}"
)
_STREET = re.compile(
    rf"(?<![一-龥々ヶケが])[一-龥々ヶケが]{{1,6}}{_STREET_START}"
    rf"(?:{_NUM}丁目{_NUM}番地?(?:{_NUM}号)?|{_NUM}番地"
    rf"|\d{{1,4}}[{_DASH}]\d{{1,4}}[{_DASH}]\d{{1,4}}(?![\d{_DASH}]))"
)

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "email",
        re.compile(
            r"[A-Za-z0-9._%+-]+(?:@|\s?\[at\]\s?|\s?\(at\)\s?)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
        ),
    ),
    (
        "url",
        re.compile(
            r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'*+,;=%]+[A-Za-z0-9/#=_\-]"
            r"|(?<![A-Za-z0-9@._-])(?:[A-Za-z0-9-]+\.)+(?:jp|com|net|org|info|biz|io)"
            r"(?:/[A-Za-z0-9\-._~/?#=&%]*)?(?![A-Za-z0-9])"
        ),
    ),
    # 10 or 11 digits from a leading 0 (or +81), in up to three groups; the count is checked below.
    (
        "phone",
        re.compile(
            rf"(?<![\d+])(?:\+81{_SEP}?|\(0\d{{1,4}}\)\s*|0\d{{1,4}}\s*\(\s*\d{{1,4}}\s*\)\s*|0)"
            rf"\d{{0,4}}{_SEP}?\d{{1,4}}(?:{_SEP}?\d{{3,4}})?(?!\d)"
        ),
    ),
    ("postal_code", re.compile(rf"(?:〒\s?|郵便番号\s?[:：]?\s?)\d{{3}}[{_DASH}]?\d{{4}}(?!\d)")),
    ("postal_code", re.compile(rf"(?<![\d{_DASH}])\d{{3}}[{_DASH}]\d{{4}}(?![\d{_DASH}])")),
    (
        "corporate_number",
        re.compile(r"(?<!\d)(?:\d{13}|\d[\s-]\d{4}[\s-]\d{4}[\s-]\d{4})(?!\d)"),
    ),
    ("my_number", re.compile(r"(?<!\d)\d{4}(?:\s{1,2}|-)?\d{4}(?:\s{1,2}|-)?\d{4}(?!\d)")),
]


# --- the detector --------------------------------------------------------------------------------


def _digit_view(norm: str) -> str:
    """Kanji numerals as digits, except one that counts something (五九二回目: 二 stays)."""
    return _KANJI_NUMERAL.sub(lambda m: m[0].translate(_KANJI_DIGITS), norm)


class _Text:
    """A text with its normalised views and morphemes, computed once per call."""

    def __init__(self, text: str):
        self.text = text
        self.norm = normalise(text)
        # Kanji numerals read two ways: all as digits (…五〇二三日本の: 三 ends a number) and
        # counting ones kept as words (…八一五九二回目: 二 starts 二回目); both are scanned.
        self.digit_views = (self.norm.translate(_KANJI_DIGITS), _digit_view(self.norm))
        self.morphemes = morphemes(self.norm)
        self.starts = {m.start for m in self.morphemes}
        self.ends = {m.end for m in self.morphemes}
        self.at = {m.start: i for i, m in enumerate(self.morphemes)}
        self.ending = {m.end: i for i, m in enumerate(self.morphemes)}

    def finding(self, start: int, end: int, kind: str, source: str = "") -> Finding:
        return Finding(start, end, kind, self.text[start:end], source)

    def followed_by(self, end: int, words: Iterable[str]) -> bool:
        return any(self.norm.startswith(w, end) for w in words)

    def preceded_by(self, start: int, words: Iterable[str]) -> bool:
        return any(self.norm.endswith(w, 0, start) for w in words)

    def titled(self, end: int) -> bool:
        """Whether a title, an honorific or a bracketed role follows (田中（中小企業診断士）)."""
        return self.followed_by(end, TITLES) or bool(_BRACKETED_ROLE.match(self.norm, end))


def _structured(t: _Text) -> Iterator[Finding]:
    for kind, pattern in PATTERNS:
        views = (t.norm,) if kind in ("email", "url") else t.digit_views
        for view, m in ((v, m) for v in views for m in pattern.finditer(v)):
            start, end = m.span()
            while end > start and view[end - 1] in " \u3000":
                end -= 1
            if kind == "phone":
                digits = sum(c.isdigit() for c in view[start:end])
                international = view.startswith("+81", start)
                if not (10 <= digits <= 11 or international and 11 <= digits <= 12):
                    continue
            yield t.finding(start, end, kind)


def _stands_alone(t: _Text, start: int, end: int, variant: str) -> bool:
    """Whether a match of a short or Latin name is a word of its own rather than part of one."""
    if variant.isascii():
        before = t.norm[start - 1] if start else " "
        after = t.norm[end] if end < len(t.norm) else " "
        return not (before.isascii() and before.isalnum() or after.isascii() and after.isalnum())
    short_kana = len(variant) <= 3 and all("\u3041" <= c <= "\u30ff" for c in variant)
    if len(variant) > 1 and not short_kana:
        return True
    return (start in t.starts and end in t.ends) or t.followed_by(end, TITLES)


def _find_all(haystack: str, needle: str) -> Iterator[tuple[int, int]]:
    """Spans of every occurrence; str.find, because a regex per name overflows re's cache."""
    start = haystack.find(needle)
    while start >= 0:
        yield start, start + len(needle)
        start = haystack.find(needle, start + 1)


def _known(t: _Text, known: dict[str, list[str]]) -> Iterator[Finding]:
    makers = {
        "persons": person_variants,
        "organisations": organisation_variants,
        "places": place_variants,
    }
    for key, names in known.items():
        if key not in makers:
            continue
        for name in names or ():
            if not isinstance(name, str) or not name.strip():
                continue
            for variant in makers[key](name):
                for start, end in _find_all(t.norm, variant):
                    if _stands_alone(t, start, end, variant):
                        yield t.finding(start, end, KNOWN_KINDS[key], f"{key}:{name}")


def _name_part(t: _Text, m: Morpheme) -> bool:
    """Whether `m` continues a name: a 人名, or a 名 Sudachi reads otherwise (美咲 as a place,
    ひなた as a word) when a title follows it; never a particle (岡田が社長に: が is no 名)."""
    if m.is_function_word:
        return False
    given = m.pos[1] == "固有名詞" or all("\u3041" <= c <= "\u30ff" for c in m.surface)
    return m.is_person or (given and t.titled(m.end))


def _persons(t: _Text) -> Iterator[Finding]:
    ms = t.morphemes
    i = 0
    while i < len(ms):
        if not ms[i].is_person:
            i += 1
            continue
        j, names = i, 1
        # A run of name parts, allowing one space between 姓 and 名.
        while j + 1 < len(ms):
            if _name_part(t, ms[j + 1]):
                j, names = j + 1, names + 1
            elif ms[j + 1].surface.isspace() and j + 2 < len(ms) and _name_part(t, ms[j + 2]):
                j, names = j + 2, names + 1
            else:
                break
        start, end = ms[i].start, ms[j].end
        before = start - 1 if t.norm[start - 1 : start] in (" ", "の", ":", "：") else start
        titled = t.titled(end) or t.preceded_by(before, ROLES)
        if names > 1 or titled:
            yield t.finding(start, end, "person")
        i = j + 1
    # Two romaji words as on a business card (NAKAMURA Mayumi, Sakura Hasegawa).
    for m in _ROMAJI_NAME.finditer(t.text):
        if all(_ROMAJI_WORD.fullmatch(w) for w in m[0].split()):
            yield t.finding(m.start(), m.end(), "person")
    # A name right after a family word (父・浩三郎, 娘のジンジ) or before a public title
    # (ギゾー首相, リキメル将軍): a proper noun, an unknown word or a 人名, never a common noun
    # (娘のドレス).
    for k, m in enumerate(ms):
        if m.surface in KIN and k + 2 < len(ms) and ms[k + 1].surface in ("・", "の"):
            j = k + 2
        elif m.surface in KIN and k + 1 < len(ms):
            j = k + 1
        else:
            continue
        run = j
        while run < len(ms) and _named(ms[run]):
            run += 1
        if run > j and not _common(ms[j]) or run > j + 1:
            yield t.finding(ms[j].start, ms[run - 1].end, "person")
    for k in range(1, len(ms)):
        if (
            ms[k].surface in PUBLIC_TITLES
            and _named(ms[k - 1])
            and _katakana(ms[k - 1])
            and ms[k - 1].pos[2] != "地名"  # アイルランド大使
        ):
            j = k - 1
            while j > 0 and ms[j - 1].surface in ("・", "･") and j > 1 and _katakana(ms[j - 2]):
                j -= 2
            yield t.finding(ms[j].start, ms[k - 1].end, "person")
    # Latin or katakana words Sudachi does not know, right before an honorific.
    for m in re.finditer(r"(?:[a-z]+ ){0,2}[a-z]{2,}(?= ?(?:さん|氏|様))", t.norm):
        yield t.finding(m.start(), m.end(), "person")
    for m in re.finditer(r"[ァ-ヴ][ァ-ヴー・]+(?=さん|氏|様)", t.norm):
        i = t.at.get(m.start())
        # ・ between katakana words is how foreign full names are written (マリア・サントス).
        if i is not None and (ms[i].oov or ms[i].is_person or "・" in m[0]):
            yield t.finding(m.start(), m.end(), "person")


# Family words before a name (父・浩三郎, 次兄のボビー), and titles after one (ギゾー首相).
KIN = frozenset(
    ["父", "母", "妻", "夫", "兄", "弟", "姉", "妹", "娘", "息子", "長男", "次男", "三男", "長女",
     "次女", "三女", "長兄", "次兄", "祖父", "祖母", "叔父", "叔母", "伯父", "伯母", "孫", "甥", "姪",
     "義父", "義母", "実父", "実母", "養父", "養母"]
)  # fmt: skip
PUBLIC_TITLES = frozenset(
    ["首相", "知事", "大統領", "将軍", "議員", "市長", "町長", "村長", "大使", "総督", "国王",
     "王子", "王女", "皇帝", "教授", "博士", "監督", "選手", "司令官", "提督", "伯爵", "公爵"]
)  # fmt: skip


def _named(m: Morpheme) -> bool:
    """A morpheme a name may be: a 人名, a proper noun or an unknown word."""
    return m.is_person or m.pos[1] == "固有名詞" or (m.oov and m.surface.isalnum())


def _places(t: _Text) -> Iterator[Finding]:
    ms = t.morphemes

    def suffixed(k: int) -> bool:
        # Any proper noun before 市/町/村 is a municipality, even one read as a surname (高岡市).
        m = ms[k]
        return (
            m.pos[1] == "固有名詞" and k + 1 < len(ms) and ms[k + 1].surface in MUNICIPAL_SUFFIXES
        )

    i = 0
    while i < len(ms):
        if not (ms[i].is_place or suffixed(i)):
            i += 1
            continue
        j = i
        while j + 1 < len(ms) and (
            ms[j + 1].is_place or ms[j + 1].surface in ADMIN_SUFFIXES or suffixed(j + 1)
        ):
            j += 1
        start, end = ms[i].start, ms[j].end
        surface = t.norm[start:end]
        first, i = i, j + 1
        before = start - 1 if t.norm[start - 1 : start] in (" ", "の", ":", "：") else start
        if (t.titled(end) or t.preceded_by(before, ROLES)) and ms[j].surface not in ADMIN_SUFFIXES:
            yield t.finding(start, end, "person")  # a surname that is also a place (浜松さん)
            continue
        municipal = any(
            m.surface in MUNICIPAL_SUFFIXES or (m.is_place and m.surface[-1] in "町村区丁目台丘")
            for m in ms[first : j + 1]
        )
        if not municipal:
            if is_prefecture(surface) or _COUNTED.fullmatch(surface):
                continue
            nxt = ms[j + 1] if j + 1 < len(ms) else None
            compound = nxt is not None and nxt.pos[0] in ("名詞", "接尾辞")
            if compound and nxt.surface not in PLACE_FOLLOWERS:
                continue  # part of a compound: 大和言葉, 富士山, 三代目
        yield t.finding(start, end, "place")
    # An address from its prefecture on, for when Sudachi cuts a city name badly (帯|広市新|町).
    for m in _PREFECTURE_ADDRESS.finditer(t.norm):
        yield t.finding(m.start(), m.end(), "place")
    # A street address without its municipality, as on the second line of a letterhead.
    for m in _STREET.finditer(t.norm):
        yield t.finding(m.start(), m.end(), "place")


def _organisations(t: _Text) -> Iterator[Finding]:
    ms = t.morphemes
    stop = frozenset([*TITLES, *HONORIFICS, "御中"])

    def name_like(k: int) -> bool:
        m = ms[k]
        if m.surface == " ":  # between two Latin words: Blue Field
            return 0 < k < len(ms) - 1 and _latin(ms[k - 1]) and _latin(ms[k + 1])
        # A count before the name is no part of it (1907年大学, 29日放送, 3大航空).
        counted = (
            k > 0
            and ms[k - 1].pos[1] == "数詞"
            and (m.pos[2] in ("助数詞", "助数詞可能") or m.pos[0] == "接頭辞")
        )
        return (
            m.is_noun_like and m.surface not in stop and m.pos[2:3] != ("副詞可能",) and not counted
        )

    for m in re.finditer(_LEGAL_RE, t.norm):
        start, end = m.span()
        right, left = end, start
        k = t.at.get(end + (1 if t.norm[end : end + 1] == " " else 0))
        while k is not None and k < len(ms) and name_like(k) and ms[k].end - end <= 24:
            right = ms[k].end
            if k + 2 < len(ms) and ms[k + 1].surface == "の" and ms[k + 2].surface in ("会", "家"):
                right = ms[k + 2].end
                break
            k += 1
        if right == end or t.norm[end : end + 1] != " ":
            k = t.ending.get(start)
            while k is not None and k >= 0 and name_like(k) and start - ms[k].start <= 20:
                left = ms[k].start
                k -= 1
        if right > end or left < start:
            yield t.finding(left, right, "organisation")
    # A proper or foreign name before 社 (エルコ社, 一迅社, ダイムラー・ベンツ社); 当社, 同社 and
    # A社 are no names (the placeholder filter drops one or two Latin capitals).
    for k in range(1, len(ms)):
        if ms[k].surface != "社" or ms[k].pos[0] != "名詞":
            continue
        head = ms[k - 1]
        if (head.pos[1] == "固有名詞" and head.pos[2] != "地名") or (
            _foreign(head) and len(head.surface) >= 3 and head.surface not in _NOT_FIRMS
        ):
            yield t.finding(head.start, ms[k].end, "organisation")
    # Company-like names without a 法人格: a proper or foreign-looking head and an industry word.
    for word in INDUSTRY_WORDS:
        for start, end in _find_all(t.norm, word):
            if end not in t.ends or start not in t.starts:
                continue
            k, raw = t.ending.get(start), []
            while k is not None and k >= 0 and name_like(k) and len(raw) < 3:
                raw.insert(0, ms[k])
                k -= 1
            # A list's ・ is no part of the name (学校・三井銀行), nor the common noun before it.
            joins = [i for i, m in enumerate(raw) if m.surface in NAME_JOINERS]
            if joins and all(_common(m) for m in raw[: joins[-1]]):
                raw = raw[joins[-1] + 1 :]
            run = list(raw)
            while run and not (run[0].pos[1] == "固有名詞" or run[0].oov or _foreign(run[0])):
                run.pop(0)
            # A katakana common noun before a generic word is usually no company (クラウドシステム).
            if (
                run
                and not (run[0].pos[1] == "固有名詞" or run[0].oov)
                and word not in CORPORATE_WORDS
            ):
                run = []
            # Banks and chambers always follow their own name, whatever word that is (西朝霧).
            if word in INSTITUTIONS:
                run = list(raw)
                while run and run[0].surface in GENERIC_HEADS:
                    run.pop(0)
            if not run and t.followed_by(end, ("様", "御中", "さん", "殿")):
                run = raw
            if run:
                yield t.finding(run[0].start, end, "organisation")


# Katakana words that stand before 社 without naming a firm (メーカー社 is not a name).
_NOT_FIRMS = frozenset(
    ["メーカー", "ライバル", "パートナー", "グループ", "ベンダー", "クライアント"]
)


def _latin(m: Morpheme) -> bool:
    return m.surface.isascii() and m.surface.isalnum()


def _foreign(m: Morpheme) -> bool:
    return all("\u30a1" <= c <= "\u30ff" or c.isascii() and c.isalnum() for c in m.surface)


def _extend(t: _Text, found: list[Finding]) -> Iterator[Finding]:
    """Widens names over what belongs to them: a 法人格 beside a company, street numbers after a place."""
    legal_after = re.compile(rf"\s?(?:{_LEGAL_RE})")
    legal_before = re.compile(rf"(?:{_LEGAL_RE})\s?$")
    for f in found:
        start, end = f.start, f.end
        if f.base_kind == "organisation":
            if m := legal_after.match(t.norm, end):
                end = m.end()
            # The word that makes it a firm, when the model stopped before it (電通映画|社).
            k = t.at.get(end)
            if k is not None and t.morphemes[k].surface in _ORGANISATION_TAILS:
                end = t.morphemes[k].end
            if m := legal_before.search(t.norm, max(0, start - 12), start):
                start = m.start()
        elif f.kind == "person":
            end = _given_name_after(t, start, end)
            # An imperial title or a peerage is part of the name (持統天皇, クレルモン伯爵).
            k = t.at.get(end)
            if k is not None and t.morphemes[k].surface in _IMPERIAL:
                end = t.morphemes[k].end
            start = _surname_before(t, start, end)
        elif f.base_kind == "place" and (m := _ADDRESS_TAIL.match(t.norm, end)):
            end = m.end()
        elif f.kind == "place" and _place_firm_end(t, end):
            # A place right before 会社 or 新聞 names a firm (東インド会社, 北海道新聞).
            yield t.finding(start, _place_firm_end(t, end), "organisation")
            continue
        if (start, end) != (f.start, f.end):
            yield t.finding(start, end, f.kind, f.source)


# Words that end a firm's or a body's name and that the model often leaves outside it.
_ORGANISATION_TAILS = frozenset(
    ["社", "会社", "会", "堂", "塾", "財団", "協会", "組合", "事務所", "パートナーズ", "ラジオ",
     "テレビ", "グループ", "工業", "製作所", "商会", "商店", "銀行"]
)  # fmt: skip


# Words that make a firm of the place before them (東インド会社, 北海道新聞, 広島電鉄).
_PLACE_FIRMS = frozenset(
    ["会社", "新聞", "新聞社", "放送", "テレビ", "日報", "鉄道", "電鉄", "交通", "バス", "銀行",
     "信用金庫", "電力", "ガス", "航空"]
)  # fmt: skip


# Titles that are part of the name they follow, as a peer or an emperor is named (持統天皇,
# クレルモン伯爵), unlike a title of office (…社長, …知事).
def _place_firm_end(t: _Text, end: int) -> int:
    """Where the firm ends that a place ending at `end` names, 0 if none (東インド|会社)."""
    k = t.at.get(end)
    return t.morphemes[k].end if k is not None and t.morphemes[k].surface in _PLACE_FIRMS else 0


_IMPERIAL = frozenset(
    ["天皇", "上皇", "法皇", "皇后", "皇子", "皇女", "親王", "内親王", "公爵", "侯爵", "伯爵", "子爵",
     "男爵"]
)  # fmt: skip
# Prefixes that say who a person is or was, not part of the name (元社長の…, 故・…, 同氏).
_NOT_SURNAMES = frozenset(
    ["元", "前", "故", "新", "旧", "同", "現", "両", "亡", "各位", "当", "本"]
)


def _surname_before(t: _Text, start: int, end: int) -> int:
    """A name the model read from its second character on (吉|鴻昌, 各|神遼一郎): Sudachi cut a
    one-kanji surname off as a common noun or a prefix. The kanji is taken in when the name
    starts with a 人名 and a particle, a verb, a mark or the start of the line precedes the
    kanji (に吉鴻昌は, である各神遼一郎)."""
    k = t.at.get(start)
    ms = t.morphemes
    if k is None or k == 0 or not ms[k].is_person:
        return start
    before = ms[k - 1]
    if not (
        len(before.surface) == 1
        and is_kanji(before.surface)
        and before.pos[0] in ("名詞", "接頭辞")
        and before.pos[1] != "数詞"
        and before.surface not in _NOT_SURNAMES
    ):
        return start
    edge = ms[k - 2] if k >= 2 else None
    if edge is None or edge.pos[0] in ("助詞", "補助記号", "助動詞", "動詞", "空白"):
        return before.start
    return start


def _given_name_after(t: _Text, start: int, end: int) -> int:
    """A surname alone (梶原 read as a place, 中野) runs over the kanji right after it when they
    can be a given name: two or three kanji Sudachi reads as a 名, does not know or cuts one by
    one, no title, then a particle or a punctuation mark (中野雅至や, 河北義次郎。). Sudachi cuts such names into common nouns, the model often stops
    at the surname."""
    k = t.at.get(start)
    ms = t.morphemes
    if k is None or ms[k].end != end or not (ms[k].is_person or ms[k].pos[2] == "地名"):
        return end
    j, chars = k + 1, 0
    while j < len(ms) and all(is_kanji(c) for c in ms[j].surface) and ms[j].pos[0] == "名詞":
        if ms[j].surface in _TITLE_WORDS or ms[j].pos[1] == "数詞":
            return end
        if not (ms[j].is_person or ms[j].oov or len(ms[j].surface) == 1):
            return end  # a word of its own after the surname (主演, 内閣, 夫妻)
        chars += len(ms[j].surface)
        j += 1
    after = ms[j] if j < len(ms) else None
    closes = after is None or after.pos[0] in ("助詞", "補助記号")
    return ms[j - 1].end if 2 <= chars <= 3 and closes else end


def _propagate(t: _Text, found: list[Finding]) -> Iterator[Finding]:
    """Once a name is read as a name somewhere, its other mentions are flagged too."""
    surfaces: dict[str, str] = {}
    for f in found:
        if f.kind == "organisation":
            surfaces.setdefault(_STRIP_LEGAL.sub("", t.norm[f.start : f.end]).strip(), f.kind)
        elif f.kind == "person":
            surfaces.setdefault(t.norm[f.start : f.end], f.kind)
            # メリッサ・ブリム makes a later bare ブリム a name too (a foreign surname comes last).
            *_given, last = (
                t.norm[f.start : f.end].rsplit("・", 1)
                if "・" in t.norm[f.start : f.end]
                else ("",)
            )
            if len(last) >= 3 and all("\u30a1" <= c <= "\u30ff" for c in last):
                surfaces.setdefault(last, f.kind)
            # 田中健一社長 makes a later bare 田中 a name too.
            k = t.at.get(f.start, len(t.morphemes))
            while k < len(t.morphemes) and t.morphemes[k].end <= f.end:
                if t.morphemes[k].is_person:
                    surfaces.setdefault(t.morphemes[k].surface, f.kind)
                k += 1
    for surface, kind in surfaces.items():
        if len(surface) < 2:
            continue
        for start, end in _find_all(t.norm, surface):
            if start in t.starts and end in t.ends:
                yield t.finding(start, end, kind)


_PRIORITY = dict.fromkeys(STRUCTURED_KINDS, 0) | dict.fromkeys(KNOWN_KINDS.values(), 1)


def _merge(t: _Text, found: list[Finding]) -> list[Finding]:
    """Overlapping findings become one; name parts split by a space or ・ join up (田中 太郎)."""
    merged: list[Finding] = []
    for f in sorted(found, key=lambda f: (f.start, -f.end)):
        if merged:
            last = merged[-1]
            gap = t.norm[last.end : f.start]
            joins = f.start < last.end or (
                last.base_kind == f.base_kind
                and (gap == "" or (f.base_kind == "person" and re.fullmatch(r"[\s・･]{1,2}", gap)))
            )
            if joins:
                best = min(last, f, key=lambda x: _PRIORITY.get(x.kind, 2))
                merged[-1] = t.finding(last.start, max(last.end, f.end), best.kind, best.source)
                continue
        merged.append(f)
    return merged


# Sentences the model reads one by one, so a case re-checked after an edit reuses the others.
_SENTENCE = re.compile(r"[^。！？!?\n]*(?:[。！？!?]+|\n|$)")
# A placeholder the reviewer already put in (A社, B氏, C社長) is no name to find again.
_PLACEHOLDER_NAME = re.compile(r"[A-ZＡ-Ｚ]{1,2}(?:社|氏|さん|様)?")


def _candidate(m: Morpheme) -> bool:
    """Whether a sentence holding `m` may hold a name: a proper noun, an unknown word or a Latin
    word. Sentences without one are not shown to the model: it is the slow part, and a case's
    prose is mostly sentences without names (katakana loanwords like チーム are dictionary words)."""
    s = m.surface
    if m.pos[1] == "固有名詞":
        return True
    if m.oov:
        return s.isalnum() and not s.isdigit() and not _KANJI_NUMBER.fullmatch(s)
    return len(s) >= 3 and s.isascii() and s.isalpha()


# The trained head's labels (privacy.ner.WIKI_KIND), to tell its entities from ja_ginza's.
_WIKI_LABELS = frozenset(["人名", "法人名", "政治的組織名", "その他の組織名", "地名"])
_KANJI_NUMBER = re.compile(r"[〇一二三四五六七八九十百千万億]+")


def _candidate_spans(t: _Text) -> list[tuple[int, int]]:
    """The sentences the model reads: those holding a proper noun, an unknown or a Latin word
    (_candidate), a word of firms after a noun (毎日放送, 明光バス, 化学工学協会: firm names
    Sudachi cuts into common nouns) or katakana words joined by ・ (セントラル・パシフィック鉄道,
    ウォール・ストリート・ジャーナル). A case's prose has few of either, so the model still reads
    a few of its sentences only."""
    spans: list[tuple[int, int]] = []
    k = 0
    ms = t.morphemes
    for m in _SENTENCE.finditer(t.text):
        start, end = m.span()
        if end == start:
            continue
        while k < len(ms) and ms[k].end <= start:
            k += 1
        j, hit = k, False
        while j < len(ms) and ms[j].start < end and not hit:
            hit = (
                _candidate(ms[j])
                or (ms[j].surface in FIRM_ENDS and j > k and ms[j - 1].pos[0] == "名詞")
                or (
                    ms[j].surface in ("・", "･")
                    and k < j < len(ms) - 1
                    and _katakana(ms[j - 1])
                    and _katakana(ms[j + 1])
                )
            )
            j += 1
        if hit:
            spans.append((start, end))
    return spans


def _statistical(t: _Text, *, regions: bool = False) -> Iterator[Finding]:
    """Names the statistical model (privacy.ner) reads, less what the rules deliberately leave:
    prefectures, regions and countries on their own, common nouns like 漁師町, placeholders."""
    spans = _candidate_spans(t)
    for (offset, _end), entities in zip(
        spans, ner.entities_many([t.text[s:e] for s, e in spans]), strict=True
    ):
        for e in entities:
            start, end = _without_function_words(t, offset + e.start, offset + e.end)
            yield from _model_findings(t, e, entities, start, end, regions=regions)


def _persons_in(t: _Text, start: int, end: int) -> list[tuple[int, int]]:
    """A model's person cut at a や or と inside it, each part without a plural suffix: the
    trained head sometimes reads two names and the particle between them as one person
    (マリオやJ.L.ボニエ, メレンドルフと馬建常, イワン・レルベルグら, 逢月ひな他)."""
    parts, ms, k = [], t.morphemes, t.at.get(start)
    if k is None:
        return [(start, end)]
    first = start
    while k < len(ms) and ms[k].start < end:
        if ms[k].pos[0] == "助詞" and ms[k].surface in ("や", "と") and ms[k].start > first:
            parts.append((first, ms[k].start))
            first = ms[k].end
        k += 1
    parts.append((first, end))
    out = []
    for a, b in parts:
        j = t.ending.get(b)
        while j is not None and j >= 0 and ms[j].start > a and ms[j].surface in _PLURALS:
            b, j = ms[j].start, j - 1
        if b > a:
            out.append((a, b))
    return out


_PLURALS = frozenset(["ら", "たち", "達", "等", "ども", "他", "ほか"])


def _model_findings(
    t: _Text, e, entities: list, start: int, end: int, *, regions: bool
) -> Iterator[Finding]:
    """The findings a model's entity makes, once what the rules deliberately leave is left."""
    surface = t.norm[start:end].strip()
    if not surface or _PLACEHOLDER_NAME.fullmatch(surface) or _common_noun(surface):
        return
    broad = (
        is_prefecture(surface)
        or e.label in ("Country", "Continental_Region")
        or (e.kind == "place" and _country(t, start, end))
    )
    if e.kind == "place" and broad:
        if regions:
            yield t.finding(start, end, "region")
        return
    if not (
        _has_name_material(t, start, end, e.kind)
        or (_agreed(e, entities) and not _loanword_compound(t, start, end, e.kind))
        or _named_firm(t, start, end, e.kind)
    ):
        return  # ordinary words the model took for a name (法人番号, 社長室)
    if e.kind == "person" and _country(t, start, end):
        return  # a country is no person (アイルランド in アイルランド大使)
    for first, last in _persons_in(t, start, end) if e.kind == "person" else [(start, end)]:
        if e.kind == "person":
            first = _without_leading_nouns(t, first, last)
        if e.kind in ("person", "organisation"):
            last = _without_trailing_titles(t, first, last)
        if last > first:
            yield t.finding(first, last, e.kind)


# Words that end the name of a firm or a body (毎日放送, 明光バス, 東奥日報, 化学工学協会).
FIRM_ENDS = frozenset(
    ["新聞", "新聞社", "放送", "日報", "交通", "バス", "鉄道", "電鉄", "航空", "大学", "学会",
     "協会", "連盟", "財団", "銀行", "証券", "保険", "生命", "電力", "出版", "出版社", "書房",
     "百貨店", "商事", "工業", "興業", "電機", "電気", "映像", "レコード", "信託", "組合", "劇団",
     "商会", "商店", "製作所"]
)  # fmt: skip
# More such words, from the last words of the firm names labelled in the train part of the
# Wikipedia data (privacy.ner_train's split; two or more names each): they end a name the model
# reads as a firm, but are too common in a case's prose to send a sentence to the model.
FIRM_ENDS_READ = FIRM_ENDS | frozenset(
    ["グループ", "製紙", "自動車", "電灯", "プロダクション", "コーポレーション", "公団", "サービス",
     "企画", "ホールディングス", "エンタテインメント", "映画", "化学", "製薬", "スタジオ", "デジタル",
     "フイルム", "汽車", "コミューター", "エレクトリック", "セメント", "エアウェイズ",
     "マイクロシステムズ", "製鐡", "瓦斯", "インターナショナル", "カンパニー", "連合", "リミテッド"]
)  # fmt: skip


_FIELD = re.compile(r"の?(?:業界|分野|業種|関連|系)")
# Bodies a case names by their kind, not by a name (要請を受けた診断協会では…).
_GENERIC_BODIES = frozenset(
    ["診断協会", "信用保証協会", "商工会", "商工会議所", "金融機関", "業界団体"]
)


def _named_firm(t: _Text, start: int, end: int, kind: str) -> bool:
    """Whether a span a model reads as a firm is common nouns ending in a word of firms, after a
    head that is not generic (毎日放送, 放送大学, 人文地理学会; not 地方銀行, 中央交通 …): such
    names hold no proper noun for _has_name_material, and most firm names the model found and
    the detector dropped were of this shape. The words of persons and titles are never part of
    one (製造課長, 関係者), and a field of industry is none (金属工業の業界, 化学工業分野)."""
    k = t.at.get(start)
    if kind != "organisation" or k is None:
        return False
    ms, run = t.morphemes, []
    while k < len(ms) and ms[k].start < end:
        run.append(ms[k])
        k += 1
    if len(run) < 2 or run[-1].end != end or run[-1].surface not in FIRM_ENDS_READ:
        return False
    if run[0].surface in GENERIC_HEADS or t.norm[start:end] in _GENERIC_BODIES:
        return False
    if _FIELD.match(t.norm, end):
        return False
    return all(
        (m.pos[0] in ("名詞", "接頭辞", "接尾辞") or m.surface in NAME_JOINERS)
        and m.surface not in _TITLE_WORDS
        and m.surface not in _PERSON_SUFFIXES
        for m in run
    )


def _without_function_words(t: _Text, start: int, end: int) -> tuple[int, int]:
    """A name neither starts nor ends with a particle or an auxiliary: the trained head's span
    sometimes takes the の after a name (七尾の直売所 → 「七尾の」), and the entity list then made
    「の」 a name of its own that blocked every field."""
    ms = t.morphemes
    k = t.at.get(start)
    while k is not None and k < len(ms) and ms[k].end <= end and ms[k].is_function_word:
        start, k = ms[k].end, k + 1
    k = t.ending.get(end)
    while k is not None and k >= 0 and ms[k].start >= start and ms[k].is_function_word:
        end, k = ms[k].start, k - 1
    return start, end


def _agreed(e, entities) -> bool:
    """Whether the other model (ja_ginza's NER or the trained head) also reads a name where `e`
    is: two models agreeing on a dictionary word (アップル, オラクル) make it a name."""
    trained = e.label in _WIKI_LABELS
    return any(
        (o.label in _WIKI_LABELS) != trained and o.start < e.end and e.start < o.end
        for o in entities
    )


def _country(t: _Text, start: int, end: int) -> bool:
    """Whether a span is one country as Sudachi knows it (日本, スペイン): the trained head labels
    countries 地名 like any other place."""
    k = t.at.get(start)
    return k is not None and t.morphemes[k].end == end and t.morphemes[k].pos[3] == "国"


def _loanword_compound(t: _Text, start: int, end: int, kind: str) -> bool:
    """Whether a span is common loanwords run together (マイクロアーキテクチャ, テストドライバー,
    Webサービス): two models agreeing on one of these do not make it a name, as they do for one
    word (アップル) or words joined by ・ (ゼネラル・エレクトリック)."""
    k = t.at.get(start)
    if k is None or "・" in t.norm[start:end]:
        return False
    ms, parts, loanwords = t.morphemes, 0, True
    while k < len(ms) and ms[k].start < end:
        if not _common(ms[k]):
            return False
        loanwords = loanwords and (_katakana(ms[k]) or _latin(ms[k]))
        k, parts = k + 1, parts + 1
    # Kanji common nouns make firm names when they end in a word of firms (朝日新聞, 名城大学),
    # not otherwise (会社概要, 製造課長, 法人番号).
    last = ms[k - 1].surface
    firm = last in INDUSTRY_WORDS or last in _ORGANISATION_TAILS
    # Persons' names Sudachi cuts into common nouns are many (韓丙起): only loanwords count there.
    return parts >= 2 and (loanwords or (kind != "person" and not firm))


def _without_leading_nouns(t: _Text, start: int, end: int) -> int:
    """Where a person's name starts once the common nouns before it are left out: the model
    often takes a description with the name (シンガーソングライター・藤原さくら)."""
    ms, k = t.morphemes, t.at.get(start)
    if k is None:
        return start
    j = k
    while j < len(ms) and ms[j].end <= end and _common(ms[j]):
        j += 1
    if j == k or j >= len(ms) or ms[j].start >= end:
        return start
    if ms[j].surface in ("・", "･") and ms[j].end >= end:
        return end  # nothing but a description (シンガーソングライター・): no name at all
    # Only a description set off by ・ before a Japanese name is cut: 河下 before 水希 is a
    # surname, オーレ in オーレ・シェーレン a given name.
    if ms[j].surface in ("・", "･") and j + 1 < len(ms) and ms[j + 1].start < end:
        return ms[j].end if not _katakana(ms[j + 1]) else start
    # An occupation right before a foreign name (女優エマ・トンプソン, 俳優ローワン・アトキンソン):
    # kanji common nouns, then a katakana name of Sudachi's or words joined by ・.
    kanji = all(is_kanji(c) for m in ms[k:j] for c in m.surface)
    foreign = _katakana(ms[j]) and (ms[j].is_person or "・" in t.norm[ms[j].start : end])
    return ms[j].start if kanji and foreign else start


def _without_trailing_titles(t: _Text, start: int, end: int) -> int:
    """A name without the title after it (TBSサービス代表取締役社長 → TBSサービス, 永山時雄初代官房長)."""
    k = t.ending.get(end)
    ms = t.morphemes
    while k is not None and k >= 0 and ms[k].start > start and ms[k].surface in _TITLE_WORDS:
        k -= 1
    # Who someone is to the name, or when (旭硝子創業者, 米国議会関係者, 大学在学中): a suffix
    # of persons or time and the common nouns it closes are no part of the name.
    if k is not None and k >= 0 and ms[k].start > start and ms[k].surface in _PERSON_SUFFIXES:
        k -= 1
        while (
            k >= 0
            and ms[k].start > start
            and _common(ms[k])
            and ms[k].surface not in INDUSTRY_WORDS
            and ms[k].surface not in _ORGANISATION_TAILS
        ):
            k -= 1
        if ms[k].start >= start and _common(ms[k]) and ms[k].start == start:
            return start
    end = ms[k].end if k is not None and k >= 0 else end
    # What happened to a firm is no part of its name (北海道文化放送開局, 三住商事設立): a noun of
    # an act right after a word that ends firm names.
    k = t.ending.get(end)
    if (
        k is not None
        and k >= 1
        and ms[k].pos[2] == "サ変可能"
        and ms[k - 1].start >= start
        and ms[k - 1].surface in FIRM_ENDS_READ
    ):
        end = ms[k - 1].end
    return end


_PERSON_SUFFIXES = frozenset(["者", "員", "中", "陣"])


_TITLE_WORDS = frozenset([*TITLES, *ROLES, *PUBLIC_TITLES, "代表", "取締役", "官房長", "初代"])


def _common(m: Morpheme) -> bool:
    """A dictionary common noun (ドライバー, 作家), not an unknown word."""
    return m.pos[1] == "普通名詞" and not m.oov


def _has_name_material(t: _Text, start: int, end: int, kind: str = "") -> bool:
    """Whether a span holds something a name is made of: a proper noun, an unknown word, a Latin
    word, or, for a person, katakana words joined by ・ (ナティエ・ペレア, ラビット・モランビル:
    foreign names are written so, and Sudachi lists many of their parts as common nouns).
    Dictionary common nouns alone are not (法人番号, コミッショナー, マネージャー), nor are they
    joined by ・ in anything but a person (パンク・ロック, クラシック・カントリー): the model tags
    such words often, and they were most of what it masked outside every name. Both models
    agreeing on them (ウォール・ストリート・ジャーナル) still make a name (_agreed)."""
    k = t.at.get(start)
    if k is None:  # the model cut inside a morpheme: trust it
        return True
    ms, first = t.morphemes, k
    while k < len(ms) and ms[k].start < end:
        m = ms[k]
        if m.pos[1] == "固有名詞" or m.oov or _latin(m) and len(m.surface) >= 2:
            return True
        k += 1
    span = t.norm[start:end]
    return (
        kind == "person"
        and "・" in span
        and not span.endswith("・")
        and all(_katakana(m) or m.surface in ("・", "･") for m in ms[first:k])
    )


def _ordinary(surface: str) -> bool:
    """A kind of place (漁師町), or the platform's own words, alone or listed with ・
    (ホワイトボード・ローカルベンチマーク): no name."""
    return (
        _common_noun(surface)
        or surface in _SYSTEMS
        or any(part in _platform_terms() for part in surface.split("・"))
    )


# Public systems Sudachi lists as proper nouns, which a trained head may read as a body: a case
# names them as things, never as a party (マイナンバーは本人確認のうえで受け取った).
_SYSTEMS = frozenset(
    ["マイナンバー", "マイナンバーカード", "マイナポータル", "gビズid", "e-tax", "eltax"]
)


@functools.cache
def _platform_terms() -> frozenset[str]:
    return frozenset(normalise(term) for term in PLATFORM_TERMS)


def _common_noun(surface: str) -> bool:
    """漁師町, 城下町, 県内 …, alone or after a prefecture (静岡県内): kinds of place, no place."""
    if surface in COMMON_PLACE_NOUNS:
        return True
    return any(
        surface.endswith(noun) and is_prefecture(surface[: -len(noun)])
        for noun in COMMON_PLACE_NOUNS
    )


def _regions(t: _Text) -> Iterator[Finding]:
    """Prefectures, regions and countries on their own (静岡県, 北関東, スペイン): only when the
    caller asks for them (``regions=True``); the public profile shows the prefecture anyway."""
    for m in t.morphemes:
        if m.pos[1:3] == ("固有名詞", "地名") and (m.pos[3] == "国" or is_prefecture(m.surface)):
            end = m.end
            if t.norm[end : end + 1] in "都道府県" and is_prefecture(t.norm[m.start : end + 1]):
                end += 1
            yield t.finding(m.start, end, "region")


def _lexicon(t: _Text, *, lone: bool = False) -> Iterator[Finding]:
    """Foreign names written with ・ (ジョン・クインシー・アダムズ): a run of katakana words
    joined by ・ of which one is a given name or surname in Sudachi's lexicon (人名).

    With `lone`, also a katakana 人名 of four or more characters standing alone (スティーブンス,
    ショスタコーヴィチ): short ones are ordinary words too often (ゴール, マーク)."""
    ms = t.morphemes
    if lone:
        for m in ms:
            if m.is_person and len(m.surface) >= 4 and _katakana(m):
                yield t.finding(m.start, m.end, "person")
        # A katakana family name before 兄弟 or 夫妻 (パスケル兄弟, チャッフィ兄弟).
        for k in range(len(ms) - 1):
            if _katakana(ms[k]) and ms[k + 1].surface in _FAMILY:
                yield t.finding(ms[k].start, ms[k].end, "person")
    i = 0
    while i < len(ms):
        j = i
        while (
            j + 2 < len(ms)
            and ms[j + 1].surface in ("・", "･", "=", "＝")
            and _katakana(ms[j])
            and _katakana(ms[j + 2])
        ):
            j += 2
        if j > i and any(ms[k].is_person for k in range(i, j + 1, 2)):
            yield t.finding(ms[i].start, ms[j].end, "person")
        i = j + 1


_FAMILY = frozenset(["兄弟", "姉妹", "夫妻", "一家"])


def _katakana(m: Morpheme) -> bool:
    return len(m.surface) >= 2 and all("\u30a1" <= c <= "\u30ff" for c in m.surface)


def detect(
    text: str,
    *,
    known: dict[str, list[str]] | None = None,
    statistical: bool = True,
    regions: bool = False,
) -> list[Finding]:
    """All findings in `text`, sorted; overlapping ones are merged into one span.

    `statistical=False` leaves out the model (privacy.ner): for checks that block only on
    identifiers and known names (the publish gate), which need no model and must stay fast.
    `regions=True` also flags prefectures, regions and countries on their own (kind "region")."""
    if not text:
        return []
    t = _Text(text)
    found = [*_structured(t), *_known(t, known or {})]
    found += [*_persons(t), *_places(t), *_organisations(t)]
    model = statistical and ner_available()
    found += list(_lexicon(t, lone=model))
    if model:
        found += list(_statistical(t, regions=regions))
    if regions:
        found += list(_regions(t))
    found = [f for f in found if f.source or not _ordinary(t.norm[f.start : f.end])]
    found += list(_propagate(t, found))
    found += list(_extend(t, found))
    # A guessed name of one or two Latin capitals is a placeholder already (B氏, A社).
    found = [
        f
        for f in found
        if f.source or f.kind in STRUCTURED_KINDS or not _PLACEHOLDER.fullmatch(f.text)
    ]
    return _merge(t, found)


def ner_available() -> bool:
    return ner.ENABLED and ner.available()
