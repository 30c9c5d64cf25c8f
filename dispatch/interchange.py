"""Registry interchange format v1 (docs/registry-format.md): reading, checking, import and export.

A file is read and checked as a whole first; nothing is written unless every line is valid, and
every problem is reported as `line N: field.path: 理由`. The same columns are read from JSON
Lines, CSV (UTF-8 with or without BOM, cp932) and XLSX. In CSV and XLSX a list of codes or ids is
one cell joined with 「、」, `training` is 「course=status」 pairs joined with 「、」, and the lists of
objects (`experience`, `conflicts`, `relationships`) are one cell of JSON.

Every object is written back with every key (empty text "", empty list [], absent value null),
so export → import → export gives the same objects.
"""

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.importing import SheetError, _check_zip, _decode_csv
from accounts.models import User
from core.text import has_control_characters
from taxonomy import terms

from . import conf
from .models import DispatchRequest, Supporter

SUPPORTERS = "supporters"
REQUESTS = "requests"
KINDS = (SUPPORTERS, REQUESTS)
ID_RE = re.compile(r"^[a-z0-9-]{1,64}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
RELATION_RE = re.compile(r"^(company|req-body):[a-z0-9-]{1,64}$")
LIST_SEPARATOR = "、"
MAX_BYTES = 20 * 1024 * 1024
MAX_LINES = 20_000

QUALIFICATIONS = {
    "sme-consultant": gettext_lazy("中小企業診断士"),
    "tax-accountant": gettext_lazy("税理士"),
    "cpa": gettext_lazy("公認会計士"),
    "lawyer": gettext_lazy("弁護士"),
    "sharoushi": gettext_lazy("社会保険労務士"),
    "bank-staff": gettext_lazy("金融機関職員"),
    "other": gettext_lazy("その他"),
}
TRAINING_STATUSES = {
    "not-registered": gettext_lazy("未登録"),
    "registered": gettext_lazy("受講登録済み"),
    "completed": gettext_lazy("修了"),
}
TRAVEL = [choice.value for choice in Supporter.Travel]
ROLES = {"lead": gettext_lazy("主担当"), "member": gettext_lazy("メンバー")}
RELATION_KINDS = {"positive": gettext_lazy("良好"), "negative": gettext_lazy("良好でない")}
APPROACHES = [choice.value for choice in DispatchRequest.Approach]

SUPPORTER_KEYS = (
    "id",
    "name",
    "email",
    "category",
    "recommended_by",
    "home_prefecture",
    "travel",
    "qualifications",
    "training",
    "type",
    "max_engagements",
    "experience",
    "conflicts",
    "relationships",
    "motto",
    "notes",
)
EXPERIENCE_KEYS = ("industry", "employees", "content", "role", "years")
CONFLICT_KEYS = ("industry", "prefecture", "company", "note")
RELATIONSHIP_KEYS = ("with", "kind", "note")
REQUEST_KEYS = (
    "id",
    "received",
    "company",
    "requesting_body",
    "approach",
    "needs",
    "desired",
    "exclude",
    "consent_signed",
)
COMPANY_KEYS = (
    "id",
    "name",
    "industry",
    "prefecture",
    "employees",
    "sales",
    "owner_type",
    "owner_age",
)
BODY_KEYS = ("id", "kind", "prefecture")
# Columns of CSV and XLSX: nested objects flattened with a dot.
COLUMNS = {
    SUPPORTERS: SUPPORTER_KEYS,
    REQUESTS: (
        "id",
        "received",
        *(f"company.{key}" for key in COMPANY_KEYS),
        *(f"requesting_body.{key}" for key in BODY_KEYS),
        "approach",
        "needs",
        "desired",
        "exclude",
        "consent_signed",
    ),
}
JSON_CELLS = {"experience", "conflicts", "relationships"}
LIST_CELLS = {"qualifications", "exclude"}
INT_CELLS = {"category", "type", "max_engagements"}


class RegistryError(Exception):
    """The file is invalid; `problems` lists every `line N: path: reason`."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0


def kind_from_name(name: str) -> str | None:
    """`supporters.*` or `requests.*` (the format's rule for telling the kind of a file)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].lower()
    for kind in KINDS:
        if base == kind or base.startswith(kind + "."):
            return kind
    return None


# Reading ---------------------------------------------------------------------------------------


def read_rows(data: bytes, *, name: str, kind: str) -> list[tuple[int, Any]]:
    """(line number, object) for every non-empty line or row of a JSONL, CSV or XLSX file."""
    if len(data) > MAX_BYTES:
        raise RegistryError([_("ファイルが大きすぎます（20 MB まで）。")])
    lowered = name.lower()
    try:
        if lowered.endswith(".xlsx") or data.startswith(b"PK\x03\x04"):
            return _table_rows(_xlsx_cells(data), kind)
        if lowered.endswith((".csv", ".txt")):
            return _table_rows(_csv_cells(data), kind)
        if lowered.endswith((".jsonl", ".json", ".ndjson")) or lowered == "-":
            return _jsonl_rows(data)
    except SheetError as exc:
        raise RegistryError([str(exc)]) from exc
    raise RegistryError(
        [_("JSON Lines（.jsonl）、CSV（.csv）または Excel（.xlsx）のファイルを選んでください。")]
    )


def _jsonl_rows(data: bytes) -> list[tuple[int, Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegistryError(
            [_("UTF-8 として読めません（%(at)d バイト目）。") % {"at": exc.start}]
        ) from exc
    rows, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            problems.append(
                f"line {number}: (行全体): "
                + _("JSON として読めません（%(col)d 文字目: %(msg)s）")
                % {"col": exc.colno, "msg": exc.msg}
            )
    if problems:
        raise RegistryError(problems)
    _check_count(rows)
    return rows


def _csv_cells(data: bytes) -> Iterable[list[str]]:
    if b"\x00" in data[:4096]:
        raise SheetError(_("CSV ファイルではないようです。"))
    text = _decode_csv(data)
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise SheetError(_("CSV の形式が正しくありません（%(error)s）。") % {"error": exc}) from exc


def _xlsx_cells(data: bytes) -> Iterable[list[str]]:
    _check_zip(data)
    from openpyxl import load_workbook  # imported late: only imports and exports need it

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise SheetError(_("Excel ファイル（.xlsx）として読めません。")) from exc
    try:
        return [
            [
                ""
                if v is None
                else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
                for v in row
            ]
            for row in workbook.worksheets[0].iter_rows(values_only=True)
        ]
    finally:
        workbook.close()


def _table_rows(cells: Iterable[list[str]], kind: str) -> list[tuple[int, Any]]:
    """Rows of a sheet turned into the objects of the JSON Lines form (then checked the same way)."""
    header: list[str] | None = None
    rows, problems = [], []
    for number, row in enumerate(cells, start=1):
        # Values are kept as written (the round trip is exact); only the header is trimmed.
        row = [str(cell or "") for cell in row]
        if header is None:
            header = [cell.strip() for cell in row]
            unknown = [c for c in header if c and c not in COLUMNS[kind]]
            if unknown:
                problems.append(
                    f"line 1: {'、'.join(unknown)}: "
                    + _("未知の列です（使える列: %(columns)s）")
                    % {"columns": "、".join(COLUMNS[kind])}
                )
            if "id" not in header:
                problems.append("line 1: id: " + _("必須の列がありません"))
            duplicated = sorted({c for c in header if c and header.count(c) > 1})
            if duplicated:
                problems.append(f"line 1: {'、'.join(duplicated)}: " + _("同じ列名が複数あります"))
            if problems:
                raise RegistryError(problems)
            continue
        if not any(cell.strip() for cell in row):
            continue
        obj: dict[str, Any] = {}
        for column, value in zip(header, row, strict=False):
            if not column or value == "":
                continue
            try:
                parsed = _cell_value(column, value)
            except ValueError as exc:
                problems.append(f"line {number}: {column}: {exc}")
                continue
            head, _dot, tail = column.partition(".")
            if tail:
                obj.setdefault(head, {})[tail] = parsed
            else:
                obj[column] = parsed
        for nested in ("company", "requesting_body"):
            if kind == REQUESTS:
                obj.setdefault(nested, {})
        rows.append((number, obj))
    if header is None:
        raise RegistryError([_("ファイルが空です。1 行目に列名を書いてください。")])
    if problems:
        raise RegistryError(problems)
    _check_count(rows)
    return rows


# A cell starting with one of these would be a formula in Excel: the export puts a quote before
# it (as surveys/exports.py does) and the import takes exactly that quote away again, so that the
# round trip stays exact. A value that itself starts with a quote gets one more.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0", "'")


def safe_cell(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _unsafe_cell(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS) else text


def _cell_value(column: str, value: str) -> Any:
    value = _unsafe_cell(value)
    if column in JSON_CELLS:
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise ValueError(_("JSON として読めません（%(msg)s）") % {"msg": exc.msg}) from exc
    if column in LIST_CELLS:
        return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]
    if column == "training":
        pairs = {}
        for part in value.split(LIST_SEPARATOR):
            course, sep, status = part.strip().partition("=")
            if not sep:
                raise ValueError(
                    _("「研修=状況」を「、」で区切って書いてください（例: skills-1=completed）")
                )
            pairs[course.strip()] = status.strip()
        return pairs
    if column in INT_CELLS and re.fullmatch(r"-?\d+", value):
        return int(value)
    return value


def _check_count(rows: list) -> None:
    if len(rows) > MAX_LINES:
        raise RegistryError(
            [
                _("一度に取り込めるのは %(max)d 行までです。ファイルを分けてください。")
                % {"max": MAX_LINES}
            ]
        )


# Checking --------------------------------------------------------------------------------------


class _Checker:
    """Collects `line N: path: reason` for one line and returns the canonical object."""

    def __init__(self, line: int):
        self.line = line
        self.problems: list[str] = []

    def fail(self, path: str, reason: str) -> None:
        self.problems.append(f"line {self.line}: {path}: {reason}")

    def keys(self, value: Any, allowed: tuple[str, ...], path: str) -> dict | None:
        if not isinstance(value, dict):
            self.fail(path or "(行全体)", _("オブジェクト（{…}）である必要があります"))
            return None
        for key in value:
            if key not in allowed:
                self.fail(f"{path}.{key}" if path else str(key), _("未知のキーです"))
        return value

    def text(self, obj: dict, key: str, path: str, *, required=False, limit=4000) -> str:
        value = obj.get(key)
        if value is None or value == "":
            if required:
                self.fail(path, _("必須の項目がありません"))
            return ""
        if not isinstance(value, str):
            self.fail(path, _("文字列である必要があります"))
            return ""
        if required and not value.strip():
            self.fail(path, _("空にはできません"))
        if len(value) > limit:
            self.fail(path, _("%(limit)d 文字以内にしてください") % {"limit": limit})
        if has_control_characters(value):
            self.fail(path, _("制御文字（改行とタブ以外）を含めないでください"))
        return value

    def code(self, obj: dict, key: str, path: str, vocabulary: str | list, *, required=False):
        value = obj.get(key)
        if value is None or value == "":
            if required:
                self.fail(path, _("必須の項目がありません"))
            return None
        # A list or an object where a code belongs must be an error, not a TypeError.
        valid = isinstance(value, str) and (
            value in vocabulary
            if isinstance(vocabulary, list | dict)
            else terms.is_valid(vocabulary, value)
        )
        if not isinstance(value, str) or not valid:
            allowed = (
                list(vocabulary)
                if isinstance(vocabulary, list | dict)
                else list(terms.terms(vocabulary))
            )
            self.fail(
                path,
                _("「%(value)s」は使えないコードです（使えるコード: %(codes)s）")
                % {"value": value, "codes": " ".join(allowed)},
            )
            return None
        return value

    def integer(
        self, obj: dict, key: str, path: str, low: int, high: int, *, required=False, default=None
    ):
        value = obj.get(key)
        if value is None:
            if required:
                self.fail(path, _("必須の項目がありません"))
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(
                path,
                _("%(low)d から %(high)d までの整数にしてください") % {"low": low, "high": high},
            )
            return default
        return value

    def identifier(self, obj: dict, key: str, path: str, *, required=True):
        value = obj.get(key)
        if value is None or value == "":
            if required:
                self.fail(path, _("必須の項目がありません"))
            return None
        if not isinstance(value, str) or not ID_RE.match(value):
            self.fail(path, _("半角英小文字・数字・ハイフンで 64 文字以内にしてください"))
            return None
        return value

    def date(self, obj: dict, key: str, path: str, *, required=False) -> str | None:
        value = obj.get(key)
        if value is None or value == "":
            if required:
                self.fail(path, _("必須の項目がありません"))
            return None
        try:
            if not isinstance(value, str) or not DATE_RE.match(value):
                raise ValueError
            dt.date.fromisoformat(value)
        except ValueError:
            self.fail(path, _("YYYY-MM-DD 形式の日付にしてください"))
            return None
        return value

    def items(self, obj: dict, key: str) -> list:
        value = obj.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(key, _("リスト（[…]）である必要があります"))
            return []
        return value


def check_supporter(line: int, raw: Any) -> tuple[dict | None, list[str]]:
    """The canonical supporter object of one line, or None and its problems."""
    c = _Checker(line)
    obj = c.keys(raw, SUPPORTER_KEYS, "")
    if obj is None:
        return None, c.problems
    email = c.text(obj, "email", "email", required=True, limit=254)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            c.fail("email", _("メールアドレスの形式が正しくありません"))
    qualifications = []
    for i, q in enumerate(c.items(obj, "qualifications")):
        if not isinstance(q, str) or q not in QUALIFICATIONS:
            c.fail(
                f"qualifications[{i}]",
                _("「%(value)s」は使えないコードです（使えるコード: %(codes)s）")
                % {"value": q, "codes": " ".join(QUALIFICATIONS)},
            )
        else:
            qualifications.append(q)
    training = {}
    raw_training = obj.get("training")
    if raw_training is not None and not isinstance(raw_training, dict):
        c.fail("training", _("オブジェクト（{…}）である必要があります"))
    for course, status in (raw_training or {}).items() if isinstance(raw_training, dict) else ():
        if course not in conf.courses():
            c.fail(
                f"training.{course}",
                _("未知の研修です（登録されている研修: %(courses)s）")
                % {"courses": " ".join(conf.courses())},
            )
        elif status not in TRAINING_STATUSES:
            c.fail(
                f"training.{course}",
                _("「%(value)s」は使えない状況です（%(codes)s）")
                % {"value": status, "codes": " ".join(TRAINING_STATUSES)},
            )
        else:
            training[course] = status
    result = {
        "id": c.identifier(obj, "id", "id"),
        "name": c.text(obj, "name", "name", required=True, limit=100),
        "email": email,
        "category": c.integer(obj, "category", "category", 1, 2, required=True),
        "recommended_by": c.code(
            obj, "recommended_by", "recommended_by", "requesting_body", required=True
        ),
        "home_prefecture": c.code(
            obj, "home_prefecture", "home_prefecture", "prefecture", required=True
        ),
        "travel": c.code(obj, "travel", "travel", TRAVEL, required=True),
        "qualifications": qualifications,
        "training": training,
        "type": c.integer(obj, "type", "type", 1, 5, required=True),
        "max_engagements": c.integer(obj, "max_engagements", "max_engagements", 1, 10, default=2),
        "experience": [],
        "conflicts": [],
        "relationships": [],
        "motto": c.text(obj, "motto", "motto", limit=2000),
        "notes": c.text(obj, "notes", "notes", limit=4000),
    }
    for i, item in enumerate(c.items(obj, "experience")):
        path = f"experience[{i}]"
        if c.keys(item, EXPERIENCE_KEYS, path) is None:
            continue
        result["experience"].append(
            {
                "industry": c.code(item, "industry", f"{path}.industry", "industry", required=True),
                "employees": c.code(item, "employees", f"{path}.employees", "employees"),
                "content": c.text(item, "content", f"{path}.content", limit=1000),
                "role": c.code(item, "role", f"{path}.role", ROLES, required=True),
                "years": c.integer(item, "years", f"{path}.years", 0, 60, required=True),
            }
        )
    for i, item in enumerate(c.items(obj, "conflicts")):
        path = f"conflicts[{i}]"
        if c.keys(item, CONFLICT_KEYS, path) is None:
            continue
        conflict = {
            "industry": c.code(item, "industry", f"{path}.industry", "industry"),
            "prefecture": c.code(item, "prefecture", f"{path}.prefecture", "prefecture"),
            "company": c.identifier(item, "company", f"{path}.company", required=False),
            "note": c.text(item, "note", f"{path}.note", limit=1000),
        }
        if not any(item.get(k) for k in ("industry", "prefecture", "company")):
            c.fail(path, _("industry・prefecture・company のいずれかを書いてください"))
        result["conflicts"].append(conflict)
    for i, item in enumerate(c.items(obj, "relationships")):
        path = f"relationships[{i}]"
        if c.keys(item, RELATIONSHIP_KEYS, path) is None:
            continue
        target = item.get("with")
        if not isinstance(target, str) or not RELATION_RE.match(target):
            c.fail(
                f"{path}.with",
                _("company:<企業 ID> または req-body:<要請機関 ID> の形にしてください"),
            )
        result["relationships"].append(
            {
                "with": target,
                "kind": c.code(item, "kind", f"{path}.kind", RELATION_KINDS, required=True),
                "note": c.text(item, "note", f"{path}.note", limit=1000),
            }
        )
    return (None if c.problems else result), c.problems


def check_request(line: int, raw: Any) -> tuple[dict | None, list[str]]:
    """The canonical request object of one line, or None and its problems."""
    c = _Checker(line)
    obj = c.keys(raw, REQUEST_KEYS, "")
    if obj is None:
        return None, c.problems
    company = (
        c.keys(obj.get("company"), COMPANY_KEYS, "company")
        if obj.get("company") is not None
        else None
    )
    if obj.get("company") is None:
        c.fail("company", _("必須の項目がありません"))
    body = (
        c.keys(obj.get("requesting_body"), BODY_KEYS, "requesting_body")
        if obj.get("requesting_body") is not None
        else None
    )
    if obj.get("requesting_body") is None:
        c.fail("requesting_body", _("必須の項目がありません"))
    company = company or {}
    body = body or {}
    exclude = []
    for i, sid in enumerate(c.items(obj, "exclude")):
        if not isinstance(sid, str) or not ID_RE.match(sid):
            c.fail(f"exclude[{i}]", _("支援員 ID（半角英小文字・数字・ハイフン）にしてください"))
        else:
            exclude.append(sid)
    result = {
        "id": c.identifier(obj, "id", "id"),
        "received": c.date(obj, "received", "received", required=True),
        "company": {
            "id": c.identifier(company, "id", "company.id"),
            "name": c.text(company, "name", "company.name", required=True, limit=200),
            "industry": c.code(company, "industry", "company.industry", "industry", required=True),
            "prefecture": c.code(
                company, "prefecture", "company.prefecture", "prefecture", required=True
            ),
            "employees": c.code(
                company, "employees", "company.employees", "employees", required=True
            ),
            "sales": c.code(company, "sales", "company.sales", "sales"),
            "owner_type": c.code(company, "owner_type", "company.owner_type", "owner_type"),
            "owner_age": c.code(company, "owner_age", "company.owner_age", "owner_age"),
        },
        "requesting_body": {
            "id": c.identifier(body, "id", "requesting_body.id"),
            "kind": c.code(body, "kind", "requesting_body.kind", "requesting_body", required=True),
            "prefecture": c.code(
                body, "prefecture", "requesting_body.prefecture", "prefecture", required=True
            ),
        },
        "approach": c.code(obj, "approach", "approach", APPROACHES, required=True),
        "needs": c.text(obj, "needs", "needs", required=True),
        "desired": c.text(obj, "desired", "desired", limit=2000),
        "exclude": exclude,
        "consent_signed": c.date(obj, "consent_signed", "consent_signed"),
    }
    return (None if c.problems else result), c.problems


def check_rows(kind: str, rows: list[tuple[int, Any]]) -> list[dict]:
    """Every line checked; raises RegistryError listing all problems of the file."""
    checker = check_supporter if kind == SUPPORTERS else check_request
    problems: list[str] = []
    objects: list[dict] = []
    seen_ids: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    for line, raw in rows:
        obj, found = checker(line, raw)
        problems += found
        if obj is None:
            continue
        if obj["id"] in seen_ids:
            problems.append(
                f"line {line}: id: "
                + _("%(other)d 行目と同じ ID です") % {"other": seen_ids[obj["id"]]}
            )
        seen_ids.setdefault(obj["id"], line)
        if kind == SUPPORTERS:
            key = obj["email"].lower()
            if key in seen_emails:
                problems.append(
                    f"line {line}: email: "
                    + _("%(other)d 行目と同じメールアドレスです") % {"other": seen_emails[key]}
                )
            seen_emails.setdefault(key, line)
        objects.append({"line": line, **obj})
    if kind == SUPPORTERS and objects:
        # An address may move between supporters only inside the file; one already kept by
        # another registered supporter would break the unique constraint half-way.
        taken = dict(
            Supporter.objects.annotate(lowered=Lower("email"))
            .filter(lowered__in=list(seen_emails))
            .values_list("lowered", "external_id")
        )
        for obj in objects:
            owner = taken.get(obj["email"].lower())
            if owner and owner != obj["id"] and owner not in seen_ids:
                problems.append(
                    f"line {obj['line']}: email: "
                    + _("このアドレスは支援員 %(owner)s がすでに使っています") % {"owner": owner}
                )
    if problems:
        raise RegistryError(problems)
    for obj in objects:
        obj.pop("line")
    return objects


# Writing ---------------------------------------------------------------------------------------


def _supporter_fields(obj: dict) -> dict:
    return {
        "name": obj["name"],
        "email": obj["email"],
        "category": obj["category"],
        "recommended_by": obj["recommended_by"],
        "home_prefecture": obj["home_prefecture"],
        "travel": obj["travel"],
        "qualifications": obj["qualifications"],
        "training": obj["training"],
        "supporter_type": obj["type"],
        "max_engagements": obj["max_engagements"],
        "experience": obj["experience"],
        "conflicts": obj["conflicts"],
        "relationships": obj["relationships"],
        "motto": obj["motto"],
        "notes": obj["notes"],
    }


def _request_fields(obj: dict) -> dict:
    company, body = obj["company"], obj["requesting_body"]
    return {
        "received": dt.date.fromisoformat(obj["received"]),
        "company_id": company["id"],
        "company_name": company["name"],
        "industry": company["industry"],
        "prefecture": company["prefecture"],
        "employees": company["employees"],
        "sales": company["sales"] or "",
        "owner_type": company["owner_type"] or "",
        "owner_age": company["owner_age"] or "",
        "body_id": body["id"],
        "body_kind": body["kind"],
        "body_prefecture": body["prefecture"],
        "approach": obj["approach"],
        "needs": obj["needs"],
        "desired": obj["desired"],
        "exclude": obj["exclude"],
        "consent_signed": dt.date.fromisoformat(obj["consent_signed"])
        if obj["consent_signed"]
        else None,
    }


@transaction.atomic
def import_objects(kind: str, objects: list[dict]) -> ImportReport:
    """Creates or updates by id; status, files and links of existing rows are kept."""
    report = ImportReport()
    model = Supporter if kind == SUPPORTERS else DispatchRequest
    fields_of = _supporter_fields if kind == SUPPORTERS else _request_fields
    existing = {
        o.external_id: o for o in model.objects.filter(external_id__in=[o["id"] for o in objects])
    }
    if kind == SUPPORTERS:
        # Free the addresses first, so that two supporters may swap them within one file.
        moving = [
            o for o in objects if o["id"] in existing and existing[o["id"]].email != o["email"]
        ]
        for obj in moving:
            model.objects.filter(pk=existing[obj["id"]].pk).update(
                email=f"{obj['id']}@moving.invalid"
            )
        accounts = {
            u.lowered: u
            for u in User.objects.annotate(lowered=Lower("email")).filter(
                lowered__in=[o["email"].lower() for o in objects], supporter_profile__isnull=True
            )
        }
    for obj in objects:
        instance = existing.get(obj["id"]) or model(external_id=obj["id"])
        for name, value in fields_of(obj).items():
            setattr(instance, name, value)
        if kind == SUPPORTERS and instance.user_id is None:
            instance.user = accounts.get(obj["email"].lower())
        instance.full_clean(validate_unique=False)
        if instance.pk:
            report.updated += 1
        else:
            report.created += 1
        instance.save()
    return report


def import_file(data: bytes, *, name: str, kind: str | None = None) -> tuple[str, ImportReport]:
    """Reads, checks and imports one file as a whole; RegistryError when anything is wrong."""
    kind = kind or kind_from_name(name)
    if kind not in KINDS:
        raise RegistryError(
            [
                _(
                    "ファイルの種類が分かりません。名前を supporters.* か requests.* にするか、種類を指定してください。"
                )
            ]
        )
    objects = check_rows(kind, read_rows(data, name=name, kind=kind))
    return kind, import_objects(kind, objects)


# Export ----------------------------------------------------------------------------------------


def supporter_object(s: Supporter) -> dict:
    return {
        "id": s.external_id,
        "name": s.name,
        "email": s.email,
        "category": s.category,
        "recommended_by": s.recommended_by,
        "home_prefecture": s.home_prefecture,
        "travel": s.travel,
        "qualifications": list(s.qualifications),
        "training": dict(s.training),
        "type": s.supporter_type,
        "max_engagements": s.max_engagements,
        "experience": list(s.experience),
        "conflicts": list(s.conflicts),
        "relationships": list(s.relationships),
        "motto": s.motto,
        "notes": s.notes,
    }


def request_object(r: DispatchRequest) -> dict:
    return {
        "id": r.external_id,
        "received": r.received.isoformat(),
        "company": {
            "id": r.company_id,
            "name": r.company_name,
            "industry": r.industry,
            "prefecture": r.prefecture,
            "employees": r.employees,
            "sales": r.sales or None,
            "owner_type": r.owner_type or None,
            "owner_age": r.owner_age or None,
        },
        "requesting_body": {"id": r.body_id, "kind": r.body_kind, "prefecture": r.body_prefecture},
        "approach": r.approach,
        "needs": r.needs,
        "desired": r.desired,
        "exclude": list(r.exclude),
        "consent_signed": r.consent_signed.isoformat() if r.consent_signed else None,
    }


def export_objects(kind: str) -> list[dict]:
    if kind == SUPPORTERS:
        return [supporter_object(s) for s in Supporter.objects.order_by("external_id")]
    return [request_object(r) for r in DispatchRequest.objects.order_by("external_id")]


def to_jsonl(objects: list[dict]) -> str:
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects)


def _flat_cells(kind: str, obj: dict) -> list[str]:
    cells = []
    for column in COLUMNS[kind]:
        head, _dot, tail = column.partition(".")
        value = obj[head][tail] if tail else obj[column]
        if value is None:
            cells.append("")
        elif column in JSON_CELLS:
            cells.append(json.dumps(value, ensure_ascii=False) if value else "")
        elif column in LIST_CELLS:
            cells.append(LIST_SEPARATOR.join(value))
        elif column == "training":
            cells.append(LIST_SEPARATOR.join(f"{k}={v}" for k, v in value.items()))
        else:
            cells.append(str(value))
    return [safe_cell(cell) for cell in cells]


def to_csv(kind: str, objects: list[dict]) -> str:
    """UTF-8 with BOM, so that Excel opens it with the right encoding."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS[kind])
    for obj in objects:
        writer.writerow(_flat_cells(kind, obj))
    return "\ufeff" + buffer.getvalue()


def to_xlsx(kind: str, objects: list[dict]) -> bytes:
    return text_workbook(kind, list(COLUMNS[kind]), (_flat_cells(kind, obj) for obj in objects))


def text_workbook(title: str, header: list[str], rows: Iterable[list[str]]) -> bytes:
    """One sheet in which every cell is stored as text, so an id like 0012 or a date stays as it
    was; the values must already have gone through safe_cell (never a formula)."""
    from openpyxl import Workbook  # heavy: loaded only when a workbook is written
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for values in rows:
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
