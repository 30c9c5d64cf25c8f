"""Case interchange format v1 (docs/case-format.md): validation, import and export.

A file is validated as a whole first; nothing is written unless every line is valid. Codes are
checked against the Term table, so the vocabularies stay data.
"""

import contextlib
import datetime as dt
import json
import multiprocessing
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import connection, connections, transaction
from django.db.models import F, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from modelcluster.models import get_all_child_relations
from taggit.models import Tag
from wagtail import hooks
from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision
from wagtail.signals import page_published

from core.text import has_control_characters
from privacy import screening
from privacy.screening import detect
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


# Longest text per key: the columns' own lengths (title, subtitle, a phase's heading, a hashtag),
# and for the long texts a bound far above any real case (the anonymisation assistant is sized
# for cases of about 5,000 characters) that keeps a pasted file out of a page.
TEXT_LENGTHS = {
    "title": CasePage._meta.get_field("title").max_length,
    "subtitle": CasePage._meta.get_field("subtitle").max_length,
    "heading": CaseSection._meta.get_field("heading").max_length,
    "hashtags": Tag._meta.get_field("name").max_length,
}
TEXT_MAX_LENGTH = 20_000


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
            else:
                self.text_limits(v, path)
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
            elif not self.text_limits(item, f"{path}[{i}]"):
                ok = False
        if ok and unique and len(set(v)) != len(v):
            self.fail(path, _("同じ値が重複しています"))
            ok = False
        return ok

    def text_limits(self, v: str, path: str) -> bool:
        """The column's length (PostgreSQL refuses a longer value, SQLite would keep it) or
        TEXT_MAX_LENGTH, and no control characters (PostgreSQL refuses NUL in text)."""
        limit = TEXT_LENGTHS.get(re.sub(r"\[\d+\]$", "", path).rsplit(".", 1)[-1], TEXT_MAX_LENGTH)
        ok = True
        if len(v) > limit:
            self.fail(path, _("{limit} 文字以内にしてください").format(limit=f"{limit:,}"))
            ok = False
        if has_control_characters(v):
            self.fail(path, _("制御文字（改行とタブ以外）を含めないでください"))
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


# --- import ----------------------------------------------------------------------------------
# New cases are written in bulk (rows, revisions, log entries), CHUNK at a time; the checks that
# decide whether a case may be published (the anonymisation screening and the publication gate,
# which analyse every text with Sudachi) run first, in `workers` processes. Cases that exist
# already are updated one by one through Wagtail (their revision history, unpublishing).
CHUNK = 200
# The Wagtail hook called with the pages of a chunk just published, before page_published is sent
# for each of them: receivers that can do their work for all of them at once (publishing.media).
PUBLISHED_IN_BULK_HOOK = "pages_published_in_bulk"


@dataclass
class _Checked:
    """What the checks said about one record, before anything is written."""

    findings: list[str]  # the screening's findings (privacy.screening), "" if none
    refusal: str = ""  # the publication gate's refusal of the case as it would be published


def import_cases(
    lines: Iterable[str],
    *,
    index: CaseIndexPage | None = None,
    progress=None,
    workers: int | None = None,
) -> ImportReport:
    """Validate the whole file, then create or update every case in one transaction.

    `progress(n)` is called as cases are written; `workers` processes run the checks (default:
    both cores; 1: this process only).
    """
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
    _refuse_taken_slugs(index, records, existing)
    report = ImportReport()
    tags = _TagCache()
    with _checks(records, existing, workers=workers) as checked, transaction.atomic():
        for start in range(0, len(records), CHUNK):
            new = []
            for number, record in records[start : start + CHUNK]:
                check = next(checked)
                page = existing.get(record["id"])
                publish = bool(record.get("published_at")) and not check.findings
                if check.findings:
                    report.held_back.append(
                        f"line {number}: {record['id']}: "
                        + _("個人情報の可能性があるため下書きとして取り込みました: ")
                        + "、".join(check.findings[:5])
                    )
                if page is None:
                    new.append((number, record, publish, check.refusal))
                    continue
                refusal = _save_case(index, page, record, publish=publish, tags=tags)
                _count(report, number, record, publish=publish, refusal=refusal, created=False)
            if new:
                _create_cases(index, new, tags=tags)
            for number, record, publish, refusal in new:
                _count(report, number, record, publish=publish, refusal=refusal, created=True)
            if progress:
                progress(len(records[start : start + CHUNK]))
    return report


def _count(report, number, record, *, publish: bool, refusal: str, created: bool) -> None:
    if refusal and publish:
        publish = False
        report.held_back.append(
            f"line {number}: {record['id']}: "
            + _("公開ゲートが公開を止めたため下書きとして取り込みました: ")
            + refusal
        )
    report.created += created
    report.updated += not created
    report.published += publish
    report.drafts += not publish


def _refuse_taken_slugs(index, records, existing) -> None:
    """A new case's slug (its id) taken by another page under the case index: say which line."""
    new_ids = [r["id"] for _, r in records if r["id"] not in existing]
    taken = set(index.get_children().filter(slug__in=new_ids).values_list("slug", flat=True))
    if taken:
        raise InterchangeError(
            [
                f"line {number}: id: "
                + _("ID {id} と同じスラッグのページが事例一覧にすでにあります").format(id=r["id"])
                for number, r in records
                if r["id"] in taken and r["id"] not in existing
            ]
        )


# --- the checks, in worker processes -----------------------------------------------------------
@contextlib.contextmanager
def _checks(records, existing, *, workers: int | None) -> Iterator[Iterator[_Checked]]:
    """The checks' verdicts in the order of `records`, as they come.

    The screening for every record to be published and, for new cases, the publication gate
    (publishing/gate.py) on the page as it will be written; existing cases meet the gate when
    Wagtail publishes them. They run in forked workers when those can read this database, while
    this process writes what was checked already; otherwise here, one record at a time.
    """
    tasks = [(record, record["id"] not in existing) for _, record in records]
    workers = _default_workers() if workers is None else workers
    # The screening and the gate read the same texts: the detector runs once per text within the
    # import (privacy.screening.one_import). Forked workers inherit the scope, each its own copy.
    with screening.one_import():
        if workers <= 1 or len(tasks) < 2 * CHUNK or not _database_shared():
            yield map(_check, tasks)
            return
        connections.close_all()  # each worker opens its own; a forked open one is unsafe
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield pool.imap(_check, tasks, chunksize=25)


def _default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def _database_shared() -> bool:
    """Whether a worker process sees this database as this process does."""
    if connection.in_atomic_block:
        return False
    return connection.vendor != "sqlite" or not connection.is_in_memory_db()


def _check(task: tuple[dict, bool]) -> _Checked:
    record, new = task
    if not record.get("published_at"):
        return _Checked([])
    findings = personal_data_findings(record)
    if findings or not new:
        return _Checked(findings)
    page = _build_page(CasePage(external_id=record["id"], slug=record["id"]), record, publish=True)
    page.tagged_items = [CaseTag(tag=Tag(name=name)) for name in record.get("hashtags") or []]
    return _Checked([], publication_refusal(page))


def publication_refusal(page: CasePage) -> str:
    """The publication gate's refusal of `page`, or "" if it may be published.

    The gate (publishing/gate.py) registers itself as the `check_publication` hook: this app
    sits below publishing. Without it nothing may be published (so the import refuses to run).
    """
    checks = hooks.get_hooks("check_publication")
    if not checks:
        raise ImproperlyConfigured("公開ゲート（check_publication フック）が登録されていません")
    for check in checks:
        try:
            check(page)
        except PermissionDenied as refusal:
            return str(refusal)
    return ""


# --- writing -----------------------------------------------------------------------------------
class _TagCache(dict):
    def get_tag(self, name: str) -> Tag:
        if name not in self:
            self[name] = Tag.objects.get_or_create(name=name)[0]
        return self[name]


def _build_page(page: CasePage, record: dict, *, publish: bool) -> CasePage:
    """The case's fields and sections from the record (the hashtags are the caller's)."""
    company = record["company"]
    typology = record.get("typology") or {}
    support = record.get("support") or {}
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
    return page


def _create_cases(index: CaseIndexPage, chunk: list, *, tags: _TagCache) -> None:
    """Write new cases as Wagtail would, in a few statements per chunk.

    What add_child, save_revision and publishing do for each page, done for the chunk at once:
    the tree rows (treebeard paths under the case index), the case rows, sections and hashtags,
    one revision per case, the audit log (created; published), the reference index, and for a
    published case Wagtail's page_published signal, whose receivers queue the search index
    update, invalidate cached pages and file media (the search outbox, pagecache, publishing).
    A case the checks held back is written as a draft. The gate ran on every page to be
    published before this (_check): nothing here publishes a page it did not pass.
    """
    page_type = ContentType.objects.get_for_model(Page)
    case_type = ContentType.objects.get_for_model(CasePage)
    parent = Page.objects.select_for_update().get(pk=index.pk)
    last = parent.get_last_child()
    step = last._get_lastpos_in_path() if last else 0
    now = timezone.now()
    pages: list[CasePage] = []
    for _number, record, publish, refusal in chunk:
        live = publish and not refusal
        step += 1
        page = _build_page(
            CasePage(
                external_id=record["id"],
                slug=record["id"],
                path=Page._get_path(parent.path, parent.depth + 1, step),
                depth=parent.depth + 1,
                numchild=0,
                locale_id=parent.locale_id,
                content_type=case_type,
                url_path=f"{parent.url_path}{record['id']}/",
                live=live,
                has_unpublished_changes=not live,
                first_published_at=now if live else None,
                last_published_at=now if live else None,
                latest_revision_created_at=now,
            ),
            record,
            publish=live,
        )
        page.tagged_items = [
            CaseTag(tag=tags.get_tag(name)) for name in record.get("hashtags") or []
        ]
        pages.append(page)
    # bulk_create refuses multi-table models: the Page rows first (their ids come back), then
    # the case rows with those ids, as save_base(raw=True) does for one row of each table.
    page_fields = [f for f in Page._meta.local_concrete_fields if not f.primary_key]
    rows = Page._base_manager._insert(
        pages, fields=page_fields, returning_fields=Page._meta.db_returning_fields
    )
    for page, (pk,) in zip(pages, rows, strict=True):
        page.pk = page.id = page.page_ptr_id = pk
        page._state.adding = False
    CasePage._base_manager._insert(pages, fields=CasePage._meta.local_concrete_fields, raw=True)
    sections, tagged = [], []
    for page in pages:
        for order, section in enumerate(page.sections.all()):
            section.page_id, section.sort_order = page.pk, order
            sections.append(section)
        for item in page.tagged_items.all():
            item.content_object_id = page.pk
            tagged.append(item)
    CaseSection.objects.bulk_create(sections)
    CaseTag.objects.bulk_create(tagged)
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))
    # A new page has no rows in its other child relations (Wagtail's comments, the case's
    # updates): said in memory, serializable_data below does not query each of them per page.
    for relation in get_all_child_relations(CasePage):
        name = relation.get_accessor_name()
        for page in pages:
            if name not in getattr(page, "_cluster_related_objects", {}):
                setattr(page, name, [])
    revisions = Revision.objects.bulk_create(
        Revision(
            content_type=case_type,
            base_content_type=page_type,
            object_id=str(page.pk),
            created_at=now,
            content=page.serializable_data(),
            object_str=str(page),
        )
        for page in pages
    )
    for page, revision in zip(pages, revisions, strict=True):
        page.latest_revision = revision
        page.live_revision = revision if page.live else None
    Page._base_manager.bulk_update(pages, ["latest_revision", "live_revision"])
    # The audit log as log_action() writes it for add_child and a publication, in one insert.
    entries = []
    for page, revision in zip(pages, revisions, strict=True):
        entry = {"content_type": case_type, "label": page.get_admin_display_title(), "page": page}
        entries.append(PageLogEntry(action="wagtail.create", timestamp=now, **entry))
        if page.live:
            entries.append(
                PageLogEntry(action="wagtail.publish", timestamp=now, revision=revision, **entry)
            )
    for entry in entries:
        entry.content_changed = True
    PageLogEntry.objects.bulk_create(entries)
    index_references(pages)
    published = [(page, revision) for page, revision in zip(pages, revisions, strict=True)]
    published = [(page, revision) for page, revision in published if page.live]
    # Receivers that can handle the chunk's publications at once do so first (publishing.media
    # files the media of all of them in a few queries) and mark the pages they handled, so that
    # their per-page receiver of page_published below leaves those pages alone.
    for handle in hooks.get_hooks(PUBLISHED_IN_BULK_HOOK):
        handle([page for page, _revision in published])
    for page, revision in published:
        page_published.send(sender=CasePage, instance=page, revision=revision)


def index_references(pages: list[CasePage]) -> None:
    """The reference index of new pages, as ReferenceIndex.create_or_update_for_object writes it
    for each, in one insert: the same references extracted from the page in hand, under the
    page's own content type and its base (Page). A new page has no rows yet, so there is
    nothing to compare with or delete (tests/cases/test_interchange_bulk.py compares the rows)."""
    if not pages:
        return
    model = type(pages[0])
    content_type, *_parents, base_content_type = [
        ContentType.objects.get_for_model(m, for_concrete_model=False)
        for m in [model, *model._meta.get_parent_list()]
    ]
    ReferenceIndex.objects.bulk_create(
        [
            ReferenceIndex(
                content_type=content_type,
                base_content_type=base_content_type,
                object_id=page.pk,
                to_content_type_id=to_content_type_id,
                to_object_id=to_object_id,
                model_path=model_path,
                content_path=content_path,
                content_path_hash=ReferenceIndex._get_content_path_hash(content_path),
            )
            for page in pages
            for to_content_type_id, to_object_id, model_path, content_path in set(
                ReferenceIndex._extract_references_from_object(page)
            )
        ],
        ignore_conflicts=connection.features.supports_ignore_conflicts,
    )


def _save_case(
    index: CaseIndexPage, page: CasePage, record: dict, *, publish: bool, tags: _TagCache
) -> str:
    """Updates an existing case through Wagtail; returns the publish gate's refusal, or ""."""
    _build_page(page, record, publish=publish)
    page.tagged_items = [CaseTag(tag=tags.get_tag(name)) for name in record.get("hashtags") or []]
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
