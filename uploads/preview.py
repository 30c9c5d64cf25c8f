"""Text previews of validated Office documents, for showing attachments without downloading them."""

import datetime
import io
import posixpath
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

import defusedxml.ElementTree as SafeET
import openpyxl

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Word and PowerPoint write text boxes twice, as DrawingML (Choice) and as VML (Fallback).
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


@dataclass(frozen=True)
class Sheet:
    """One worksheet as display strings: at most max_rows × max_cols, hidden sheets marked."""

    name: str
    rows: list[list[str]]
    truncated: bool
    hidden: bool = False


def xlsx_sheets(content: bytes, *, max_rows: int = 200, max_cols: int = 30) -> list[Sheet]:
    """Return every worksheet's first rows and columns as strings (cached formula results)."""
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        return [_sheet(ws, max_rows, max_cols) for ws in workbook.worksheets]
    finally:
        workbook.close()  # read-only mode keeps the zip open until told otherwise


def _sheet(ws: Any, max_rows: int, max_cols: int) -> Sheet:
    rows: list[list[str]] = []
    truncated = False
    # One row and one column beyond the limits tell whether anything was cut off.
    for index, values in enumerate(
        ws.iter_rows(max_row=max_rows + 1, max_col=max_cols + 1, values_only=True)
    ):
        if index == max_rows:
            truncated = True
            break
        if any(value is not None for value in values[max_cols:]):
            truncated = True
        rows.append([display_value(value) for value in values[:max_cols]])
    while rows and not any(rows[-1]):
        rows.pop()
    width = max((_used_width(row) for row in rows), default=0)
    return Sheet(
        name=ws.title,
        rows=[row[:width] + [""] * (width - len(row[:width])) for row in rows],
        truncated=truncated,
        hidden=ws.sheet_state != "visible",
    )


def _used_width(row: list[str]) -> int:
    return next((i + 1 for i in range(len(row) - 1, -1, -1) if row[i]), 0)


def display_value(value: Any) -> str:
    """Format a cell value the way a reader expects to see it (dates as YYYY-MM-DD)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return f"{value.date().isoformat()} {value:%H:%M}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return f"{value:%H:%M:%S}" if value.second else f"{value:%H:%M}"
    if isinstance(value, float):
        # Excel stores every number as a double; 3.0 is what people typed as 3.
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.15g}"
    return str(value)


def docx_paragraphs(content: bytes, *, limit: int = 500) -> list[str]:
    """Return the non-empty paragraphs of a Word document in order, table cells included."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive, archive.open("word/document.xml") as xml:
        return _paragraphs(
            xml,
            paragraph=_W + "p",
            text=_W + "t",
            tabs={_W + "tab", _W + "ptab"},
            breaks={_W + "br", _W + "cr"},
            properties={_W + "pPr", _W + "rPr"},
            limit=limit,
        )


def pptx_slides(content: bytes, *, limit: int = 200) -> list[list[str]]:
    """Return each slide's non-empty paragraphs, in presentation order."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        slides = []
        for name in _slide_names(archive)[:limit]:
            with archive.open(name) as xml:
                slides.append(
                    _paragraphs(
                        xml,
                        paragraph=_A + "p",
                        text=_A + "t",
                        tabs=set(),
                        breaks={_A + "br"},
                        properties=set(),
                        limit=1000,
                    )
                )
        return slides


def _slide_names(archive: zipfile.ZipFile) -> list[str]:
    names = set(archive.namelist())
    try:
        presentation = SafeET.fromstring(archive.read("ppt/presentation.xml"), forbid_dtd=True)
        rels = SafeET.fromstring(archive.read("ppt/_rels/presentation.xml.rels"), forbid_dtd=True)
    except KeyError:
        presentation = rels = None
    if presentation is not None and rels is not None:
        targets = {
            rel.get("Id"): rel.get("Target", "") for rel in rels.iter(_PKG_REL + "Relationship")
        }
        ordered = []
        for slide_id in presentation.iter(_P + "sldId"):
            target = targets.get(slide_id.get(_R + "id"), "")
            # Targets are relative to ppt/ unless they start with a slash.
            name = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(f"ppt/{target}")
            )
            if name in names:
                ordered.append(name)
        if ordered:
            return ordered
    numbered = [n for n in names if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)]
    return sorted(numbered, key=lambda n: int(re.sub(r"\D", "", n.rsplit("/", 1)[-1])))


def _paragraphs(
    source: IO[bytes],
    *,
    paragraph: str,
    text: str,
    tabs: Iterable[str],
    breaks: Iterable[str],
    properties: Iterable[str],
    limit: int,
) -> list[str]:
    tabs, breaks, properties = set(tabs), set(breaks), set(properties)
    result: list[str] = []
    open_paragraphs: list[list[str]] = []
    skipped = 0  # depth inside mc:Fallback or paragraph/run properties (tab stops are not tabs)
    for event, element in SafeET.iterparse(source, events=("start", "end"), forbid_dtd=True):
        tag = element.tag
        if tag == _MC_FALLBACK or tag in properties:
            skipped += 1 if event == "start" else -1
            continue
        if skipped:
            continue
        if event == "start":
            if tag == paragraph:
                open_paragraphs.append([])
            continue
        if open_paragraphs:
            if tag == text and element.text:
                open_paragraphs[-1].append(element.text)
            elif tag in tabs:
                open_paragraphs[-1].append("\t")
            elif tag in breaks:
                open_paragraphs[-1].append("\n")
        if tag == paragraph and open_paragraphs:
            line = "".join(open_paragraphs.pop()).strip()
            element.clear()  # keeps memory flat on long documents
            if line:
                result.append(line)
                if len(result) >= limit:
                    break
    return result
