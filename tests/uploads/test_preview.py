"""Previews of validated xlsx, docx and pptx content."""

import datetime
import io

import openpyxl
import pytest
from defusedxml import DefusedXmlException

from tests.uploads import hostile
from uploads.preview import display_value, docx_paragraphs, pptx_slides, xlsx_sheets


def _workbook(rows: int, cols: int) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for r in range(1, rows + 1):
        sheet.append([f"{r}-{c}" for c in range(1, cols + 1)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_xlsx_sheets_marks_hidden_sheets():
    sheets = xlsx_sheets(hostile.xlsx_bytes())
    assert [(s.name, s.hidden) for s in sheets] == [("訪問記録", False), ("作業用", True)]
    assert sheets[1].rows == [["内部メモ"]]
    assert not sheets[0].truncated


def test_xlsx_sheets_truncates_rows_and_columns():
    content = _workbook(rows=10, cols=5)
    sheet = xlsx_sheets(content, max_rows=3, max_cols=2)[0]
    assert sheet.rows == [["1-1", "1-2"], ["2-1", "2-2"], ["3-1", "3-2"]]
    assert sheet.truncated
    assert xlsx_sheets(content, max_rows=10, max_cols=5)[0].truncated is False
    assert xlsx_sheets(content, max_rows=10, max_cols=4)[0].truncated is True


def test_xlsx_sheets_pads_ragged_rows_and_drops_trailing_blanks():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"] = "a"
    sheet["C2"] = 3
    sheet["A5"] = None
    out = io.BytesIO()
    workbook.save(out)
    assert xlsx_sheets(out.getvalue())[0].rows == [["a", "", ""], ["", "", "3"]]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, ""),
        (True, "TRUE"),
        (datetime.datetime(2025, 4, 1), "2025-04-01"),
        (datetime.datetime(2025, 4, 1, 9, 5), "2025-04-01 09:05"),
        (datetime.date(205, 1, 2), "0205-01-02"),
        (datetime.time(9, 30), "09:30"),
        (datetime.time(9, 30, 15), "09:30:15"),
        (3.0, "3"),
        (0.1 + 0.2, "0.3"),
        (12, "12"),
        ("#DIV/0!", "#DIV/0!"),
    ],
)
def test_display_value(value, shown):
    assert display_value(value) == shown


def test_docx_paragraphs_limit():
    assert docx_paragraphs(hostile.docx_bytes(), limit=2) == [
        "第1回 訪問報告",
        "経営課題の 整理を行った。",
    ]


def _docx_with_body(body: str) -> bytes:
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    document = (
        f'<w:document xmlns:w="{w}" xmlns:mc="{mc}"><w:body>{body}</w:body></w:document>'
    ).encode()
    return hostile.rezip(hostile.docx_bytes(), replace={"word/document.xml": document})


def test_docx_text_boxes_are_not_read_twice():
    body = (
        "<w:p><w:r><w:t>本文</w:t></w:r><w:r><mc:AlternateContent>"
        "<mc:Choice><w:txbxContent><w:p><w:r><w:t>枠内</w:t></w:r></w:p></w:txbxContent></mc:Choice>"
        "<mc:Fallback><w:txbxContent><w:p><w:r><w:t>枠内</w:t></w:r></w:p></w:txbxContent></mc:Fallback>"
        "</mc:AlternateContent></w:r></w:p>"
    )
    assert docx_paragraphs(_docx_with_body(body)) == ["枠内", "本文"]


def test_docx_tabs_and_breaks():
    body = "<w:p><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t></w:r></w:p>"
    assert docx_paragraphs(_docx_with_body(body)) == ["a\tb\nc"]


def test_preview_xml_is_parsed_with_defusedxml():
    document = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&e;</w:t></w:r></w:p></w:body></w:document>"
    )
    content = hostile.rezip(hostile.docx_bytes(), replace={"word/document.xml": document})
    with pytest.raises(DefusedXmlException):
        docx_paragraphs(content)


def test_pptx_slides_fall_back_to_file_order_without_a_presentation_list():
    content = hostile.rezip(
        hostile.pptx_bytes(),
        replace={"ppt/_rels/presentation.xml.rels": b"<Relationships xmlns='x'/>"},
    )
    assert pptx_slides(content) == [["二枚目", "まとめ"], ["一枚目", "支援の流れ"]]
