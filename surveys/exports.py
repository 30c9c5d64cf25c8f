"""Survey answers as CSV and XLSX; no cell that came from user text can become a formula."""

import csv
import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from .questions import QUESTIONS

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")


def safe_cell(value) -> str:
    """Text for a spreadsheet cell; a leading formula trigger is neutralised with a quote."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def header() -> list[str]:
    return [
        "案件番号",
        "派遣先企業",
        "要請機関",
        "訪問回",
        "訪問日",
        "回答日時",
        *[f"Q{q.number} {q.text}" for q in QUESTIONS],
    ]


def rows(responses):
    for r in responses:
        visit = r.survey.visit
        engagement = visit.engagement
        answers = []
        for q in QUESTIONS:
            value = getattr(r, q.field)
            answers.append("／".join(q.label(v) for v in value) if q.multiple else q.label(value))
        yield [
            engagement.code,
            engagement.company.name,
            engagement.requesting_body.name if engagement.requesting_body else "",
            visit.number,
            visit.scheduled_on.isoformat() if visit.scheduled_on else "",
            timezone.localtime(r.answered_at).strftime("%Y-%m-%d %H:%M"),
            *answers,
        ]


def as_csv(responses) -> bytes:
    """UTF-8 with a byte-order mark, so Excel in Japan opens it without garbling."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header())
    for row in rows(responses):
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(responses) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("回答")
    sheet.append(header())
    for row in rows(responses):
        sheet.append([v if isinstance(v, int) else _text_cell(sheet, v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _text_cell(sheet, value):
    cell = WriteOnlyCell(sheet, value=safe_cell(value))
    # openpyxl turns any string starting with "=" into a formula; force the string type too.
    cell.data_type = "s"
    return cell
