"""Japanese text analysis shared by indexing and querying (embedded backend).

Text is NFKC-normalised and lower-cased, then Sudachi (mode A, normalised forms) splits it into
tokens with positions; a query is cut into "chunks" of content words that are matched as phrases.
`query_terms` turns a query into the units both backends build their queries from, so the
embedded backend and Elasticsearch ask for the same things.
"""

import functools
import itertools
import math
import re
import threading
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sudachipy import Dictionary, SplitMode

_LOCAL = threading.local()
# Sudachi refuses more than ~49 kB per call; 15,000 characters is safely below in UTF-8.
MAX_CHUNK = 15_000

SKIP_POS = {"補助記号", "空白"}
# Function words end a query chunk; they carry no meaning of their own in a search.
BREAK_POS = {"助詞", "助動詞", "接続詞", "感動詞", "補助記号", "空白"}


@dataclass(frozen=True)
class Token:
    text: str  # normalised form, lower-cased
    surface: str
    pos: tuple[str, ...]
    start: int  # character offsets in the normalised text
    end: int


def nfkc(text: str) -> str:
    """Full-width letters and digits to half-width, half-width kana to full-width."""
    return unicodedata.normalize("NFKC", text)


def normalise(text: str) -> str:
    return nfkc(text).lower()


def _tokenizer():
    tok = getattr(_LOCAL, "tok", None)
    if tok is None:
        _LOCAL.dictionary = Dictionary(dict="core")
        _LOCAL.tok = tok = _LOCAL.dictionary.create(mode=SplitMode.A)
    return tok


def _pieces(text: str):
    """Split long text at line ends or 。 so each piece stays under Sudachi's input limit."""
    start = 0
    while start < len(text):
        end = min(start + MAX_CHUNK, len(text))
        if end < len(text):
            cut = max(text.rfind("\n", start, end), text.rfind("。", start, end))
            if cut > start:
                end = cut + 1
        yield start, text[start:end]
        start = end


def tokenize(text: str) -> list[Token]:
    """Tokens of already-normalised text, symbols and spaces dropped."""
    tokens = []
    for offset, piece in _pieces(text):
        for m in _tokenizer().tokenize(piece):
            pos = tuple(m.part_of_speech())
            if pos[0] in SKIP_POS:
                continue
            tokens.append(
                Token(
                    m.normalized_form().lower(),
                    m.surface(),
                    pos,
                    offset + m.begin(),
                    offset + m.end(),
                )
            )
    return tokens


def reading(text: str) -> str:
    """Katakana reading of a short phrase (for kana-typed suggestions)."""
    return "".join(m.reading_form() for m in _tokenizer().tokenize(normalise(text)))


def to_katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def chunk_tokens(term: str) -> list[list[Token]]:
    """Runs of content tokens in one query term: 後継者が理念を言語化 → [[後継,者],[理念],[言語,化]].

    A dropped symbol also ends a run: 目的・ゴール・時間配分 lists three things, not one compound.
    """
    chunks: list[list[Token]] = []
    current: list[Token] = []
    for token in tokenize(normalise(term)):
        weak_verb = token.pos[0] == "動詞" and token.pos[1] == "非自立可能"
        if current and token.start > current[-1].end:
            chunks.append(current)
            current = []
        if token.pos[0] in BREAK_POS or weak_verb:
            if current:
                chunks.append(current)
            current = []
        else:
            current.append(token)
    if current:
        chunks.append(current)
    return chunks


def query_chunks(term: str) -> list[list[str]]:
    return [[t.text for t in chunk] for chunk in chunk_tokens(term)]


_QUOTED = re.compile(r'"([^"]+)"|“([^”]+)”|「([^」]+)」')


def split_query(text: str) -> list[tuple[str, bool]]:
    """Whitespace-separated terms; quoted parts stay whole. Returns (term, is_phrase)."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    terms: list[tuple[str, bool]] = []
    last = 0
    for m in _QUOTED.finditer(text):
        terms.extend((t, False) for t in text[last : m.start()].split())
        terms.append((next(g for g in m.groups() if g), True))
        last = m.end()
    terms.extend((t, False) for t in text[last:].split())
    return [(t, phrase) for t, phrase in terms if t.strip()]


def bigrams(text: str) -> list[str]:
    text = normalise(text)
    words = re.findall(r"\w+", text)
    grams = []
    for w in words:
        if len(w) == 1:
            grams.append(w)
        grams.extend(w[i : i + 2] for i in range(len(w) - 1))
    return grams


# --- what a query asks for (shared by both backends) ------------------------------------------
MAX_VARIANTS = 8  # spellings per unit: synonyms inside a compound multiply

# Weights both backends give the parts of a query. A word in the title says more about a
# document than one in its summary (lead, hashtags, key points), and that more than one somewhere
# in the body. The bigram fields only back up words Sudachi splits differently in the text
# (names, new words); a loose match (the words of a compound apart) is worth less than the
# compound itself.
TITLE_BOOST, SUMMARY_BOOST, BODY_BOOST = 3.0, 1.5, 1.0
TITLE_GRAMS_BOOST, BODY_GRAMS_BOOST = 0.6, 0.2
LOOSE_FACTOR = 0.5
# Spellings and fields are alternatives: the best one counts, the others only a little, so a
# word with three synonyms does not outscore a word with none.
TIE_BREAKER = 0.1
# Documents with every word of a sentence-like term rank above those with only enough of them.
ALL_WORDS_BOOST = 2.0


@dataclass(frozen=True)
class Spelling:
    text: str  # normalised text, for analysers other than Sudachi (Elasticsearch)
    words: tuple[str, ...]  # Sudachi tokens, matched as a phrase


@dataclass(frozen=True)
class Unit:
    """One word or compound a query term asks for, in any of its spellings (synonyms).

    `loose` holds the words that, all present anywhere in a field, make a weaker match: a compound
    written apart (残業規制 → 残業 … 規制) or without its derivational suffix (運送業 → 運送, found in
    運送会社). It is empty where loosening would change the meaning (numbers, quoted phrases).
    """

    spellings: tuple[Spelling, ...]
    loose: tuple[str, ...] = ()


@dataclass(frozen=True)
class Term:
    """A whitespace-separated part of the query; every term of a query must match."""

    units: tuple[Unit, ...]

    @property
    def needed(self) -> int:
        # A sentence-like term (後継者が理念を言語化できていない製造業) rarely has every one of its
        # content words in a relevant document; half of them must match, and the backends rank
        # documents with all of them first.
        return math.ceil(len(self.units) / 2)


def _key(text: str) -> str:
    return "".join(t.text for t in tokenize(normalise(text)))


# In a synonym group, the words before this marker also find the words after it, not the reverse:
# 一次産業 => 農業、林業、漁業 (a search for 農業 should not bring up fishing).
ONE_WAY = "=>"


@functools.lru_cache(maxsize=8)
def synonym_index(groups: tuple[tuple[str, ...], ...]) -> dict[str, tuple[str, ...]]:
    """Normalised token string of each variant -> the other variants it also finds.

    A group is a tuple of equivalent words, or of words, ONE_WAY and the narrower words they
    also find. A word in two groups (SWOT分析 in a spelling group and an abbreviation group) gets
    both. Cached: the groups change only when the secretariat edits them, and tokenising every
    variant on each request would cost more than the search itself.
    """
    index: dict[str, list[str]] = {}
    for group in groups:
        words, narrower = group, ()
        if ONE_WAY in group:
            cut = group.index(ONE_WAY)
            words, narrower = group[:cut], group[cut + 1 :]
        for variant in words:
            others = index.setdefault(_key(variant), [])
            others += [v for v in (*words, *narrower) if v != variant and v not in others]
    return {key: tuple(others) for key, others in index.items() if others}


def _spelling(text: str) -> Spelling:
    text = normalise(text)
    return Spelling(text, tuple(t.text for t in tokenize(text)))


def _loose(tokens: Sequence[Token]) -> tuple[str, ...]:
    if len(tokens) < 2 or any(t.pos[1] == "数詞" for t in tokens):
        return ()  # 一次産業 is not 産業
    kept = [t for t in tokens if t.pos[0] != "接尾辞"]
    if not any(t.pos[0] == "名詞" for t in kept):
        return ()  # 見える化 is not 見える
    return tuple(dict.fromkeys(t.text for t in kept))


def _inner_variants(tokens: Sequence[Token], text: str, synonyms) -> list[Spelling]:
    """Spellings with synonyms swapped in for parts of a compound: 社員ヒアリング → 社員聞き取り."""

    def others(i: int, j: int) -> tuple[str, ...]:
        if j - i == len(tokens):
            return ()  # synonyms of the whole compound are spellings of their own
        return synonyms.get("".join(t.text for t in tokens[i:j]), ())

    parts: list[list[Spelling]] = []
    i = 0
    while i < len(tokens):
        # The longest part with synonyms wins: 時間外労働 before 時間.
        j = next((j for j in range(len(tokens), i, -1) if others(i, j)), i + 1)
        own = text[tokens[i].start - tokens[0].start : tokens[j - 1].end - tokens[0].start]
        own_words = tuple(t.text for t in tokens[i:j])
        parts.append([Spelling(own, own_words), *(_spelling(o) for o in others(i, j))])
        i = j
    variants = []
    for combo in itertools.islice(itertools.product(*parts), 1, None):  # the first is the original
        variants.append(
            Spelling("".join(p.text for p in combo), tuple(w for p in combo for w in p.words))
        )
        if len(variants) >= MAX_VARIANTS:
            break
    return variants


def _unit(tokens: Sequence[Token], text: str, synonyms, *, exact: bool = False) -> Unit:
    words = tuple(t.text for t in tokens)
    spellings = [Spelling(text, words), *(_spelling(o) for o in synonyms.get("".join(words), ()))]
    if not exact:
        spellings += _inner_variants(tokens, text, synonyms)
    unique: dict[tuple[str, ...], Spelling] = {}
    for spelling in spellings:
        if spelling.words:
            unique.setdefault(spelling.words, spelling)
    return Unit(tuple(unique.values()), () if exact else _loose(tokens))


def query_terms(text: str, synonym_groups: Mapping[str, Sequence[str]]) -> list[Term]:
    """The query as terms of units, with synonyms expanded at query time."""
    synonyms = synonym_index(tuple(tuple(g) for g in synonym_groups.values()))
    terms = []
    for term, is_phrase in split_query(text):
        normal = normalise(term)
        tokens = tokenize(normal)
        if is_phrase or "".join(t.text for t in tokens) in synonyms:
            # Kept whole: the user quoted it (never loosened), or a synonym group names it with
            # its particles (傾聴と対話).
            units = [_unit(tokens, normal, synonyms, exact=True)] if tokens else []
            if units and not is_phrase:
                content = [t for chunk in chunk_tokens(term) for t in chunk]
                units = [Unit(units[0].spellings, _loose(content))]
        else:
            units = [
                _unit(chunk, normal[chunk[0].start : chunk[-1].end], synonyms)
                for chunk in chunk_tokens(term)
            ]
        if units:
            terms.append(Term(tuple(units)))
    return terms
