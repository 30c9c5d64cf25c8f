"""Case interchange format v1 (docs/case-format.md): validation, import and export.

A file is validated as a whole first; nothing is written unless every line is valid. Codes are
checked against the Term table, so the vocabularies stay data.
"""

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from taggit.models import Tag

from privacy.detect import detect
from taxonomy import terms

from .models import CaseIndexPage, CasePage, CaseSection, CaseTag

ID_RE = re.compile(r"^[a-z0-9-]{1,64}$")
YEAR_MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

# key -> (required, kind); kind is "text", "bool", a vocabulary name, or a special validator.
COMPANY = {
    "industry": (True, "industry"),
    "region": (True, "region"),
    "prefecture": (False, "prefecture"),
    "employees": (True, "employees"),
    "sales": (False, "sales"),
    "owner_type": (False, "owner_type"),
    "owner_age": (False, "owner_age"),
    "sales_trend": (False, "trend"),
    "profit_trend": (False, "trend"),
    "offices_outside_prefecture": (False, "bool"),
    "overseas_presence": (False, "bool"),
}
TYPOLOGY = {
    "scale_phase": (False, "scale_phase"),
    "vision_articulated": (False, "bool"),
    "approach": (False, "approach"),
}
SUPPORT = {
    "requesting_body": (False, "requesting_body"),
    "supporter_type": (False, "supporter_type"),
    "visits": (False, "visits"),
    "started": (False, "year_month"),
    "ended": (False, "year_month"),
}
PHASE = {
    "phase": (True, "phase"),
    "heading": (False, "text"),
    "body": (True, "text"),
    "tools": (False, "tools"),
}
TOP = {
    "id": (True, "id"),
    "title": (True, "text"),
    "subtitle": (False, "text"),
    "lead": (True, "text"),
    "hashtags": (False, "text_list"),
    "company": (True, COMPANY),
    "typology": (False, TYPOLOGY),
    "support": (False, SUPPORT),
    "phases": (True, "phases"),
    "key_points": (False, "text_list"),
    "background": (False, "text"),
    "outcomes": (False, "text"),
    "published_at": (False, "date"),
}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    published: int = 0
    drafts: int = 0
    held_back: list[str] = field(default_factory=list)  # published_at given, kept as draft


class InterchangeError(Exception):
    """The file is invalid; `problems` lists every `line N: path: reason`."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class _Validator:
    def __init__(self, line: int):
        self.line = line
        self.problems: list[str] = []

    def fail(self, path: str, reason: str) -> None:
        self.problems.append(f"line {self.line}: {path}: {reason}")

    def obj(self, value: Any, schema: dict, path: str) -> None:
        if not isinstance(value, dict):
            self.fail(path or "(行全体)", _("オブジェクト（{…}）である必要があります"))
            return
        for key in value:
            if key not in schema:
                self.fail(_join(path, key), _("未知のキーです"))
        for key, (required, kind) in schema.items():
            sub = _join(path, key)
            if value.get(key) is None:
                if required:
                    self.fail(sub, _("必須の項目がありません"))
                continue
            self.value(value[key], kind, sub)

    def value(self, v: Any, kind: Any, path: str) -> None:
        if isinstance(kind, dict):
            self.obj(v, kind, path)
        elif kind == "text":
            if not isinstance(v, str) or not v.strip():
                self.fail(path, _("空でない文字列である必要があります"))
        elif kind == "bool":
            if not isinstance(v, bool):
                self.fail(path, _("true か false である必要があります"))
        elif kind == "id":
            if not isinstance(v, str) or not ID_RE.match(v):
                self.fail(path, _("英小文字・数字・ハイフンの 1〜64 文字である必要があります"))
        elif kind == "visits":
            if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 50:
                self.fail(path, _("1〜50 の整数である必要があります"))
        elif kind == "year_month":
            if not isinstance(v, str) or not YEAR_MONTH_RE.match(v):
                self.fail(path, _("YYYY-MM 形式の年月である必要があります"))
        elif kind == "date":
            if not _is_iso_date(v):
                self.fail(path, _("YYYY-MM-DD 形式の実在する日付である必要があります"))
        elif kind == "text_list":
            # Hashtags are a set (taggit); key points may repeat, so only hashtags must be unique.
            self.text_list(v, path, unique=path == "hashtags")
        elif kind == "tools":
            if self.text_list(v, path, unique=True):
                for i, code in enumerate(v):
                    self.code(code, "tool", f"{path}[{i}]")
        elif kind == "phases":
            if not isinstance(v, list) or not v:
                self.fail(path, _("1 つ以上のフェーズのリストである必要があります"))
                return
            for i, item in enumerate(v):
                self.obj(item, PHASE, f"{path}[{i}]")
        else:
            self.code(v, kind, path)

    def text_list(self, v: Any, path: str, *, unique: bool) -> bool:
        if not isinstance(v, list):
            self.fail(path, _("文字列のリストである必要があります"))
            return False
        ok = True
        for i, item in enumerate(v):
            if not isinstance(item, str) or not item.strip():
                self.fail(f"{path}[{i}]", _("空でない文字列である必要があります"))
                ok = False
        if ok and unique and len(set(v)) != len(v):
            self.fail(path, _("同じ値が重複しています"))
            ok = False
        return ok

    def code(self, v: Any, vocabulary: str, path: str) -> None:
        if not isinstance(v, str) or not terms.is_valid(vocabulary, v):
            allowed = " ".join(terms.terms(vocabulary))
            self.fail(
                path,
                _("不正なコード {value}（使えるコード: {allowed}）").format(
                    value=json.dumps(v, ensure_ascii=False), allowed=allowed
                ),
            )

    def cross_checks(self, record: dict) -> None:
        company = record.get("company") or {}
        pref, region = company.get("prefecture"), company.get("region")
        if isinstance(pref, str) and terms.is_valid("prefecture", pref):
            parent = terms.terms("prefecture")[pref].parent
            if isinstance(region, str) and parent != region:
                self.fail(
                    "company.prefecture",
                    _("都道府県 {pref} は地域 {region} に含まれません").format(
                        pref=pref, region=region
                    ),
                )
        support = record.get("support") or {}
        started, ended = support.get("started"), support.get("ended")
        if (
            isinstance(started, str)
            and isinstance(ended, str)
            and YEAR_MONTH_RE.match(started)
            and YEAR_MONTH_RE.match(ended)
            and started > ended
        ):
            self.fail("support.ended", _("支援終了が支援開始より前です"))
        hashtags = record.get("hashtags") or []
        for i, tag in enumerate(hashtags if isinstance(hashtags, list) else []):
            if isinstance(tag, str) and len(tag) > 100:
                self.fail(f"hashtags[{i}]", _("100 文字以内にしてください"))
        title = record.get("title")
        if isinstance(title, str) and len(title) > 255:
            self.fail("title", _("255 文字以内にしてください"))


def _is_iso_date(value: Any) -> bool:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def parse(lines: Iterable[str]) -> list[tuple[int, dict]]:
    """Validate every line; return (line number, record) pairs or raise InterchangeError."""
    problems: list[str] = []
    records: list[tuple[int, dict]] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        v = _Validator(number)
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as exc:
            v.fail(
                "(行全体)",
                _("JSON として読めません（{msg}、{col} 文字目）").format(
                    msg=exc.msg, col=exc.colno
                ),
            )
            problems.extend(v.problems)
            continue
        v.obj(record, TOP, "")
        if isinstance(record, dict):
            v.cross_checks(record)
            case_id = record.get("id")
            if isinstance(case_id, str):
                if case_id in seen:
                    v.fail(
                        "id",
                        _("ID {id} は {line} 行目と重複しています").format(
                            id=case_id, line=seen[case_id]
                        ),
                    )
                seen.setdefault(case_id, number)
        problems.extend(v.problems)
        if not v.problems:
            records.append((number, record))
    if problems:
        raise InterchangeError(problems)
    if not records:
        raise InterchangeError([_("line 1: (ファイル): 事例が 1 件もありません")])
    return records


def _texts(record: dict) -> Iterator[str]:
    for key in ("title", "subtitle", "lead", "background", "outcomes"):
        if record.get(key):
            yield record[key]
    yield from record.get("hashtags") or []
    yield from record.get("key_points") or []
    for phase in record["phases"]:
        yield phase.get("heading") or ""
        yield phase["body"]


def personal_data_findings(record: dict) -> list[str]:
    return [f"{f.kind} 「{f.text}」" for text in _texts(record) for f in detect(text)]


def import_cases(
    lines: Iterable[str], *, index: CaseIndexPage | None = None, progress=None
) -> ImportReport:
    """Validate the whole file, then create or update every case in one transaction."""
    records = parse(lines)
    index = index or CaseIndexPage.objects.first()
    if index is None:
        raise InterchangeError(
            [_("line 1: (サイト): 事例一覧ページがありません。先に setup_site を実行してください")]
        )
    existing = {
        p.external_id: p
        for p in CasePage.objects.filter(external_id__in=[r["id"] for _, r in records])
    }
    report = ImportReport()
    with transaction.atomic():
        for number, record in records:
            page = existing.get(record["id"])
            findings = personal_data_findings(record) if record.get("published_at") else []
            publish = bool(record.get("published_at")) and not findings
            if findings:
                report.held_back.append(
                    f"line {number}: {record['id']}: "
                    + _("個人情報の可能性があるため下書きとして取り込みました: ")
                    + "、".join(findings[:5])
                )
            refusal = _save_case(index, page, record, publish=publish)
            if refusal:
                publish = False
                report.held_back.append(
                    f"line {number}: {record['id']}: "
                    + _("公開ゲートが公開を止めたため下書きとして取り込みました: ")
                    + refusal
                )
            if page is None:
                report.created += 1
            else:
                report.updated += 1
            report.published += publish
            report.drafts += not publish
            if progress:
                progress()
    return report


def _save_case(index: CaseIndexPage, page: CasePage | None, record: dict, *, publish: bool) -> str:
    """Creates or updates the case; returns the publish gate's refusal, or "" when none."""
    company = record["company"]
    typology = record.get("typology") or {}
    support = record.get("support") or {}
    creating = page is None
    if creating:
        page = CasePage(external_id=record["id"], slug=record["id"])
    page.title = record["title"]
    page.draft_title = record["title"]
    page.subtitle = record.get("subtitle") or ""
    page.lead = record["lead"]
    for key in COMPANY:
        setattr(page, key, company.get(key, None if COMPANY[key][1] == "bool" else ""))
    for key in TYPOLOGY:
        setattr(page, key, typology.get(key, None if TYPOLOGY[key][1] == "bool" else ""))
    page.requesting_body = support.get("requesting_body") or ""
    page.supporter_type = support.get("supporter_type") or ""
    page.visits = support.get("visits")
    page.started = support.get("started") or ""
    page.ended = support.get("ended") or ""
    page.key_points = [("point", p) for p in record.get("key_points") or []]
    page.background = record.get("background") or ""
    page.outcomes = record.get("outcomes") or ""
    page.published_on = dt.date.fromisoformat(record["published_at"]) if publish else None
    page.sections = [
        CaseSection(
            phase=p["phase"],
            heading=p.get("heading") or "",
            body=[("text", p["body"])],
            tools=list(p.get("tools") or []),
        )
        for p in record["phases"]
    ]
    page.tagged_items = [CaseTag(tag=_tag(name)) for name in record.get("hashtags") or []]
    if creating:
        page.live = False
        index.add_child(instance=page)
    else:
        page.save()
    revision = page.save_revision(clean=False)
    if publish:
        try:
            with transaction.atomic():  # a savepoint: a refusal leaves the draft as saved
                revision.publish()
        except PermissionDenied as refusal:  # the publication gate (publishing/gate.py)
            return str(refusal)
    elif page.live:
        page.unpublish()
    return ""


def _tag(name: str) -> Tag:
    return Tag.objects.get_or_create(name=name)[0]


def export_cases(queryset=None) -> Iterator[dict]:
    """Every case as an interchange record, in page-tree order; optional empty values omitted."""
    qs = (queryset if queryset is not None else CasePage.objects.all()).order_by("path")
    qs = qs.prefetch_related(
        Prefetch("sections", queryset=CaseSection.objects.order_by("sort_order", "pk")),
        Prefetch("tagged_items", queryset=CaseTag.objects.select_related("tag").order_by("pk")),
    )
    for page in qs.iterator(chunk_size=200):
        yield case_to_record(page)


def case_to_record(page: CasePage) -> dict:
    def pick(keys: dict) -> dict:
        out = {}
        for key in keys:
            value = getattr(page, key)
            if value not in ("", None):
                out[key] = value
        return out

    record: dict[str, Any] = {"id": page.external_id, "title": page.title}
    if page.subtitle:
        record["subtitle"] = page.subtitle
    record["lead"] = page.lead
    hashtags = [item.tag.name for item in page.tagged_items.all()]
    if hashtags:
        record["hashtags"] = hashtags
    record["company"] = pick(COMPANY)
    for name, keys in (("typology", TYPOLOGY), ("support", SUPPORT)):
        values = pick(keys)
        if values:
            record[name] = values
    record["phases"] = []
    for section in page.sections.all():
        phase: dict[str, Any] = {"phase": section.phase}
        if section.heading:
            phase["heading"] = section.heading
        phase["body"] = section.markdown_text()
        if section.tools:
            phase["tools"] = list(section.tools)
        record["phases"].append(phase)
    key_points = [block.value for block in page.key_points]
    if key_points:
        record["key_points"] = key_points
    for key in ("background", "outcomes"):
        if getattr(page, key):
            record[key] = getattr(page, key)
    if page.live and page.display_date:
        record["published_at"] = page.display_date.isoformat()
    return record
