"""Validate uploaded files and return neutralised bytes that are safe to store and serve."""

import contextlib
import io
import logging
import math
import re
import shutil
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from uploads import sandbox

logger = logging.getLogger(__name__)

MB = 1024 * 1024
IMAGE_MAX_BYTES = 10 * MB
DOCUMENT_MAX_BYTES = 20 * MB
# Pixels decode to 4 bytes each: a 40 MP photo needs 160 MB at full size. JPEGs decode smaller
# (JPEG_MAX_SIDE); PNG and WebP (screenshots, diagrams) decode whole, so they get less.
MAX_PIXELS = {"JPEG": 40_000_000, "PNG": 24_000_000, "WEBP": 24_000_000}
# Photos (JPEG) are stored at most this many pixels on their long side, enough to read a
# whiteboard: a 40 MP phone photo decodes at half scale, in a quarter of the memory.
JPEG_MAX_SIDE = 4096
ZIP_MAX_ENTRIES = 1000
ZIP_MAX_TOTAL = 100 * MB
ZIP_MAX_RATIO = 100
# A member smaller than this cannot be a bomb whatever its ratio, and small XML parts full of
# repeated empty cells legitimately compress better than 100:1.
ZIP_RATIO_FLOOR = 1 * MB
# Parts read whole into memory (content types, document properties) are tiny in real files.
XML_PART_MAX = 5 * MB
PDF_MAX_OBJECTS = 500_000
# A PDF is parsed in a child process (uploads/sandbox.py) with these limits.
PDF_SECONDS = 15.0
PDF_MEMORY_MB = 512

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
_IMAGE_FORMAT = {"jpg": "jpeg", "jpeg": "jpeg", "png": "png", "webp": "webp"}
_PIL_FORMAT = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}
_OOXML_MAIN_PART = {
    "xlsx": "xl/workbook.xml",
    "docx": "word/document.xml",
    "pptx": "ppt/presentation.xml",
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
# Embedded parts Office writes for charts and pictures; anything else under embeddings/ is an
# OLE package or a macro-capable document that nobody here can inspect.
_SAFE_EMBEDDINGS = {"xlsx", "docx", "pptx", "emf", "wmf", "png", "jpeg", "jpg", "gif"}
_PDF_ACTIVE = {
    "/JavaScript": "JavaScript",
    "/JS": "JavaScript",
    "/Launch": "外部プログラムの起動",
    "/EmbeddedFile": "添付ファイル",
    "/EmbeddedFiles": "添付ファイル",
    "/RichMedia": "埋め込みメディア",
    # XFA forms carry their scripts inside XML, where a scan of PDF names cannot see them.
    "/XFA": "XFA フォーム",
}


@dataclass(frozen=True)
class CleanUpload:
    """A validated upload: the bytes to store and what to call and label them."""

    name: str
    content: bytes
    content_type: str
    kind: str


class UploadLike(Protocol):
    name: str | None
    size: int | None

    def read(self, size: int = ..., /) -> bytes: ...


def validate_upload(uploaded: UploadLike, *, kinds: Iterable[str] = ALL_KINDS) -> CleanUpload:
    """Check an uploaded file against the project's rules and return neutralised content."""
    kinds = frozenset(kinds)
    if not kinds or not kinds <= ALL_KINDS:
        raise ValueError(f"unknown upload kinds: {sorted(kinds - ALL_KINDS)}")
    try:
        return _validate(uploaded, kinds)
    except ValidationError:
        raise
    except Exception as exc:
        # Parsers meet hostile input here; any surprise must become a form error, never a 500.
        # Only the exception type is logged: file names and contents are personal data.
        logger.warning("upload rejected after unexpected %s", type(exc).__name__)
        raise ValidationError(
            _(
                "ファイルを読み込めませんでした。ファイルが壊れている可能性があります。"
                "元のアプリで開いて保存し直してからアップロードしてください。"
            ),
            code="unreadable",
        ) from exc


def _validate(uploaded: UploadLike, kinds: frozenset[str]) -> CleanUpload:
    name = safe_name(getattr(uploaded, "name", None) or "")
    extension = split_extension(name)[1]
    kind = _kind_for_extension(extension, kinds)
    limit = IMAGE_MAX_BYTES if kind == "image" else DOCUMENT_MAX_BYTES
    declared = getattr(uploaded, "size", None)
    if declared is not None and declared > limit:
        raise _too_large(kind, declared, limit)
    data = _read_capped(uploaded, kind, limit)
    if not data:
        raise ValidationError(
            _("ファイルが空です（0 バイト）。中身のあるファイルを選び直してください。"),
            code="empty",
        )
    if kind == "image":
        image_format = _IMAGE_FORMAT[extension]
        content = _clean_image(data, extension, image_format)
        return CleanUpload(name, content, CONTENT_TYPES[image_format], kind)
    if kind == "pdf":
        return CleanUpload(name, _clean_pdf_limited(data, extension), CONTENT_TYPES["pdf"], kind)
    return CleanUpload(name, _clean_ooxml(data, extension), CONTENT_TYPES[kind], kind)


# --- file names ---------------------------------------------------------------------------------

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


# --- extension, size and reading ----------------------------------------------------------------


def _allowed_list(kinds: frozenset[str]) -> str:
    return "、".join(f".{ext}" for ext, kind in KIND_BY_EXTENSION.items() if kind in kinds)


def _kind_for_extension(extension: str, kinds: frozenset[str]) -> str:
    allowed = _allowed_list(kinds)
    if not extension:
        raise ValidationError(
            _("ファイル名に拡張子がありません。登録できる形式は %(allowed)s です。"),
            code="no_extension",
            params={"allowed": allowed},
        )
    if extension in _HEIC_EXTENSIONS and "image" in kinds:
        raise _heic_error()
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


def _heic_error() -> ValidationError:
    return ValidationError(
        _(
            "HEIC 形式の写真はそのままでは登録できません。JPEG に変換してからアップロードしてください"
            "（iPhone では「設定」→「カメラ」→「フォーマット」で「互換性優先」を選ぶと JPEG で撮影されます）。"
        ),
        code="heic",
    )


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f} MB"


def _too_large(kind: str, size: int, limit: int) -> ValidationError:
    if kind == "image":
        message = _(
            "ファイルが大きすぎます（%(size)s）。画像は %(limit)s までです。"
            "画像を縮小してからアップロードしてください。"
        )
    else:
        message = _(
            "ファイルが大きすぎます（%(size)s）。文書は %(limit)s までです。"
            "画像を圧縮するか、ファイルを分割してからアップロードしてください。"
        )
    return ValidationError(
        message, code="too_large", params={"size": _megabytes(size), "limit": _megabytes(limit)}
    )


def _read_capped(uploaded: UploadLike, kind: str, limit: int) -> bytes:
    # The declared size can lie (or be missing), so the read itself stops one byte past the limit.
    chunks: Iterator[bytes]
    if hasattr(uploaded, "chunks"):
        chunks = uploaded.chunks()
    else:
        chunks = iter(lambda: uploaded.read(64 * 1024), b"")
    buffer = bytearray()
    for chunk in chunks:
        buffer += chunk
        if len(buffer) > limit:
            raise _too_large(kind, len(buffer), limit)
    return bytes(buffer)


# --- content sniffing ---------------------------------------------------------------------------

_SNIFF_LABELS = {
    "jpeg": "JPEG 画像",
    "png": "PNG 画像",
    "webp": "WebP 画像",
    "gif": "GIF 画像",
    "bmp": "BMP 画像",
    "tiff": "TIFF 画像",
    "heic": "HEIC 画像",
    "pdf": "PDF",
    "zip": "ZIP 形式のファイル",
    "ole": "古い形式の Office ファイル（.xls/.doc/.ppt）またはパスワード付きの Office ファイル",
    "exe": "実行ファイル（プログラム）",
    "elf": "実行ファイル（プログラム）",
    "html": "HTML",
    "svg": "SVG 画像",
    "xml": "XML",
    "rtf": "RTF 文書",
    "xlsx": "Excel ブック（.xlsx）",
    "docx": "Word 文書（.docx）",
    "pptx": "PowerPoint プレゼンテーション（.pptx）",
}
_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}


def _sniff(data: bytes) -> str | None:
    """Name the format the bytes really are, as far as the first bytes tell."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIC_BRANDS:
        return "heic"
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if data.startswith(b"MZ"):
        return "exe"
    if data.startswith(b"\x7fELF"):
        return "elf"
    if data.startswith(b"BM"):
        return "bmp"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if data.startswith(b"{\\rtf"):
        return "rtf"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<svg" in head:
        return "svg"
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script")):
        return "html"
    if head.startswith(b"<?xml"):
        return "xml"
    return None


def _mismatch(extension: str, actual: str | None) -> ValidationError:
    if actual in _SNIFF_LABELS:
        return ValidationError(
            _(
                "ファイルの中身が拡張子（.%(ext)s）と一致しません（中身は %(actual)s のようです）。"
                "正しい形式で保存し直してからアップロードしてください。"
            ),
            code="mismatch",
            params={"ext": extension, "actual": _SNIFF_LABELS[actual]},
        )
    return ValidationError(
        _(
            "ファイルの中身が拡張子（.%(ext)s）と一致しません。"
            "正しい形式で保存し直してからアップロードしてください。"
        ),
        code="mismatch",
        params={"ext": extension},
    )


def _broken(extension: str) -> ValidationError:
    return ValidationError(
        _(
            "ファイル（.%(ext)s）が壊れているため読み込めませんでした。"
            "元のアプリで開いて保存し直してからアップロードしてください。"
        ),
        code="broken",
        params={"ext": extension},
    )


# --- images -------------------------------------------------------------------------------------


def _clean_image(data: bytes, extension: str, image_format: str) -> bytes:
    actual = _sniff(data)
    if actual == "heic":
        raise _heic_error()
    if actual != image_format:
        raise _mismatch(extension, actual)
    pil_format = _PIL_FORMAT[image_format]
    # The filter is process-wide for a moment; the explicit pixel check below is the real guard
    # (40 MP is under Pillow's own warning threshold), so a race here cannot let a bomb through.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[pil_format]) as image:
                width, height = image.size
                if width * height > MAX_PIXELS[pil_format]:
                    raise _too_many_pixels(width, height, pil_format)
                _draft_large_jpeg(image)
                image.load()
                ImageOps.exif_transpose(image, in_place=True)
                clean = _pixels_only(image, pil_format)
                out = io.BytesIO()
                clean.save(out, format=pil_format, **_SAVE_OPTIONS[pil_format])
        except ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(*_header_size(data, pil_format), pil_format) from None
        except Exception as exc:
            raise ValidationError(
                _(
                    "画像を読み込めませんでした。ファイルが壊れている可能性があります。"
                    "画像を開いて保存し直してからアップロードしてください。"
                ),
                code="broken_image",
            ) from exc
    return out.getvalue()


def _draft_large_jpeg(image: Image.Image) -> None:
    """Have a JPEG larger than JPEG_MAX_SIDE decode at 1/2 or 1/4 scale, to a long side of
    2048–4096: the full-size pixels then never exist (draft mode scales inside the decoder)."""
    long_side = max(image.size)
    if image.format == "JPEG" and long_side > JPEG_MAX_SIDE:
        wanted = JPEG_MAX_SIDE // 2 / long_side
        image.draft(image.mode, (math.ceil(image.width * wanted), math.ceil(image.height * wanted)))


_SAVE_OPTIONS: dict[str, dict[str, Any]] = {
    "JPEG": {"quality": 90},
    "PNG": {"optimize": False},
    "WEBP": {"quality": 90, "method": 4},
}
_KEEP_MODES = {
    "JPEG": {"L", "RGB"},
    "PNG": {"1", "L", "LA", "P", "RGB", "RGBA", "I;16"},
    "WEBP": {"RGB", "RGBA"},
}


def _too_many_pixels(width: int, height: int, pil_format: str) -> ValidationError:
    params = {"limit": f"{MAX_PIXELS[pil_format] // 10_000:,}"}
    if not width or not height:
        return ValidationError(
            _(
                "画像の画素数が多すぎます。%(limit)s 万画素以下に縮小してからアップロードしてください。"
            ),
            code="too_many_pixels",
            params=params,
        )
    return ValidationError(
        _(
            "画像の画素数が多すぎます（%(width)s×%(height)s）。"
            "%(limit)s 万画素以下に縮小してからアップロードしてください。"
        ),
        code="too_many_pixels",
        params={**params, "width": f"{width:,}", "height": f"{height:,}"},
    )


def _header_size(data: bytes, pil_format: str) -> tuple[int, int]:
    """Read the size for the message by calling the format's opener, which has no bomb check."""
    factory = Image.OPEN[pil_format][0]
    try:
        with factory(io.BytesIO(data)) as image:
            return image.size
    except Exception:
        return 0, 0


def _pixels_only(image: Image.Image, pil_format: str) -> Image.Image:
    """Return the pixels in sRGB and a mode the format can store, with every metadata key dropped."""
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "RGBA", "CMYK"):
        # Phones shoot in Display P3; the profile goes with the metadata, so convert first.
        # An unusable profile only costs colour accuracy, so the pixels go through unconverted.
        with contextlib.suppress(Exception):
            image = ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                ImageCms.createProfile("sRGB"),
                outputMode="RGBA" if image.mode == "RGBA" else "RGB",
            )
    if "transparency" in image.info and image.mode in ("1", "L", "P", "RGB"):
        # Transparency of these modes lives in info, which is about to be emptied.
        image = image.convert("RGBA")
    if image.mode not in _KEEP_MODES[pil_format]:
        has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La")
        image = image.convert("RGBA" if has_alpha and pil_format != "JPEG" else "RGB")
    # Savers copy some keys from info (JPEG comments, PNG ICC profiles); leave them nothing.
    image.info.clear()
    return image


# --- OOXML (xlsx, docx, pptx) -------------------------------------------------------------------


def _archive_error(reason: str) -> ValidationError:
    return ValidationError(
        _(
            "このファイルは安全に開けない構造のため登録できません（%(reason)s）。"
            "元のアプリで開いて、通常の形式で保存し直してからアップロードしてください。"
        ),
        code="unsafe_archive",
        params={"reason": reason},
    )


def _macro_error(extension: str) -> ValidationError:
    return ValidationError(
        _(
            "マクロ（VBA）を含むファイルは登録できません。"
            "マクロを削除し、.%(ext)s 形式で保存し直してからアップロードしてください。"
        ),
        code="macro",
        params={"ext": extension},
    )


def _embedded_error() -> ValidationError:
    return ValidationError(
        _(
            "埋め込みオブジェクト（ActiveX コントロールや OLE オブジェクト）を含むファイルは登録できません。"
            "埋め込みオブジェクトを削除して保存し直してからアップロードしてください。"
        ),
        code="embedded_object",
    )


def _clean_ooxml(data: bytes, extension: str) -> bytes:
    actual = _sniff(data)
    if actual != "zip":
        raise _mismatch(extension, actual)
    # ZipFile builds an object per central-directory record, and each record starts with this
    # signature, so counting it bounds the work before zipfile reads anything.
    if data.count(b"PK\x01\x02") > ZIP_MAX_ENTRIES:
        raise _archive_error(_("内部のファイル数が上限の 1,000 個を超えています"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:
        raise _broken(extension) from exc
    with archive:
        infos = archive.infolist()
        _check_members(infos, extension)
        names = {info.filename for info in infos}
        found = next((k for k, part in _OOXML_MAIN_PART.items() if part in names), None)
        if found != extension:
            raise _mismatch(extension, found or "zip")
        if "[Content_Types].xml" not in names:
            raise _broken(extension)
        try:
            # Every part that is XML, whatever its name: relationships can point a parser at
            # strings.dat as easily as at sharedStrings.xml.
            for info in infos:
                with archive.open(info) as member:
                    head = member.read(64)
                if info.filename.lower().endswith((".xml", ".rels")) or _looks_like_xml(head):
                    _reject_dtd(archive, info)
            _check_content_types(_read_xml_part(archive, "[Content_Types].xml"), extension)
            for info in infos:
                lower = info.filename.lower()
                if lower.endswith(".rels"):
                    _check_relationships(_read_xml_part(archive, info.filename))
                elif lower.startswith("xl/externallinks/") and lower.endswith(".xml"):
                    _check_external_link(_read_xml_part(archive, info.filename))
            if extension == "xlsx":
                _check_workbook_cost(archive, infos)
            content = _rewrite_without_personal_metadata(archive, infos)
        except ValidationError:
            raise
        except DefusedXmlException as exc:
            raise _dtd_error() from exc
        except Exception as exc:
            raise _broken(extension) from exc
    _prove_parses(content, extension)
    return content


def _check_members(infos: list[zipfile.ZipInfo], extension: str) -> None:
    if len(infos) > ZIP_MAX_ENTRIES:
        raise _archive_error(_("内部のファイル数が上限の 1,000 個を超えています"))
    if sum(info.file_size for info in infos) > ZIP_MAX_TOTAL:
        raise _archive_error(_("展開後のサイズが上限の 100 MB を超えています"))
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        parts = re.split(r"[/\\]", name)
        if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name) or ".." in parts:
            raise _archive_error(_("内部に不正なパス名があります"))
        # Office matches part names case-insensitively; two spellings of one part are ambiguous.
        if name.lower() in seen:
            raise _archive_error(_("内部に同じ名前のファイルが重複しています"))
        seen.add(name.lower())
        if info.flag_bits & 0x1 or info.compress_type not in (
            zipfile.ZIP_STORED,
            zipfile.ZIP_DEFLATED,
        ):
            raise _broken(extension)
        if info.file_size > ZIP_RATIO_FLOOR and info.file_size > ZIP_MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise _archive_error(_("圧縮率が異常に高い部品があります"))
        lower = name.lower()
        base = parts[-1].lower()
        if base in ("vbaproject.bin", "vbadata.xml", "vbaprojectsignature.bin") or re.search(
            r"(^|/)(macrosheets|dialogsheets)/", lower
        ):
            raise _macro_error(extension)
        if "/activex/" in f"/{lower}":
            raise _embedded_error()
        if lower.endswith(".bin") and "/printersettings/" not in f"/{lower}":
            raise _embedded_error()
        if "/embeddings/" in f"/{lower}" and base.rsplit(".", 1)[-1] not in _SAFE_EMBEDDINGS:
            raise _embedded_error()


class _RootReached(Exception):
    pass


class _StopAtRoot:
    """Parser target that stops at the root element: a DTD, and so any entity, only comes before."""

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        raise _RootReached

    def close(self) -> None:
        return None


def _looks_like_xml(head: bytes) -> bool:
    return head.startswith((b"\xff\xfe", b"\xfe\xff")) or head.lstrip(
        b"\xef\xbb\xbf \t\r\n"
    ).startswith(b"<")


def _reject_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Reject a member with a DOCTYPE, reading only its prolog."""
    # Small feeds so that parsing stops at the root tag: Excel's VML parts are not well-formed
    # further in, and only the prolog matters here.
    parser = SafeET.DefusedXMLParser(target=_StopAtRoot(), forbid_dtd=True)
    with archive.open(info) as member:
        try:
            while chunk := member.read(512):
                parser.feed(chunk)
            parser.close()
        except _RootReached:
            return


def _dtd_error() -> ValidationError:
    return ValidationError(
        _(
            "ファイル内の XML に DTD（独自のエンティティ定義や外部参照）が含まれているため登録できません。"
            "元のアプリで開いて、通常の形式で保存し直してからアップロードしてください。"
        ),
        code="xml_dtd",
    )


def _read_xml_part(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > XML_PART_MAX:
        raise _archive_error(_("文書情報の部品が大きすぎます"))
    return archive.read(info)


def _check_content_types(xml: bytes, extension: str) -> None:
    root = SafeET.fromstring(xml, forbid_dtd=True)
    for element in root.iter():
        content_type = (element.get("ContentType") or "").lower()
        if "macroenabled" in content_type or "vbaproject" in content_type:
            raise _macro_error(extension)
        if "activex" in content_type:
            raise _embedded_error()


# Office follows external relationships of other types by itself when the file opens: remote
# templates (how macros are smuggled into a .docx), linked pictures and OLE links leak the
# reader's address and Windows credentials. Hyperlinks wait for a click; Excel asks before
# updating links to other workbooks.
_EXTERNAL_ALLOWED = ("/hyperlink", "/externalLinkPath")


def _check_relationships(xml: bytes) -> None:
    root = SafeET.fromstring(xml, forbid_dtd=True)
    for relationship in root.iter():
        if (relationship.get("TargetMode") or "").lower() != "external":
            continue
        if not (relationship.get("Type") or "").endswith(_EXTERNAL_ALLOWED):
            raise ValidationError(
                _(
                    "外部のファイルやサーバーを自動で読み込む設定（外部テンプレートやリンクされた画像など）"
                    "を含むファイルは登録できません。リンクを解除して保存し直してからアップロードしてください。"
                ),
                code="external_reference",
            )


def _check_external_link(xml: bytes) -> None:
    # A DDE link makes Excel offer to start another program (ddeService="cmd") on opening.
    root = SafeET.fromstring(xml, forbid_dtd=True)
    if any(_local(element.tag) in ("ddeLink", "oleLink") for element in root.iter()):
        raise ValidationError(
            _(
                "他のプログラムを呼び出すリンク（DDE/OLE リンク）を含むファイルは登録できません。"
                "リンクを解除して保存し直してからアップロードしてください。"
            ),
            code="dde_link",
        )


# openpyxl, which the preview uses, builds an object per shared string (about 25 µs each here)
# and, in read-only mode, parses a whole sheet on opening when it lacks a <dimension> element.
# A 19 MB upload with 3 million short strings took 100 s and over 700 MB [measured here].
XLSX_SHARED_STRINGS_MAX = 100_000
XLSX_UNDIMENSIONED_SHEET_MAX = 10 * MB


def _check_workbook_cost(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    for info in infos:
        if not info.filename.lower().startswith("xl/"):
            continue
        with archive.open(info) as member:
            head = member.read(64 * 1024)
        root = re.search(rb"<([\w.-]+:)?(sst|worksheet)[\s>]", head)
        if root is None:
            continue
        if root[2] == b"sst" and _too_many_shared_strings(archive, info, root[1] or b""):
            raise _archive_error(
                _("セルの文字データが多すぎます。共有文字列が 10 万件を超えています")
            )
        if (
            root[2] == b"worksheet"
            and info.file_size > XLSX_UNDIMENSIONED_SHEET_MAX
            and b"dimension" not in head.split(b"sheetData", 1)[0]
        ):
            raise _archive_error(_("大きなシートに範囲情報「dimension」がありません"))


def _too_many_shared_strings(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, prefix: bytes
) -> bool:
    """Count <si> items as the part streams by, stopping as soon as the cap is passed."""
    tokens = [b"<" + prefix + b"si" + end for end in (b">", b" ", b"/", b"\t", b"\r", b"\n")]
    count, tail = 0, b""
    with archive.open(info) as member:
        while chunk := member.read(256 * 1024):
            # Carry the last bytes over so a tag split across two chunks is counted once.
            window = tail + chunk
            count += sum(window.count(t) - tail.count(t) for t in tokens)
            if count > XLSX_SHARED_STRINGS_MAX:
                return True
            tail = window[-64:]
    return False


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


_PERSONAL_PROPERTIES = {
    "docprops/core.xml": ("creator", "lastModifiedBy"),
    "docprops/app.xml": ("Company", "Manager"),
}
_EMPTY_PROPERTIES = {
    "docprops/core.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        b'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"/>'
    ),
    "docprops/app.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'extended-properties"/>'
    ),
}
# Custom properties are whatever the author typed (担当者, 顧客名 …): all of them go.
_CUSTOM_PROPERTIES = "docprops/custom.xml"
_EMPTY_CUSTOM_PROPERTIES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"/>'
)
# Review features name people: comment and tracked-change authors (w:author, w:initials), the
# people lists Office keeps for them with sign-in addresses (userId, displayName), workbook
# comment authors (<author>) and slide comment authors (name= in the authors' parts).
_REVIEW_PARTS = re.compile(
    r"word/[^/]+\.xml|xl/comments[^/]*(?:/[^/]+)?\.xml|xl/(?:threadedcomments|persons)/[^/]+\.xml"
    r"|ppt/(?:commentauthors|authors)\.xml|ppt/comments/[^/]+\.xml"
)
_AUTHORS_PARTS = re.compile(r"ppt/(?:commentauthors|authors)\.xml")
_PERSON_ATTRIBUTE = re.compile(
    rb"(\s(?:[\w.-]+:)?(?:author|initials|userId|displayName|providerId)\s*=\s*)"
    rb"(?:\"[^\"]*\"|'[^']*')"
)
_NAME_ATTRIBUTE = re.compile(rb"(\s(?:[\w.-]+:)?name\s*=\s*)(?:\"[^\"]*\"|'[^']*')")
_AUTHOR_ELEMENT = re.compile(rb"(<((?:[\w.-]+:)?)author(?:\s[^>]*)?>)[^<]*(</\2author\s*>)")
ANONYMOUS = "匿名".encode()
# Fixed timestamps: member dates say when and, with the time zone, roughly where it was edited.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _without_reviewers(xml: bytes, key: str) -> bytes:
    """The part with every reviewer's name and address replaced by 匿名."""
    xml = _PERSON_ATTRIBUTE.sub(rb'\1"' + ANONYMOUS + rb'"', xml)
    if _AUTHORS_PARTS.fullmatch(key):
        xml = _NAME_ATTRIBUTE.sub(rb'\1"' + ANONYMOUS + rb'"', xml)
    return _AUTHOR_ELEMENT.sub(rb"\1" + ANONYMOUS + rb"\3", xml)


def _rewrite_without_personal_metadata(
    archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]
) -> bytes:
    """Copy every part into a fresh zip, emptying the author and company properties, the custom
    properties and the names of comment and tracked-change authors."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in infos:
            copy = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            copy.compress_type = zipfile.ZIP_DEFLATED
            copy.file_size = info.file_size
            key = info.filename.lower()
            if key in _PERSONAL_PROPERTIES:
                xml = _read_xml_part(archive, info.filename)
                target.writestr(copy, _empty_properties(xml, key))
                continue
            if key == _CUSTOM_PROPERTIES:
                target.writestr(copy, _EMPTY_CUSTOM_PROPERTIES)
                continue
            if _REVIEW_PARTS.fullmatch(key):
                target.writestr(copy, _without_reviewers(archive.read(info), key))
                continue
            # Streaming keeps memory flat; reading to the end also checks each member's CRC.
            with archive.open(info) as source, target.open(copy, "w") as sink:
                shutil.copyfileobj(source, sink, 1024 * 1024)
    return out.getvalue()


def _empty_properties(xml: bytes, key: str) -> bytes:
    names = _PERSONAL_PROPERTIES[key]
    SafeET.fromstring(xml, forbid_dtd=True)
    # A textual edit keeps every other byte, and so every namespace prefix, exactly as Office wrote
    # it; re-serialising through ElementTree would rename prefixes that attribute values refer to.
    for name in names:
        tag = name.encode()
        pattern = re.compile(
            rb"<((?:[\w.-]+:)?)" + tag + rb"(\s[^>]*)?(?<!/)>.*?</\1" + tag + rb"\s*>", re.S
        )
        xml = pattern.sub(rb"<\1" + tag + rb"\2/>", xml)
    try:
        root = SafeET.fromstring(xml, forbid_dtd=True)
        leftover = any(
            _local(element.tag) in names and ((element.text or "").strip() or len(element))
            for element in root.iter()
        )
    except Exception:
        leftover = True
    # Unusual encodings or layouts defeat the textual edit; then drop every property instead.
    return _EMPTY_PROPERTIES[key] if leftover else xml


def _prove_parses(content: bytes, extension: str) -> None:
    # Imported here: preview imports openpyxl, which is slow to load and only needed for documents.
    from uploads import preview

    try:
        if extension == "xlsx":
            preview.xlsx_sheets(content)
        elif extension == "docx":
            preview.docx_paragraphs(content)
        else:
            preview.pptx_slides(content)
    except Exception as exc:
        raise _broken(extension) from exc


# --- PDF ----------------------------------------------------------------------------------------


def _clean_pdf_limited(data: bytes, extension: str) -> bytes:
    """_clean_pdf with a time and memory limit: a PDF that makes the parser loop costs no more."""
    try:
        return sandbox.run_limited(
            lambda content: _clean_pdf(content, extension),
            data,
            seconds=PDF_SECONDS,
            memory_mb=PDF_MEMORY_MB,
        )
    except sandbox.LimitExceeded as exc:
        logger.warning("PDF refused: %s", exc)
        raise ValidationError(
            _(
                "この PDF は解析に時間かメモリーがかかりすぎるため登録できません。"
                "「PDF として印刷」などで保存し直してからアップロードしてください。"
            ),
            code="pdf_too_costly",
        ) from exc


def _clean_pdf(data: bytes, extension: str) -> bytes:
    actual = _sniff(data)
    if actual != "pdf":
        raise _mismatch(extension, actual)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _(
                    "パスワードで保護された PDF は登録できません。"
                    "パスワード（保護）を解除してからアップロードしてください。"
                ),
                code="encrypted",
            )
        if len(reader.pages) == 0:
            raise _broken(extension)
        active = _pdf_active_content(reader.trailer)
        if active:
            raise ValidationError(
                _(
                    "動的な要素（%(what)s）を含む PDF は登録できません。"
                    "「PDF として印刷」などで保存し直してからアップロードしてください。"
                ),
                code="pdf_active_content",
                params={"what": active},
            )
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None
        _drop_pdf_metadata(writer.root_object)
        # Cloning copied the old /Info dictionary and XMP streams; unreferenced now, they would
        # still be written out unless orphans are removed.
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        out = io.BytesIO()
        writer.write(out)
    except ValidationError:
        raise
    except Exception as exc:
        raise _broken(extension) from exc
    return out.getvalue()


def _walk_pdf(start: Any) -> Iterator[Any]:
    """Yield every object reachable from start once, resolving indirect references."""
    stack = [start]
    seen: set[tuple[int, int]] = set()
    count = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        count += 1
        if count > PDF_MAX_OBJECTS:
            raise ValueError("PDF has too many objects")
        yield item
        if isinstance(item, DictionaryObject):
            stack.extend(dict.values(item))
        elif isinstance(item, ArrayObject):
            stack.extend(list.__iter__(item))


def _pdf_active_content(trailer: DictionaryObject) -> str | None:
    # pypdf decodes #xx escapes in names, so /J#61vaScript is seen as /JavaScript.
    for item in _walk_pdf(trailer):
        if isinstance(item, DictionaryObject):
            for key in dict.keys(item):
                if key in _PDF_ACTIVE:
                    return _PDF_ACTIVE[key]
        elif isinstance(item, NameObject) and item in _PDF_ACTIVE:
            return _PDF_ACTIVE[item]
    return None


def _drop_pdf_metadata(root: DictionaryObject) -> None:
    for item in _walk_pdf(root):
        if isinstance(item, DictionaryObject):
            # XMP packets (document, page and image level) and application private data.
            for key in ("/Metadata", "/PieceInfo"):
                if key in item:
                    del item[key]
