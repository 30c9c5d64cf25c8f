"""PDF: active content refused, metadata removed, parsed in a child process with limits."""

import io
import logging
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from uploads import sandbox

from . import errors
from .limits import PDF_MAX_OBJECTS, PDF_MEMORY_MB, PDF_SECONDS
from .sniffing import sniff

logger = logging.getLogger("uploads.validation")  # the name it always logged under

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


def clean_pdf_limited(data: bytes, extension: str) -> bytes:
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
    actual = sniff(data)
    if actual != "pdf":
        raise errors.mismatch(extension, actual)
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
            raise errors.broken(extension)
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
        raise errors.broken(extension) from exc
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
