"""Japanese text analysis shared by indexing and querying (embedded backend).

Text is NFKC-normalised and lower-cased, then Sudachi (mode A, normalised forms) splits it into
tokens with positions; a query is cut into "chunks" of content words that are matched as phrases.
`parse_query` turns a query into the units both backends build their queries from, so the
embedded backend and Elasticsearch ask for the same things.
"""

import functools
import html
import itertools
import math
import re
import threading
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from sudachipy import Dictionary, SplitMode

_LOCAL = threading.local()
# Sudachi refuses more than ~49 kB per call; 15,000 characters is safely below in UTF-8.
MAX_CHUNK = 15_000

SKIP_POS = {"補助記号", "空白"}
# Function words end a query chunk; they carry no meaning of their own in a search.
BREAK_POS = {"助詞", "助動詞", "接続詞", "感動詞", "補助記号", "空白"}
# The wording of a question or a request, not what it is about: 「若手がすぐ辞める会社にどう
# 関わればよいか」 is about 若手, 辞める (会社: SUBJECT_NOUNS); 「誤出荷の改善事例はある？」 about
# 誤出荷, 改善. These end a chunk like a particle, unless the query has no other word (「事例」
# alone is still searched).
# By part of speech: pronouns (何), adnominals (どの, どんな), the stem of ように, and adjectives
# that lean on another word (良い of どうすればよいか, ない); by normalised form, a general list of
# interrogatives, request verbs and the nouns of "a case/way of …".
QUESTION_POS = {("代名詞",), ("連体詞",), ("形状詞", "助動詞語幹"), ("形容詞", "非自立可能")}
QUESTION_WORDS = frozenset(
    {
        "どう",
        "何故",
        "如何",
        "何時",
        "知る",
        "教える",
        "探す",
        "有る",
        "居る",
        "方法",
        "仕方",
        "事例",
        "実例",
        "例",
        "ケース",
        "場合",
        "時",
    }
)


# In a sentence, 会社 or 企業 standing alone (「すぐ辞めてしまう会社にどう関われば」) names what every
# case is about, a company, like the wording of a question: left out when the sentence has other
# words. Kept inside a compound (運送会社) and as a query of its own. (社長 and 経営者 are often
# the topic: 社長と工場長の仲.) Question queries of the blind set: even lines 0.825 → 0.840
# nDCG@10, odd lines unchanged; the second blind set 0.776 → 0.789.
SUBJECT_NOUNS = frozenset({"会社", "企業"})


def _text(chunk: Sequence["Token"]) -> str:
    return "".join(token.text for token in chunk)


def is_question_word(token: "Token") -> bool:
    return (
        token.text in QUESTION_WORDS
        or token.pos[:1] in QUESTION_POS
        or token.pos[:2] in QUESTION_POS
    )


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


_DICTIONARY: Dictionary | None = None
_DICTIONARY_LOCK = threading.Lock()


def _dictionary() -> Dictionary:
    """The one Sudachi dictionary of the process.

    Loading it costs tens of milliseconds and ~70 MB: a thread-local dictionary made the dev
    server (a thread per request) pay that on every request. The dictionary is immutable and
    shared; only tokenizers, which keep per-call state, are per thread.
    """
    global _DICTIONARY
    if _DICTIONARY is None:
        with _DICTIONARY_LOCK:
            if _DICTIONARY is None:
                _DICTIONARY = Dictionary(dict="core")
    return _DICTIONARY


def _tokenizer(mode: str = "A"):
    """This thread's tokenizer for split mode "A" (indexing, queries) or "C" (a query's compounds)."""
    name = f"tok_{mode}"
    tok = getattr(_LOCAL, name, None)
    if tok is None:
        tok = _dictionary().create(mode=getattr(SplitMode, mode))
        setattr(_LOCAL, name, tok)
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


def chunk_tokens(term: str, *, questions: bool = False) -> list[list[Token]]:
    """Runs of content tokens in one query term: 後継者が理念を言語化 → [[後継,者],[理念],[言語,化]].

    A dropped symbol also ends a run: 目的・ゴール・時間配分 lists three things, not one compound.
    With `questions`, the words of a question's wording (QUESTION_WORDS) end a run and are left
    out too.
    """
    chunks: list[list[Token]] = []
    current: list[Token] = []
    for token in tokenize(normalise(term)):
        weak_verb = token.pos[0] == "動詞" and token.pos[1] == "非自立可能"
        if current and token.start > current[-1].end:
            chunks.append(current)
            current = []
        if token.pos[0] in BREAK_POS or weak_verb or (questions and is_question_word(token)):
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
MAX_PARTS = 12  # sub-words per unit (modes C, B and A of a long compound)

# Weights both backends give the parts of a query. A word in the title says more about a
# document than one in its summary (lead, hashtags, key points), and that more than one somewhere
# in the body. The bigram fields only back up words Sudachi splits differently in the text
# (names, new words); a loose match (the words of a compound apart) is worth less than the
# compound itself, and one part of a compound alone (原価 for 原価低減) less again.
TITLE_BOOST, SUMMARY_BOOST, BODY_BOOST = 3.0, 1.5, 1.0
TITLE_GRAMS_BOOST, BODY_GRAMS_BOOST = 0.6, 0.2
LOOSE_FACTOR = 0.5
PART_FACTOR = 0.5
# A narrower word of a one-way synonym group (傾聴 => 耳を傾ける) is related to what was asked, not
# the word itself: a document with the word as typed ranks above one with only the related word.
# Words of a two-way group and Sudachi's synonyms are the same word (ロカベン, ローカルベンチマーク).
SYNONYM_FACTOR = 0.6
# Spellings and fields are alternatives: the best one counts, the others only a little, so a
# word with three synonyms does not outscore a word with none.
TIE_BREAKER = 0.3
# Every word of a query counts (OR), like a search engine's default match query; documents with
# most of the words (COVERAGE_SHARE of them, at least two), with all of them, and with the words
# close together in the query's order rank first: their word scores count again, times these.
# Boosts, not filters: a document with one word of five is still found.
COVERAGE_SHARE = 0.75
COVERAGE_BOOST = 3.0
ALL_WORDS_BOOST = 1.0
PHRASE_BOOST = 1.0
PHRASE_SLOP = 3  # positions between the query's words: particles (理念の言語化 → 理念を言語化)
# Pseudo-relevance feedback (search/feedback.py): the words the first search's best hits share
# score this much of their BM25 score beside the query's own words (a word in the title scores
# TITLE_BOOST), so they reorder weakly; a document with none of the query's words is found when
# it has FEEDBACK_MATCH of them (0, or fewer feedback words: they only reorder what it finds).
FEEDBACK_WEIGHT = 0.3
FEEDBACK_MATCH = 2  # see feedback.FEEDBACK_TERMS


def _coverage(count: int) -> int:
    """Most of `count` words (COVERAGE_SHARE, at least two); 0 for fewer than two."""
    return 0 if count < 2 else max(2, math.floor(count * COVERAGE_SHARE))


@dataclass(frozen=True)
class Spelling:
    text: str  # normalised text, for analysers other than Sudachi (Elasticsearch)
    words: tuple[str, ...]  # Sudachi tokens, matched as a phrase
    weight: float = 1.0  # times the field's boost: SYNONYM_FACTOR for a synonym

    def boost(self, field_boost: float) -> float:
        return round(field_boost * self.weight, 4)


@dataclass(frozen=True)
class Unit:
    """One word or compound a query asks for, in any of its spellings (synonyms).

    `loose` holds the words that, all present anywhere in a field, make a weaker match: a compound
    written apart (残業規制 → 残業 … 規制) or without its derivational suffix (運送業 → 運送, found in
    運送会社). `parts` are the compound's own words as Sudachi splits it in modes C, B and A
    (事業計画策定 → 事業, 計画, 策定; 業務効率化 → 業務, 効率化, 効率), each of which alone is a
    weaker match still, so a compound whose parts occur only apart is found, and a document with
    more of them ranks higher. Both are empty where loosening would change the meaning (numbers).
    A `required` unit (a quoted phrase) must match as one of its spellings; its loose words and
    parts count only when the query is relaxed because it matched nowhere.
    """

    spellings: tuple[Spelling, ...]
    loose: tuple[str, ...] = ()
    parts: tuple[Spelling, ...] = ()
    required: bool = False

    @property
    def part_coverage(self) -> int:
        """How many parts earn the coverage boost (新規 and 事業 for 新規事業); 0: no boost."""
        return _coverage(len(self.parts))

    @property
    def exact(self) -> "Unit":
        """The unit as its spellings only: what a required unit must match."""
        return replace(self, loose=(), parts=())

    @property
    def whole(self) -> "Unit":
        """The unit without its parts: what makes a unit count as present in a sentence."""
        return replace(self, parts=())


@dataclass(frozen=True)
class ParsedQuery:
    """What a query asks for: its units, in the order typed."""

    units: tuple[Unit, ...]
    # Typed as a sentence (a term with several runs of content words: トラック運送の2024年問題への
    # 対応事例はある？) rather than as keywords. A keyword is what its writer wants found; a sentence
    # also holds the general words around its topic, and a generic part of a compound (問題 of
    # 2024年問題) would let a page with only those words count as "most of the query". So in a
    # sentence a unit counts for the coverage boosts only where it occurs itself (Unit.whole).
    # Blind set, question queries: even lines 0.791 → 0.825 nDCG@10 (tuned on), odd 0.714 →
    # 0.727; the second blind set 0.762 → 0.776.
    sentence: bool = False

    @property
    def counted_units(self) -> tuple[Unit, ...]:
        """The units as the coverage boosts count them (see `sentence`)."""
        return tuple(unit.whole for unit in self.units) if self.sentence else self.units

    @property
    def coverage(self) -> int:
        """How many units earn the coverage boost; 0 for a query of one unit."""
        return _coverage(len(self.units))

    @property
    def phrase(self) -> tuple[str, ...]:
        """The words of the whole query in order (for the proximity boost); () for one unit."""
        if len(self.units) < 2:
            return ()
        return tuple(w for unit in self.units for w in unit.spellings[0].words)

    @property
    def relaxable(self) -> bool:
        """A required unit that matches nothing would leave the query empty-handed."""
        return any(unit.required for unit in self.units)

    def relaxed(self) -> "ParsedQuery":
        """The same query with no unit required: asked when the strict one finds nothing."""
        return replace(self, units=tuple(replace(unit, required=False) for unit in self.units))

    def highlight_terms(self) -> list[str]:
        return list(
            dict.fromkeys(
                text
                for unit in self.units
                for s in (*unit.spellings, *unit.parts)
                for text in (s.text, "".join(s.words))
            )
        )


_MARK = re.compile(r"<mark>(.*?)</mark>", re.DOTALL)


def whole_marks(highlight: str, terms: Sequence[str]) -> str:
    """The highlight with only the marks that hold a whole term: a match of the bigram fields
    can be a piece of a term inside another word (わり of the synonym 代替わり in こだわり), which
    would mark something the query never asked for. `highlight` is escaped HTML with <mark>
    tags (both backends'), `terms` ParsedQuery.highlight_terms()."""
    wanted = [term for term in terms if term]

    def keep(mark: re.Match) -> str:
        text = normalise(html.unescape(mark.group(1)))
        return mark.group(0) if any(term in text for term in wanted) else mark.group(1)

    return _MARK.sub(keep, highlight)


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


@functools.lru_cache(maxsize=8)
def narrower_index(groups: tuple[tuple[str, ...], ...]) -> dict[str, frozenset[str]]:
    """Normalised token string of each word before ONE_WAY -> the narrower words it finds.

    Those are related words (傾聴 => 耳を傾ける), not the same word: they count SYNONYM_FACTOR.
    """
    index: dict[str, set[str]] = {}
    for group in groups:
        if ONE_WAY in group:
            cut = group.index(ONE_WAY)
            for word in group[:cut]:
                index.setdefault(_key(word), set()).update(group[cut + 1 :])
    return {key: frozenset(words) for key, words in index.items()}


@functools.lru_cache(maxsize=8)
def broader_index(groups: tuple[tuple[str, ...], ...]) -> dict[str, tuple[str, ...]]:
    """Normalised token string of each narrower word (after ONE_WAY) -> the first word of each
    group that names it: OJT -> 人材育成, 第三者承継 -> 事業承継 (for broader_query)."""
    index: dict[str, list[str]] = {}
    for group in groups:
        if ONE_WAY in group:
            cut = group.index(ONE_WAY)
            for word in group[cut + 1 :]:
                broader = index.setdefault(_key(word), [])
                if group[0] not in broader:
                    broader.append(group[0])
    return {key: tuple(words) for key, words in index.items()}


def broader_query(
    text: str, synonym_groups: Mapping[str, Sequence[str]], *, dictionary_synonyms: bool = True
) -> str:
    """The query with each term that is a narrower word of a synonym group (or a synonym of
    one) replaced by the group's first word: 「OJT」 -> 「人材育成」. "" when no term is.

    What service.search asks when the query finds nothing: a case that does not name the
    narrower word may still be about the broader topic. Only whole terms are replaced (not words
    inside a sentence), and quoted phrases never are: the visitor sees the new query.
    """
    groups = tuple(tuple(g) for g in synonym_groups.values())
    if dictionary_synonyms:
        groups += _domain_groups()
    synonyms, broader = synonym_index(groups), broader_index(groups)
    narrower = narrower_index(groups)
    terms, changed = [], False
    for term, is_phrase in split_query(text):
        if is_phrase:
            terms.append(f"「{term}」")
            continue
        key = _key(term)
        # The term and its spellings, not its narrower words (人材育成's OJT would make it its
        # own broader word).
        keys = [key, *(_key(w) for w in synonyms.get(key, ()) if w not in narrower.get(key, ()))]
        found = next((broader[k] for k in keys if k in broader), ())
        terms.append(found[0] if found else term)
        changed = changed or bool(found)
    return " ".join(terms) if changed else ""


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


# A part of a compound that is only an affix (化, 性, 者, 新) says nothing alone.
_NOT_A_PART = {"接尾辞", "接頭辞", *BREAK_POS}


def _parts(tokens: Sequence[Token], text: str) -> tuple[Spelling, ...]:
    """The words of a compound as Sudachi splits it in modes C, B and A, the compound excluded.

    A number and what it counts are not parts (50名未満 → 未満; 一次産業 → 産業, not 一次): the
    number alone would find anything, the other words are still words of the query.
    """
    if len(tokens) < 2:
        return ()
    whole = tuple(t.text for t in tokens)
    found: dict[tuple[str, ...], Spelling] = {}

    def split(morpheme, mode):  # Sudachi gives [] for a morpheme that does not split further
        return list(morpheme.split(mode)) or [morpheme]

    for word in _tokenizer("C").tokenize(text):
        middle = split(word, SplitMode.B)
        for level in ([word], middle, [a for b in middle for a in split(b, SplitMode.A)]):
            for morpheme in level:
                pieces = [
                    m for m in split(morpheme, SplitMode.A) if m.part_of_speech()[0] not in SKIP_POS
                ]
                if not pieces or all(m.part_of_speech()[0] in _NOT_A_PART for m in pieces):
                    continue
                if any(m.part_of_speech()[1] == "数詞" for m in pieces):
                    continue
                if len(pieces) == 1 and pieces[0].part_of_speech()[2].startswith("助数詞"):
                    continue  # a counter alone (名, 円, 代)
                words = tuple(m.normalized_form().lower() for m in pieces)
                if words != whole:
                    found.setdefault(words, Spelling(normalise(morpheme.surface()), words))
    return tuple(found.values())[:MAX_PARTS]


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


def _unit(
    tokens: Sequence[Token],
    text: str,
    synonyms,
    dictionary,
    *,
    exact: bool = False,
    narrower: Mapping[str, frozenset[str]] | None = None,
) -> Unit:
    words = tuple(t.text for t in tokens)
    key = "".join(words)
    related = (narrower or {}).get(key, frozenset())

    def weighed(spelling: Spelling, word: str = "") -> Spelling:
        # A phrase scores the sum of its words' weights (in tantivy as in Lucene): a synonym of
        # more words than the word as typed (ローカルベンチマーク for ロカベン) is scaled to the
        # typed word's length, so the same thing written longer does not count more. A narrower
        # word of a one-way group (耳を傾ける for 傾聴) is related, not the same: it counts less.
        factor = SYNONYM_FACTOR if word in related else 1.0
        return replace(spelling, weight=factor * min(1.0, len(words) / len(spelling.words)))

    whole = [*synonyms.get(key, ()), *dictionary.get(key, ())]
    spellings = [Spelling(text, words)]
    spellings += [weighed(_spelling(o), o) for o in dict.fromkeys(whole) if _spelling(o).words]
    if not exact:
        spellings += [weighed(v) for v in _inner_variants(tokens, text, synonyms) if v.words]
    unique: dict[tuple[str, ...], Spelling] = {}
    for spelling in spellings:
        if spelling.words:
            unique.setdefault(spelling.words, spelling)
    if exact:
        return Unit(tuple(unique.values())[: MAX_VARIANTS + 1], required=True)
    return Unit(tuple(unique.values())[: MAX_VARIANTS + 1], _loose(tokens), _parts(tokens, text))


def parse_query(
    text: str,
    synonym_groups: Mapping[str, Sequence[str]],
    *,
    dictionary_synonyms: bool = True,
) -> ParsedQuery:
    """The query as units, with synonyms expanded at query time.

    `synonym_groups` are the secretariat's groups (search.models.Synonym); with
    `dictionary_synonyms`, the dictionaries shipped with the code are added (search/synonyms.py):
    the project's domain groups, applied exactly like the secretariat's, and Sudachi's
    abbreviations and spelling variants.

    Kept for the last queries (the result is immutable): a search by relevance reads the same
    query three times (pseudo-relevance feedback, search/feedback.py: the first search, the
    feedback words, the second search), and Sudachi costs about 1 ms a time.
    """
    groups = tuple(tuple(g) for g in synonym_groups.values())
    return _parse_query(text, groups, dictionary_synonyms)


@functools.lru_cache(maxsize=256)
def _parse_query(
    text: str, groups: tuple[tuple[str, ...], ...], dictionary_synonyms: bool
) -> ParsedQuery:
    if dictionary_synonyms:
        groups += _domain_groups()
    synonyms, narrower = synonym_index(groups), narrower_index(groups)
    dictionary = _dictionary_synonyms() if dictionary_synonyms else {}
    terms = split_query(text)
    # The wording of a question is left out, unless it is all the query has.
    questions = any(chunk_tokens(term, questions=True) for term, phrase in terms if not phrase)
    units: list[Unit] = []
    sentence = False
    for term, is_phrase in terms:
        normal = normalise(term)
        tokens = tokenize(normal)
        if is_phrase or _text(tokens) in synonyms:
            # Kept whole: the user quoted it (must match, never loosened), or a synonym group
            # names it with its particles (傾聴と対話).
            if not tokens:
                continue
            unit = _unit(tokens, normal, synonyms, dictionary, exact=True, narrower=narrower)
            content = [t for chunk in chunk_tokens(term) for t in chunk]
            # A quoted phrase must match as written; its words apart count only in the retry
            # when it matches nowhere (ParsedQuery.relaxed).
            units.append(
                Unit(unit.spellings, _loose(content), _parts(content, normal), required=is_phrase)
            )
        else:
            chunks = chunk_tokens(term, questions=questions)
            if len(chunks) > 1:
                chunks = [c for c in chunks if _text(c) not in SUBJECT_NOUNS] or chunks
            sentence = sentence or len(chunks) > 1
            units += [
                _unit(
                    chunk,
                    normal[chunk[0].start : chunk[-1].end],
                    synonyms,
                    dictionary,
                    narrower=narrower,
                )
                for chunk in chunks
            ]
    return ParsedQuery(tuple(units), sentence)


def _dictionary_synonyms() -> Mapping[str, tuple[str, ...]]:
    from .synonyms import dictionary_synonyms  # the data file is read on first use

    return dictionary_synonyms()


def _domain_groups() -> tuple[tuple[str, ...], ...]:
    from .synonyms import domain_groups  # the data file is read on first use

    return domain_groups()
