"""Words of a query that name a facet value: 60歳代, 石川県, 北陸, 製造業, 後継者, 金融機関 …

A supporter types what a case is *about* and what kind of company it is in one box. The words of
the second sort are values of the facets (search/facets.py), and the text of the cases rarely
says them (「経営者は60歳代」 is in the 基礎情報, not in the story), so a text search finds
nothing for them. `read_query` finds those words and turns each into a filter or a boost, as its
facet's `query_words` says (docs/search.md, "Words that name a facet value"):

- **filter**: in a query of facet words only, the results are narrowed to the value and the word
  leaves the text (石川県 → 地域 北陸, 60代 → 経営者年齢 60歳代); beside other words it boosts;
- **boost**: the word stays in the text and cases with the value rank first (後継者 is also what
  many cases are about: 後継者育成).

The words come from the vocabularies themselves, never from a second list (except a facet's
`value_words` where its labels are shared words: 増収 for 売上高 増加): each value's label,
the parts of a label that lists two values (九州・沖縄 → 九州, 沖縄; 農業、林業 → 農業, 林業),
a label's short note in brackets and the word before it (後継者（社内登用） → 後継者, 社内登用), the
short form of an age band (60歳代 → 60代), and every prefecture's name for its region (石川県 →
北陸: the public facet is the region, see facets.py). A word that names values of two facets
(その他) is ambiguous and stays text.

A word is read only where it stands as a word of its own: the whole term, or joined to the rest
by a particle or another facet word (「石川県の製造業」「30代の社長」), so 「中国進出」 stays text.
Quoted phrases are never read. `read_query` is pure: `vocabulary()` reads the taxonomy.

**Amounts.** A number with a unit and a bound (50名未満, 20人以下, 10億円以上, 30歳代) names the
values whose range meets it: the ranges are read from the labels themselves (5名以下, 6〜20名,
1億〜10億円, 70歳以上), so 50名未満 is 5名以下, 6〜20名 and 21〜50名 (`Words.ranges`).

**The subject of every case.** 社長, 経営者, 会社, 企業 and the wording of a question (事例,
どう…, analysis.QUESTION_WORDS) name what every case has: 「30代の社長」「北陸の会社の事例」 are
queries of facet words only, so their filters stay filters.
"""

import math
import re
import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace

from taxonomy import terms

from . import facet_values
from .analysis import ONE_WAY, chunk_tokens, split_query
from .facets import BY_NAME, FACETS
from .synonyms import domain_groups
from .types import FacetWord, SearchRequest, SearchResponse

# What a boosted facet value adds to a document's score, in both backends: about what one more
# query word matched in the body adds, so it orders cases that match the text alike and does not
# lift a case that matches nothing else above one that matches the words.
FACET_BOOST = 2.0

# Particles and marks that join a facet word to the rest of a term (「石川県の製造業」).
PARTICLES = frozenset("のでがとにをやはもへ、,")
_AGE = re.compile(r"^(\d+)歳(代|以上)$")
_NOTE = re.compile(r"^(?P<head>[^()]+)\((?P<note>[^()]+)\)$")
MAX_NOTE_CHARS = 6  # 親族内承継 is a value; 他に分類されないもの is an explanation
MIN_WORD_CHARS = 2
# Nouns every case has (its company, its owner): beside facet words they add nothing to read,
# so they do not make a query "about other words" (Sudachi normalised forms).
SUBJECT_WORDS = frozenset({"社長", "経営者", "経営", "者", "会社", "企業", "中小企業", "事業者"})

# An amount in a label or a query: 50名, 6〜20名, 1億〜10億円, 70歳 (NFKC: 〜 stays 〜).
_UNITS = {"名": "名", "人": "名", "円": "円", "歳": "歳"}
_SCALE = {"": 1, "万": 10_000, "億": 100_000_000}
_NUMBER = r"(\d+(?:\.\d+)?)(万|億)?"
_LABEL_RANGE = re.compile(rf"^(?:{_NUMBER}(?:[〜~～-]))?{_NUMBER}(名|円|歳)(以下|以上|未満|代)?$")
_QUERY_AMOUNT = re.compile(rf"{_NUMBER}(名|人|円|歳)(以下|以上|未満|超|代|台)?")


@dataclass(frozen=True)
class Meaning:
    facet: str
    codes: tuple[str, ...]
    # The value's name as the list shows it (北陸 for 石川県): what the notice says.
    label: str


# word -> what it means; a word with two facets' values is left out (see the module docstring).
Vocabulary = Mapping[str, Meaning]


@dataclass(frozen=True)
class Reading:
    text: str  # the query without its filter words (boost words stay)
    words: tuple[FacetWord, ...] = field(default=())

    @property
    def filters(self) -> dict[str, list[str]]:
        return _by_facet(w for w in self.words if w.mode == "filter")

    @property
    def boosts(self) -> dict[str, list[str]]:
        return _by_facet(w for w in self.words if w.mode == "boost")

    def softened(self, original: str) -> "Reading":
        """The same words as boosts only, with the original text: what is searched when the
        filters leave nothing (a query never comes back empty while one of its words occurs)."""
        return Reading(original, tuple(replace(w, mode="boost") for w in self.words))


@dataclass(frozen=True)
class Range:
    """The amounts one value of a facet stands for (from its label: 6〜20名 → 6 to 20, 名)."""

    facet: str
    code: str
    label: str
    unit: str
    low: float
    high: float


class Words(dict):
    """word -> Meaning, plus the ranges of the values whose labels are amounts and the words of
    those facets' names (従業員 of 従業員数, 売上 of 売上規模: 「従業員50名未満」 is an amount)."""

    ranges: tuple[Range, ...] = ()
    names: frozenset[str] = frozenset()


def _below(value: float) -> float:
    return math.nextafter(value, -math.inf)


def label_range(label: str) -> tuple[str, float, float] | None:
    """(unit, low, high) of a label that is an amount: 5名以下, 6〜20名, 1億円未満, 30歳代."""
    m = _LABEL_RANGE.match(_nfkc(label).replace(",", ""))
    if m is None:
        return None
    first = float(m[1]) * _SCALE[m[2] or ""] if m[1] else None
    second = float(m[3]) * _SCALE[m[4] or ""]
    unit, bound = m[5], m[6]
    if first is not None:
        return unit, first, second
    # An age label without a word after it is a decade (70歳 is 70歳代); in a query it is an age.
    return _bounded(unit, second, "代" if unit == "歳" and bound is None else bound)


def _bounded(unit: str, value: float, bound: str | None) -> tuple[str, float, float]:
    """(unit, low, high) of an amount and the word after it: 以下, 未満, 以上, 超, 代 or 台."""
    if bound == "以下":
        return unit, 0, value
    if bound == "未満":
        return unit, 0, _below(value)
    if bound == "以上":
        return unit, value, math.inf
    if bound == "超":
        return unit, math.nextafter(value, math.inf), math.inf
    if bound in ("代", "台"):
        # 30歳代 is 30 up to 40 (not included); 100万円台 is 100万 up to 200万.
        return unit, value, _below(value + 10 if unit == "歳" else value * 2)
    return unit, value, value


def _amount(text: str) -> tuple[str, float, float] | None:
    """(unit, low, high) a query's amount asks for: 50名未満, 20人以下, 10億円以上, 30歳代."""
    m = _QUERY_AMOUNT.fullmatch(text)
    if m is None:
        return None
    return _bounded(_UNITS[m[3]], float(m[1]) * _SCALE[m[2] or ""], m[4])


def _range_meaning(text: str, ranges: Sequence[Range]) -> Meaning | None:
    """The values of one facet whose ranges meet the amount `text` asks for."""
    asked = _amount(text)
    if asked is None:
        return None
    unit, low, high = asked
    hits = [r for r in ranges if r.unit == unit and r.low <= high and low <= r.high]
    if not hits or len({r.facet for r in hits}) != 1:
        return None
    return Meaning(hits[0].facet, tuple(r.code for r in hits), "、".join(r.label for r in hits))


def _by_facet(words) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for word in words:
        codes = out.setdefault(word.facet, [])
        codes.extend(c for c in word.codes if c not in codes)
    return out


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def label_words(label: str) -> list[str]:
    """The words that name one value, from its label (see the module docstring)."""
    label = _nfkc(label)
    words = [label]
    if note := _NOTE.match(label):
        words.append(note["head"].strip())
        if len(note["note"]) <= MAX_NOTE_CHARS:
            words.append(note["note"].strip())
    if "、" in label:
        words += [part.strip() for part in label.split("、")]
    elif label.count("・") == 1:
        words += [part.strip() for part in label.split("・")]
    if age := _AGE.match(label):
        words += [f"{age[1]}歳代", f"{age[1]}代"]
    return [w for w in dict.fromkeys(words) if len(w) >= MIN_WORD_CHARS]


def vocabulary() -> Words:
    """Every word that names a value of a facet with `query_words`, from the taxonomy."""
    found: dict[str, dict[str, list[str]]] = {}  # word -> facet -> codes
    labels: dict[tuple[str, str], str] = {}
    ranges: list[Range] = []
    for facet in FACETS:
        if not facet.query_words:
            continue
        full = facet_values.full_labels(facet)
        for code, label in facet_values.options(facet).items():
            labels[facet.name, code] = label
            if (amount := label_range(full[code])) is not None:
                ranges.append(Range(facet.name, code, label, *amount))
            extra = dict(facet.value_words).get(code, ())
            for word in dict.fromkeys([*label_words(full[code]), *label_words(label), *extra]):
                codes = found.setdefault(word, {}).setdefault(facet.name, [])
                if code not in codes:
                    codes.append(code)
    _add_synonyms(found)
    region = BY_NAME.get("region")
    if region is not None and region.query_words:
        for info in terms.terms("prefecture").values():
            if info.parent:
                found.setdefault(_nfkc(info.label), {}).setdefault("region", [info.parent])
    out = Words()
    # Ranges that tile (1億〜10億円, 10億〜50億円) share their bound: it belongs to the upper one.
    lows = {(r.facet, r.low) for r in ranges}
    out.ranges = tuple(
        replace(r, high=_below(r.high)) if (r.facet, r.high) in lows else r for r in ranges
    )
    out.names = frozenset(
        token.text
        for name in dict.fromkeys(r.facet for r in ranges)
        for chunk in chunk_tokens(str(BY_NAME[name].label))
        for token in chunk
    )
    for word, facets in found.items():
        if len(facets) != 1:
            continue  # names values of two facets: ambiguous
        ((name, codes),) = facets.items()
        # 後継者 names a group of values: the word itself says which.
        label = labels.get((name, codes[0]), word) if len(codes) == 1 else word
        out[word] = Meaning(name, tuple(codes), label)
    return out


def _add_synonyms(found: dict[str, dict[str, list[str]]]) -> None:
    """Each word of a domain synonym group (search/data/domain_synonyms.tsv) that names a value
    makes the group's other words name it too: 会議所 and 商議所 read as 商工会議所, 診断協会 as
    中小企業診断協会. Two-way words only: the narrower words of a one-way group are not the value
    (第三者承継 is a kind of 事業承継). A word that already names something keeps its meaning."""
    for group in domain_groups():
        same = group[: group.index(ONE_WAY)] if ONE_WAY in group else group
        named = [_nfkc(word) for word in same if _nfkc(word) in found]
        if len(named) != 1:
            continue  # no value, or two words of the group that name values of their own
        meaning = found[named[0]]
        for word in same:
            word = _nfkc(word)
            if word not in found and len(word) >= MIN_WORD_CHARS:
                found[word] = {name: list(codes) for name, codes in meaning.items()}


def read_query(text: str, *, vocabulary: Vocabulary, literal: Collection[str] = ()) -> Reading:
    """The query's facet words and the text left for the text search.

    A filter word filters only in a query of facet words (「60歳代」「石川県の製造業」). Beside
    words of another kind (「ロカベン 製造業」) the query is about those words: the facet words
    then rank (boost) and stay in the text, so a case about ロカベン in another industry is still
    found (the judged queries lost such cases to a filter). `literal` are words the visitor asked
    to be taken as written (the 解除 link).
    """
    literal = {_nfkc(w) for w in literal}
    words: list[FacetWord] = []
    kept: list[str] = []
    other_words = False  # a word that names no facet value
    longest = max((len(w) for w in vocabulary), default=0)
    for term, is_phrase in split_query(text):
        if is_phrase:
            kept.append(f'"{term}"')
            other_words = True
            continue
        rest, found, plain = _read_term(term, vocabulary, literal, longest)
        words += found
        about = _about_something(plain, getattr(vocabulary, "names", ()))
        other_words = other_words or about
        # What is left of a term of facet words and words every case has (「30代の社長」 → 社長)
        # would only rank the filtered cases by words they all have: nothing to search.
        if _has_words(rest) and (about or not found or any(w.mode == "boost" for w in found)):
            kept.append(rest.strip(" " + "".join(sorted(PARTICLES))))
    unique = tuple({(w.word, w.facet): w for w in words}.values())
    if other_words and any(w.mode == "filter" for w in unique):
        return Reading(text, tuple(replace(w, mode="boost") for w in unique))
    return Reading(" ".join(kept), unique)


def _has_words(rest: str) -> bool:
    """More than spaces and particles."""
    return bool(rest.strip()) and not set(rest) <= PARTICLES | {" "}


def _about_something(rest: str, names: Collection[str] = ()) -> bool:
    """Words beyond particles, the wording of a question, what every case has (SUBJECT_WORDS)
    and the names of the facets of amounts: a query with such words is about them, not only
    about the facet words."""
    if not _has_words(rest):
        return False
    return any(
        token.text not in SUBJECT_WORDS and token.text not in names
        for term in rest.split()
        for chunk in chunk_tokens(term, questions=True)
        for token in chunk
    )


def _read_term(term, vocabulary: Vocabulary, literal, longest: int) -> tuple[str, list, str]:
    """(the term without its filter words, the facet words in it, the term without any)."""

    ranges = getattr(vocabulary, "ranges", ())
    amounts: dict[str, Meaning] = {}

    def word_at(i: int) -> str | None:
        if ranges and (m := _QUERY_AMOUNT.match(term, i)) and m[0] not in literal:
            meaning = _range_meaning(m[0], ranges)
            if meaning is not None:
                amounts[m[0]] = meaning
                return m[0]
        for size in range(min(longest, len(term) - i), MIN_WORD_CHARS - 1, -1):
            candidate = term[i : i + size]
            if candidate in vocabulary and candidate not in literal:
                return candidate
        return None

    found, rest, plain = [], [], []
    i, joined = 0, True  # joined: the previous character ends a word (start, particle, word)
    while i < len(term):
        # An amount starts a word of its own wherever it stands (従業員50名未満).
        amount = ranges and not joined and term[i].isdigit() and not term[i - 1].isdigit()
        word = word_at(i) if joined or amount else None
        if word is not None:
            end = i + len(word)
            if end == len(term) or term[end] in PARTICLES or word_at(end) is not None:
                meaning = vocabulary.get(word) or amounts[word]
                mode = BY_NAME[meaning.facet].query_words
                found.append(FacetWord(word, meaning.facet, meaning.codes, meaning.label, mode))
                rest.append(" " if mode == "filter" else word)
                plain.append(" ")
                i, joined = end, True
                continue
        rest.append(term[i])
        plain.append(term[i])
        joined = term[i] in PARTICLES
        i += 1
    return "".join(rest), found, "".join(plain)


def _merged(*selections: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Codes per facet from several selections (OR within a facet, as the facets are)."""
    out: dict[str, list[str]] = {}
    for selection in selections:
        for name, codes in selection.items():
            merged = out.setdefault(name, [])
            merged.extend(c for c in codes if c not in merged)
    return {name: codes for name, codes in out.items() if codes}


def applied(request: SearchRequest, reading: Reading) -> SearchRequest:
    """The request with the reading's text, its filters and boosts added to the visitor's."""
    return replace(
        request,
        text=reading.text,
        filters=_merged(request.filters, reading.filters),
        boosts=_merged(request.boosts, reading.boosts),
        facet_words=False,
    )


def search_with_words(
    search: Callable[[SearchRequest], SearchResponse],
    request: SearchRequest,
    vocabulary: Vocabulary,
) -> SearchResponse:
    """`search` the request with its facet words read (service.search passes the engine, or the
    database when the engine cannot answer; the contract tests pass each backend).

    If the filters leave nothing with the query's words (no page at all, or only related pages:
    search/feedback.py), the words are asked again as boosts with the query as typed: a query
    never comes back empty while one of its words occurs in a page."""
    reading = read_query(request.text, vocabulary=vocabulary, literal=request.literal)
    if not reading.words:
        return search(replace(request, facet_words=False))
    response = search(applied(request, reading))
    if reading.filters and response.total == response.related:
        softened = reading.softened(request.text)
        again = search(applied(request, softened))
        if again.total or not response.total:
            response, reading = again, softened
    return replace(response, words=reading.words)
