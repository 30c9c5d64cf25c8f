"""よみ (the kana reading of a name): people are listed in 五十音順, not by code point."""

import logging
import re
import unicodedata

logger = logging.getLogger(__name__)

_KANA = re.compile(r"[\u3041-\u3096\u30fc\s]+")


def to_hiragana(text: str) -> str:
    """ひらがな for katakana (and full-width for half-width kana), spaces removed."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text if not c.isspace())


def guess(name: str) -> str:
    """A likely reading of `name` from the morphological dictionary; "" when it has none.

    Names are read many ways (健一 is けんいち or けんかず): this is only the default until
    the person or the secretariat types the right one.
    """
    if not name.strip():
        return ""
    try:
        from search.analysis import reading  # loads Sudachi: only when a reading is guessed

        kana = to_hiragana(reading(name))
    except Exception:  # the dictionary is an optional comfort here, never a reason to fail
        logger.warning("よみを推定できませんでした", exc_info=True)
        return ""
    return kana if _KANA.fullmatch(kana) else ""
