"""Text the detector reads: normalised views with stable offsets, and Sudachi morphemes."""

import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from privacy.vocabulary import NAME_JOINERS

_LOCAL = threading.local()


def _per_char(text: str, fn) -> str:
    out = []
    for ch in text:
        n = fn(ch)
        out.append(n if len(n) == 1 else ch)
    return "".join(out)


def normalise(text: str) -> str:
    """NFKC and lower case, one character at a time, so offsets into `text` stay valid."""
    return _per_char(text, lambda ch: unicodedata.normalize("NFKC", ch).lower())


@dataclass(frozen=True, slots=True)
class Morpheme:
    surface: str
    start: int
    end: int
    pos: tuple[str, ...]
    oov: bool

    @property
    def is_person(self) -> bool:
        return self.pos[1:3] == ("固有名詞", "人名")

    @property
    def is_place(self) -> bool:
        return self.pos[1:3] == ("固有名詞", "地名") and self.pos[3] != "国"

    @property
    def is_function_word(self) -> bool:
        """A particle, an auxiliary or a space: never at a name's edge (a mark may be: D.C.)."""
        return self.pos[0] in ("助詞", "助動詞", "空白")

    @property
    def is_noun_like(self) -> bool:
        return (
            self.pos[0] in ("名詞", "接頭辞")
            or (self.pos[0] == "接尾辞" and self.pos[1] == "名詞的")
            or self.surface in NAME_JOINERS
            or (self.oov and self.surface.isalnum())
        )


def _tokenizer():
    tok = getattr(_LOCAL, "tokenizer", None)
    if tok is None:
        from sudachipy import Dictionary, SplitMode

        _LOCAL.tokenizer = tok = Dictionary(dict="core").create(mode=SplitMode.A)
    return tok


def _chunks(text: str, limit: int = 4000) -> Iterator[tuple[int, str]]:
    """Pieces Sudachi can take (it refuses inputs over ~49 kB), cut at line and sentence ends."""
    offset = 0
    for line in re.split(r"(?<=\n)", text):
        while len(line) > limit:
            cut = line.rfind("。", 0, limit) + 1 or limit
            yield offset, line[:cut]
            offset, line = offset + cut, line[cut:]
        if line:
            yield offset, line
            offset += len(line)


def morphemes(text: str) -> list[Morpheme]:
    """Sudachi mode A morphemes of `text` with offsets into it."""
    out = []
    tok = _tokenizer()
    for offset, chunk in _chunks(text):
        for m in tok.tokenize(chunk):
            out.append(
                Morpheme(
                    m.surface(),
                    offset + m.begin(),
                    offset + m.end(),
                    m.part_of_speech(),
                    m.is_oov(),
                )
            )
    return out


def is_kanji(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or ch in "々〆ヶ"
