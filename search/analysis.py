"""Japanese text analysis shared by indexing and querying (embedded backend).

Text is NFKC-normalised and lower-cased, then Sudachi (mode A, normalised forms) splits it into
tokens with positions; a query is cut into "chunks" of content words that are matched as phrases.
"""

import re
import threading
import unicodedata
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
        _LOCAL.tok = tok = _LOCAL.dictionary.tokenizer(mode=SplitMode.A)
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


def query_chunks(term: str) -> list[list[str]]:
    """Runs of content tokens in one query term: 後継者が理念を言語化 → [[後継,者],[理念],[言語,化]]."""
    chunks: list[list[str]] = []
    current: list[str] = []
    for token in tokenize(normalise(term)):
        weak_verb = token.pos[0] == "動詞" and token.pos[1] == "非自立可能"
        if token.pos[0] in BREAK_POS or weak_verb:
            if current:
                chunks.append(current)
            current = []
        else:
            current.append(token.text)
    if current:
        chunks.append(current)
    return chunks


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
