"""What an upload is called and which kind of file its name says it is."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import errors

IMAGE_KINDS = frozenset({"image"})
DOCUMENT_KINDS = frozenset({"pdf", "xlsx", "docx", "pptx"})
ALL_KINDS = IMAGE_KINDS | DOCUMENT_KINDS

KIND_BY_EXTENSION = {
    "jpg": "image",
    "jpeg": "image",
    "png": "image",
    "webp": "image",
    "pdf": "pdf",
    "xlsx": "xlsx",
    "docx": "docx",
    "pptx": "pptx",
}
CONTENT_TYPES = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_MACRO_EXTENSIONS = {
    "xlsm": "xlsx",
    "xltm": "xlsx",
    "xlam": "xlsx",
    "docm": "docx",
    "dotm": "docx",
    "pptm": "pptx",
    "potm": "pptx",
    "ppsm": "pptx",
}
_LEGACY_EXTENSIONS = {
    "xls": "xlsx",
    "xlt": "xlsx",
    "xlsb": "xlsx",
    "doc": "docx",
    "dot": "docx",
    "rtf": "docx",
    "ppt": "pptx",
    "pps": "pptx",
}
_HEIC_EXTENSIONS = {"heic", "heif", "hif"}

_NAME_MAX = 100
# Windows refuses these in file names, so a download named with them would fail to save.
_WINDOWS_RESERVED = str.maketrans(dict.fromkeys('<>:"|?*', "_"))
_EXTENSION = re.compile(r"[a-z0-9]{1,10}")


def safe_name(original: str) -> str:
    """Return a display name without paths, control or bidi characters, capped at 100 chars."""
    text = unicodedata.normalize("NFC", original)
    cleaned = []
    for char in text:
        if char == "\u3000":
            cleaned.append(char)  # full-width spaces are part of Japanese names; keep them as typed
        elif char.isspace():
            cleaned.append(" ")
        elif unicodedata.category(char) not in ("Cc", "Cf", "Cs"):
            cleaned.append(char)
    text = "".join(cleaned).replace("\\", "/").rsplit("/", 1)[-1]
    # Trailing dots and spaces vanish on Windows; leading dots would hide the file on Unix.
    text = re.sub(" {2,}", " ", text.translate(_WINDOWS_RESERVED)).rstrip(" .")
    stem, extension = split_extension(text)
    stem = stem.strip(" .")
    if extension:
        stem = stem[: _NAME_MAX - len(extension) - 1].rstrip(" .")
        return f"{stem or 'ファイル'}.{extension}"
    return stem[:_NAME_MAX].rstrip(" .") or "ファイル"


def split_extension(name: str) -> tuple[str, str]:
    """Split a name into stem and lower-case ASCII extension ("" when there is none)."""
    # A full-width dot and letters (報告書．ＰＤＦ) mean the same as ASCII to the person typing.
    index = max(name.rfind("."), name.rfind("．"))
    if index < 0:
        return name, ""
    extension = unicodedata.normalize("NFKC", name[index + 1 :]).strip().lower()
    if not _EXTENSION.fullmatch(extension):
        return name, ""
    return name[:index], extension


def _allowed_list(kinds: frozenset[str]) -> str:
    return "、".join(f".{ext}" for ext, kind in KIND_BY_EXTENSION.items() if kind in kinds)


def kind_for_extension(extension: str, kinds: frozenset[str]) -> str:
    allowed = _allowed_list(kinds)
    if not extension:
        raise ValidationError(
            _("ファイル名に拡張子がありません。登録できる形式は %(allowed)s です。"),
            code="no_extension",
            params={"allowed": allowed},
        )
    if extension in _HEIC_EXTENSIONS and "image" in kinds:
        raise errors.heic()
    if extension in _MACRO_EXTENSIONS:
        raise ValidationError(
            _(
                "マクロを含む形式のファイル（.%(ext)s）は登録できません。"
                "マクロを含まない .%(suggest)s 形式で保存し直してからアップロードしてください。"
            ),
            code="macro",
            params={"ext": extension, "suggest": _MACRO_EXTENSIONS[extension]},
        )
    kind = KIND_BY_EXTENSION.get(extension)
    if extension in _LEGACY_EXTENSIONS and _LEGACY_EXTENSIONS[extension] in kinds:
        raise ValidationError(
            _(
                "古い形式のファイル（.%(ext)s）は登録できません。"
                ".%(suggest)s 形式で保存し直してからアップロードしてください。"
            ),
            code="legacy_format",
            params={"ext": extension, "suggest": _LEGACY_EXTENSIONS[extension]},
        )
    if kind is None or kind not in kinds:
        raise ValidationError(
            _(
                "この種類のファイル（.%(ext)s）は登録できません。"
                "登録できる形式は %(allowed)s です。"
            ),
            code="extension",
            params={"ext": extension, "allowed": allowed},
        )
    return kind
