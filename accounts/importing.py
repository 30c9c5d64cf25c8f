"""Reading and checking a sheet of people to invite (CSV in UTF-8 or Shift_JIS, or XLSX).

Every row is checked before anything is saved, and every problem is reported as
「N 行目: 列名: 理由」 so that the secretariat can fix the whole sheet in one go.
"""

import csv
import difflib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from core.text import has_control_characters

from . import roles
from .models import Organisation, User

EMAIL = "メールアドレス"
NAME = "氏名"
ORGANISATION = "所属組織"
ROLES = "役割"
JOB_TITLE = "役職"
COLUMNS = (EMAIL, NAME, ORGANISATION, ROLES, JOB_TITLE)
REQUIRED_COLUMNS = (EMAIL, NAME, ROLES)

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 500
# An .xlsx is a zip: its table of contents is checked before openpyxl unpacks anything.
MAX_ZIP_ENTRIES = 1000
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_RATIO = 100

# NFKC has already turned ／ ； ， into / ; , by the time this splits.
ROLE_SEPARATORS = re.compile(r"[/;,、・]")


class SheetError(Exception):
    """The file as a whole cannot be read; nothing in it was looked at row by row."""


@dataclass
class PlannedUser:
    line: int
    email: str
    display_name: str
    organisation: Organisation | None
    roles: list[str]
    job_title: str


@dataclass
class ImportPlan:
    """What a sheet would do: people to create, rows skipped with a note, and problems."""

    users: list[PlannedUser] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def nfkc(value) -> str:
    return unicodedata.normalize("NFKC", str(value or "")).strip()


def _name_key(value: str) -> str:
    return "".join(nfkc(value).split())


def _decode_csv(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # Excel in Japanese saves "CSV" as Shift_JIS; cp932 is Microsoft's superset of it.
        return data.decode("cp932")
    except UnicodeDecodeError as exc:
        raise SheetError(
            _("文字コードを判別できません。UTF-8 または Shift_JIS の CSV で保存してください。")
        ) from exc


def _csv_rows(data: bytes):
    if b"\x00" in data[:4096]:
        raise SheetError(_("CSV ファイルではないようです。"))
    text = _decode_csv(data)
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as exc:
        raise SheetError(_("CSV の形式が正しくありません（%(error)s）。") % {"error": exc}) from exc


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise SheetError(_("Excel ファイル（.xlsx）として読めません。")) from exc
    entries = archive.infolist()
    unpacked = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries) or 1
    if (
        len(entries) > MAX_ZIP_ENTRIES
        or unpacked > MAX_UNPACKED_BYTES
        or unpacked / packed > MAX_RATIO
    ):
        raise SheetError(_("Excel ファイルの中身が大きすぎます。"))
    for entry in entries:
        name = entry.filename
        if name.startswith(("/", "\\")) or ".." in name.split("/"):
            raise SheetError(_("Excel ファイルの構造が正しくありません。"))
        if name.lower().endswith("vbaproject.bin"):
            raise SheetError(_("マクロを含む Excel ファイルは取り込めません。"))


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(data: bytes):
    _check_zip(data)
    from openpyxl import load_workbook  # imported late: only imports need it

    try:
        # defusedxml is installed, so openpyxl parses the sheet XML without entity expansion.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise SheetError(_("Excel ファイル（.xlsx）として読めません。")) from exc
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_cell_text(value) for value in row]
    finally:
        workbook.close()


def read_sheet(uploaded) -> list[tuple[int, dict[str, str]]]:
    """(line number, cells by column name) for every non-empty row after the header."""
    data = uploaded.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise SheetError(_("ファイルが大きすぎます（2 MB まで）。"))
    name = (uploaded.name or "").lower()
    if name.endswith(".xlsx") or data.startswith(b"PK\x03\x04"):
        rows = _xlsx_rows(data)
    elif name.endswith((".csv", ".txt")):
        rows = _csv_rows(data)
    else:
        raise SheetError(_("CSV（.csv）または Excel（.xlsx）のファイルを選んでください。"))

    header = None
    result = []
    for line, cells in enumerate(rows, start=1):
        cells = [str(cell or "").strip() for cell in cells]
        if header is None:
            header = [nfkc(cell) for cell in cells]
            _check_header(header)
            continue
        if not any(cell.strip() for cell in cells):
            continue
        if len(result) >= MAX_ROWS:
            raise SheetError(
                _("一度に取り込めるのは %(max)d 人までです。ファイルを分けてください。")
                % {"max": MAX_ROWS}
            )
        values = {
            column: (cells[i].strip() if i < len(cells) else "")
            for i, column in enumerate(header)
            if column in COLUMNS
        }
        result.append((line, values))
    if header is None:
        raise SheetError(_("ファイルが空です。1 行目に列名を書いてください。"))
    return result


def _check_header(header: list[str]) -> None:
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise SheetError(
            _("1 行目: 必要な列がありません: %(missing)s（列名: %(columns)s）")
            % {"missing": "、".join(missing), "columns": "、".join(COLUMNS)}
        )
    duplicated = sorted({c for c in header if c in COLUMNS and header.count(c) > 1})
    if duplicated:
        raise SheetError(
            _("1 行目: 同じ列名が複数あります: %(columns)s") % {"columns": "、".join(duplicated)}
        )


class _Organisations:
    """Organisation look-up by NFKC-normalised name, with suggestions for near misses."""

    def __init__(self):
        self.by_key: dict[str, list[Organisation]] = {}
        for organisation in Organisation.objects.all():
            self.by_key.setdefault(_name_key(organisation.name), []).append(organisation)

    def find(self, name: str) -> tuple[Organisation | None, str]:
        found = self.by_key.get(_name_key(name), [])
        if len(found) == 1:
            return found[0], ""
        if len(found) > 1:
            return None, _(
                "同じ名前の組織が %(count)d 件あります。管理画面で名前を区別してください。"
            ) % {"count": len(found)}
        close = difflib.get_close_matches(_name_key(name), list(self.by_key), n=3, cutoff=0.6)
        hint = ""
        if close:
            hint = _("（似た名前: %(names)s）") % {
                "names": "、".join(self.by_key[key][0].name for key in close)
            }
        return None, _("「%(name)s」は登録されていません。先に組織を登録してください%(hint)s。") % {
            "name": name,
            "hint": hint,
        }


def parse_roles(value: str) -> tuple[list[str], list[str]]:
    """(known role names in order, unknown words) from a cell such as 「伴走支援員／事務局」."""
    known, unknown = [], []
    for word in ROLE_SEPARATORS.split(nfkc(value)):
        word = word.strip()
        if not word:
            continue
        (known if word in roles.ALL_ROLES else unknown).append(word)
    return list(dict.fromkeys(known)), unknown


def plan_import(rows: list[tuple[int, dict[str, str]]]) -> ImportPlan:
    """Checks every row; the plan is only carried out when it has no problems at all."""
    plan = ImportPlan()
    organisations = _Organisations()
    seen: dict[str, int] = {}
    emails = [User.objects.normalize_email(nfkc(cells.get(EMAIL, ""))) for _line, cells in rows]
    # One query, case-insensitive like the login: Tanaka@ and tanaka@ are the same mailbox.
    lowered = {e.lower() for e in emails if e}
    existing = {
        user.lowered: user
        for user in User.objects.annotate(lowered=Lower("email")).filter(lowered__in=lowered)
    }

    def problem(line: int, column: str, reason: str) -> None:
        plan.problems.append(
            _("%(line)d 行目: %(column)s: %(reason)s")
            % {"line": line, "column": column, "reason": reason}
        )

    for (line, cells), email in zip(rows, emails, strict=True):
        before = len(plan.problems)
        for column, value in cells.items():
            if has_control_characters(value):
                problem(line, column, _("制御文字（改行とタブ以外）を含めないでください。"))
        name = cells.get(NAME, "").strip()
        if not email:
            problem(line, EMAIL, _("入力してください。"))
        else:
            try:
                validate_email(email)
            except ValidationError:
                problem(line, EMAIL, _("メールアドレスの形式が正しくありません。"))
            if email.lower() in seen:
                problem(
                    line,
                    EMAIL,
                    _("%(other)d 行目と同じアドレスです。") % {"other": seen[email.lower()]},
                )
            seen.setdefault(email.lower(), line)
        if not name:
            problem(line, NAME, _("入力してください。"))
        elif len(name) > 100:
            problem(line, NAME, _("100 文字以内にしてください。"))
        organisation = None
        if org_name := cells.get(ORGANISATION, "").strip():
            organisation, reason = organisations.find(org_name)
            if reason:
                problem(line, ORGANISATION, reason)
        role_list, unknown = parse_roles(cells.get(ROLES, ""))
        if unknown:
            problem(
                line,
                ROLES,
                _("「%(words)s」は役割の名前ではありません（使える役割: %(roles)s）。")
                % {"words": "」「".join(unknown), "roles": "、".join(roles.ALL_ROLES)},
            )
        elif not role_list:
            problem(
                line,
                ROLES,
                _("役割を 1 つ以上入力してください（複数の場合は「／」「、」「;」で区切ります）。"),
            )
        job_title = cells.get(JOB_TITLE, "").strip()
        if len(job_title) > 100:
            problem(line, JOB_TITLE, _("100 文字以内にしてください。"))

        if email and (current := existing.get(email.lower())):
            if _name_key(current.display_name) == _name_key(name):
                plan.notes.append(
                    _("%(line)d 行目: %(email)s はすでに登録されているため、読み飛ばしました。")
                    % {"line": line, "email": email}
                )
            else:
                problem(line, EMAIL, _("このアドレスは別の氏名ですでに登録されています。"))
            continue
        if len(plan.problems) == before:
            plan.users.append(PlannedUser(line, email, name, organisation, role_list, job_title))
    return plan
