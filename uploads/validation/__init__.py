"""Validate uploaded files and return neutralised bytes that are safe to store and serve.

`validate_upload` is the one way in. The checks live in the modules of this package, along the
seams of the work: limits, names (and the kind a name says), sniffing (what the bytes are),
images, OOXML (xlsx, docx, pptx), PDF, and the refusals they share (errors).
"""

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import errors
from .images import IMAGE_FORMAT, clean_image
from .limits import (
    DOCUMENT_MAX_BYTES,
    IMAGE_MAX_BYTES,
    JPEG_MAX_SIDE,
    MAX_PIXELS,
    MB,
    PDF_MAX_OBJECTS,
    PDF_MEMORY_MB,
    PDF_SECONDS,
    XLSX_SHARED_STRINGS_MAX,
    XLSX_UNDIMENSIONED_SHEET_MAX,
    XML_PART_MAX,
    ZIP_MAX_ENTRIES,
    ZIP_MAX_RATIO,
    ZIP_MAX_TOTAL,
    ZIP_RATIO_FLOOR,
)
from .names import (
    ALL_KINDS,
    CONTENT_TYPES,
    DOCUMENT_KINDS,
    IMAGE_KINDS,
    KIND_BY_EXTENSION,
    kind_for_extension,
    safe_name,
    split_extension,
)
from .ooxml import ANONYMOUS, clean_ooxml
from .pdf import clean_pdf_limited

logger = logging.getLogger(__name__)

# The names callers import from uploads.validation (the package's public surface).
__all__ = [
    "ALL_KINDS",
    "ANONYMOUS",
    "CONTENT_TYPES",
    "DOCUMENT_KINDS",
    "DOCUMENT_MAX_BYTES",
    "IMAGE_KINDS",
    "IMAGE_MAX_BYTES",
    "JPEG_MAX_SIDE",
    "KIND_BY_EXTENSION",
    "MAX_PIXELS",
    "MB",
    "PDF_MAX_OBJECTS",
    "PDF_MEMORY_MB",
    "PDF_SECONDS",
    "XLSX_SHARED_STRINGS_MAX",
    "XLSX_UNDIMENSIONED_SHEET_MAX",
    "XML_PART_MAX",
    "ZIP_MAX_ENTRIES",
    "ZIP_MAX_RATIO",
    "ZIP_MAX_TOTAL",
    "ZIP_RATIO_FLOOR",
    "CleanUpload",
    "UploadLike",
    "safe_name",
    "split_extension",
    "validate_upload",
]


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
    kind = kind_for_extension(extension, kinds)
    limit = IMAGE_MAX_BYTES if kind == "image" else DOCUMENT_MAX_BYTES
    declared = getattr(uploaded, "size", None)
    if declared is not None and declared > limit:
        raise errors.too_large(kind, declared, limit)
    data = _read_capped(uploaded, kind, limit)
    if not data:
        raise ValidationError(
            _("ファイルが空です（0 バイト）。中身のあるファイルを選び直してください。"),
            code="empty",
        )
    if kind == "image":
        image_format = IMAGE_FORMAT[extension]
        content = clean_image(data, extension, image_format)
        return CleanUpload(name, content, CONTENT_TYPES[image_format], kind)
    if kind == "pdf":
        return CleanUpload(name, clean_pdf_limited(data, extension), CONTENT_TYPES["pdf"], kind)
    return CleanUpload(name, clean_ooxml(data, extension), CONTENT_TYPES[kind], kind)


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
            raise errors.too_large(kind, len(buffer), limit)
    return bytes(buffer)
