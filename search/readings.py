"""What a query typed in kana reads as: じぎょうしょうけい → 事業承継, ろかべん → ロカベン.

A visitor on a phone often sends what the keyboard shows before conversion (hiragana), or a
katakana word with a letter missing (ローカルベンチマク). No case is written that way: such a
query finds nothing, or, through the bigram fields, pieces of other words. `reading_query`
rewrites it with the words of the vocabulary that read the same (Sudachi's readings): the words
of the synonym groups, the facet labels and hashtags, the words a supporter looks for.
service.search reads a hiragana term before it searches it, other kana only when the query and
its broader words found nothing; the page says what was searched instead.
"""

import functools
import re
import unicodedata
from collections.abc import Iterable

from .analysis import ONE_WAY, normalise, reading, split_query, to_katakana

# A term is read only when it has kana in it: a term in kanji or letters was typed as meant.
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


def reading_query(text: str, words: Iterable[str], *, unconverted_only: bool = False) -> str:
    """The query with each term that has kana replaced by the vocabulary words it reads as;
    "" when no term changes. A quoted phrase is kept as typed, as every term that reads as
    nothing. With `unconverted_only`, only hiragana terms are read, and only exactly."""
    index = reading_index(tuple(dict.fromkeys(words)))
    terms, changed = [], False
    for term, is_phrase in split_query(text):
        if is_phrase or (unconverted_only and not unconverted(term)):
            read = ""
        else:
            read = read_term(term, index, exact=unconverted_only)
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
