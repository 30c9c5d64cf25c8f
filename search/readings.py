"""What a query typed in kana reads as (じぎょうしょうけい → 事業承継, ろかべん → ロカベン), and what an
abbreviation stands for (経デザ → 経営デザインシート).

A visitor on a phone often sends what the keyboard shows before conversion (hiragana), or a
katakana word with a letter missing (ローカルベンチマク). No case is written that way: such a
query finds nothing, or, through the bigram fields, pieces of other words. `reading_query`
rewrites it with the words of the vocabulary that read the same (Sudachi's readings): the words
of the synonym groups, the facet labels and hashtags, the words a supporter looks for.
service.search reads a hiragana term before it searches it, other kana only when the query and
its broader words found nothing; the page says what was searched instead.

An abbreviation the cases do not use (経デザ, 中小機構, 持続化) finds nothing too: when nothing was
found, a term that reads as no word is searched as the vocabulary words it abbreviates, the
beginnings of some of their parts in order (`abbreviates`), if there are only a few.
"""

import functools
import re
import unicodedata
from collections.abc import Collection, Iterable

from .analysis import ONE_WAY, normalise, reading, split_query, to_katakana, tokenize

# A term is read by its sound only when it has kana in it: a term in kanji or letters was typed
# as meant (it may still be an abbreviation, below).
_KANA = re.compile(r"[ぁ-ゖァ-ヺー]")
_ONLY_KANA = re.compile(r"[ぁ-ゖァ-ヺー]+")
# Hiragana and nothing else (and ー): a word sent before conversion (みえるか, じぎょうしょうけい).
_UNCONVERTED = re.compile(r"[ぁ-ゖー]*[ぁ-ゖ][ぁ-ゖー]*")
# A katakana word with one letter wrong, missing or extra (ローカルベンチマク) is read as the
# vocabulary word only from this many letters on: a short one would be another word.
TYPO_MIN_LENGTH = 6


def has_kana(text: str) -> bool:
    return bool(_KANA.search(text))


def unconverted(term: str) -> bool:
    """Whether `term` is hiragana only. Sent so, it matches pieces of other words (the bigram
    fields find みえ, える and るか anywhere) rather than nothing: service.search reads it before
    it searches it."""
    return bool(_UNCONVERTED.fullmatch(normalise(term)))


def has_unconverted(text: str) -> bool:
    """Whether a term of the query, not quoted, is hiragana only (see `unconverted`)."""
    return any(unconverted(term) for term, quoted in split_query(text) if not quoted)


def term_reading(term: str) -> str:
    """The term's reading in katakana, without voicing marks: kana as typed (Sudachi may split a
    hiragana run oddly), kanji by Sudachi (値あげ → ネアケ). Sudachi reads a word alone, without
    the voicing it takes in a compound (資金繰り: シキンクリ, said しきんぐり), so neither side has it."""
    text = normalise(term)
    sound = to_katakana(text) if _ONLY_KANA.fullmatch(text) else to_katakana(reading(text))
    unmarked = unicodedata.normalize("NFD", sound).replace("\u3099", "").replace("\u309a", "")
    return unicodedata.normalize("NFC", unmarked)


@functools.lru_cache(maxsize=4)
def reading_index(words: tuple[str, ...]) -> dict[str, str]:
    """Katakana reading -> the first of `words` that reads so (the vocabulary's order decides
    between homophones)."""
    index: dict[str, str] = {}
    for word in words:
        if word and word != ONE_WAY:
            index.setdefault(term_reading(word), word)
    return index


def _segments(sound: str, index: dict[str, str]) -> list[str] | None:
    """`sound` as the fewest words of the index whose readings make it up exactly, or None."""
    best: list[list[str] | None] = [[]] + [None] * len(sound)
    for end in range(1, len(sound) + 1):
        for start in range(end):
            words = best[start]
            word = index.get(sound[start:end])
            if (
                words is not None
                and word
                and (best[end] is None or len(words) + 1 < len(best[end]))
            ):
                best[end] = [*words, word]
    return best[-1]


def _one_letter_apart(a: str, b: str) -> bool:
    """One substitution, insertion or deletion turns a into b."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer[i + 1 :] == shorter[i:]


# --- abbreviations: 経デザ → 経営デザインシート, 中小機構 → 中小企業基盤整備機構 -----------------------
# A term that abbreviates more of the vocabulary's words than this says too little to choose.
MAX_ABBREVIATED = 3


def _abbreviation_key(text: str) -> str:
    """Compared without long-vowel marks: ロカベン abbreviates ロ(ー)カルベンチマーク."""
    return normalise(text).replace("ー", "")


@functools.lru_cache(maxsize=4)
def parts_index(words: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each word of the vocabulary with its shortest parts (Sudachi mode A), as compared."""
    index = []
    for word in words:
        if not word or word == ONE_WAY:
            continue
        parts = tuple(
            key for token in tokenize(normalise(word)) if (key := _abbreviation_key(token.surface))
        )
        if parts:
            index.append((word, parts))
    return tuple(index)


def abbreviates(short: str, parts: tuple[str, ...]) -> bool:
    """Whether `short` is the beginnings of some of `parts`, in order, the first part's first:
    経デザ of 経営|デザイン|シート, 中小機構 of 中小|企業|基盤|整備|機構, 持続化 of 持続|化|補助|金."""
    if not (short and parts and short[0] == parts[0][0]):
        return False

    @functools.cache  # each (letter, part) once: a long term cannot make it slow
    def rest(at: int, part: int) -> bool:
        if at == len(short):
            return True
        for index in range(part, len(parts) if at else 1):
            word = parts[index]
            length = 0
            while length < len(word) and at + length < len(short):
                if word[length] != short[at + length]:
                    break
                length += 1
                if rest(at + length, index + 1):
                    return True
        return False

    return rest(0, 0)


def abbreviated(term: str, index: tuple[tuple[str, tuple[str, ...]], ...]) -> list[str]:
    """The vocabulary words `term` is an abbreviation of (at most MAX_ABBREVIATED, in the
    vocabulary's order), or none."""
    short = _abbreviation_key(term)
    if len(short) < 2:
        return []
    found = [
        word
        for word, parts in index
        if len(_abbreviation_key(word)) > len(short) and abbreviates(short, parts)
    ]
    return found if len(found) <= MAX_ABBREVIATED else []


def read_term(term: str, index: dict[str, str], *, exact: bool = False) -> str:
    """The vocabulary words `term` reads as, or "" if it has no kana or does not read as any.
    With `exact`, a reading one letter off does not count."""
    if not has_kana(term):
        return ""
    sound = term_reading(term)
    words = _segments(sound, index)
    if words:
        return "".join(words)
    if not exact and len(sound) >= TYPO_MIN_LENGTH:
        near = sorted(word for known, word in index.items() if _one_letter_apart(sound, known))
        if len(near) == 1:  # two candidates: no way to tell which was meant
            return near[0]
    return ""


def reading_query(
    text: str,
    words: Iterable[str],
    *,
    unconverted_only: bool = False,
    literal: Collection[str] = (),
) -> str:
    """The query with each term that has kana replaced by the vocabulary words it reads as, and
    each other term that abbreviates a few of them by those words (経デザ → 経営デザインシート); ""
    when no term changes. A quoted phrase is kept as typed, as every term that reads as nothing
    and every term with a word of `literal` in it (SearchRequest.literal: the visitor undid a
    reading of that word). With `unconverted_only`, only hiragana terms are read, and only
    exactly."""
    vocabulary = tuple(dict.fromkeys(words))
    index = reading_index(vocabulary)
    kept = [unicodedata.normalize("NFKC", word) for word in literal if word]
    terms, changed = [], False
    for term, is_phrase in split_query(text):
        as_written = is_phrase or any(word in term for word in kept)
        if as_written or (unconverted_only and not unconverted(term)):
            read = ""
        else:
            read = read_term(term, index, exact=unconverted_only)
            if not (read or unconverted_only):
                read = " ".join(abbreviated(term, parts_index(vocabulary)))
        if read and read != normalise(term):
            terms.append(read)
            changed = True
        else:
            terms.append(f"「{term}」" if is_phrase else term)
    return " ".join(terms) if changed else ""


def as_typed(text: str, read_as: str) -> str:
    """The query with each term that reading_query changed quoted, so that it is searched as
    typed (a quoted phrase is never read): the page's link back from 「見える化」 to みえるか."""
    typed, read = split_query(text), split_query(read_as)
    if len(typed) != len(read):
        return f"「{text}」"
    return " ".join(
        f"「{term}」" if is_phrase or term != new else term
        for (term, is_phrase), (new, _) in zip(typed, read, strict=True)
    )
