"""Engagement pages: the team's records, files and comment thread, each visit on its own page."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.audit import record as audit
from uploads import preview
from uploads.serving import file_response
from uploads.validation import validate_upload

from . import access, panels, services
from .diff import diff_rows
from .forms import RECORD_FORMS, AttachmentForm, CommentForm, VisitForm
from .models import Attachment, Engagement, Record, Visit

VISIT_RECORD_KINDS = {
    "plan": Record.Kind.VISIT_PLAN,
    "report": Record.Kind.VISIT_REPORT,
}


@login_required
def engagement_list(request):
    engagements = (
        access.engagements_for(request.user)
        .select_related("company", "requesting_body")
        .order_by("-started_on", "code")
    )
    return render(
        request,
        "engagements/engagement_list.html",
        {"engagements": engagements, **_due(engagements)},
    )


# How far ahead the list shows coming visits.
UPCOMING_DAYS = 14


def _due(engagements) -> dict:
    """What is due in active engagements: visits held without a report, and coming visits."""
    today = timezone.localdate()
    visits = Visit.objects.filter(
        engagement__in=engagements, engagement__status=Engagement.Status.ACTIVE
    ).select_related("engagement")
    reported = Record.objects.filter(kind=Record.Kind.VISIT_REPORT, version__gt=0).values(
        "visit_id"
    )
    return {
        "reports_due": visits.filter(scheduled_on__lte=today)
        .exclude(pk__in=reported)
        .order_by("scheduled_on", "engagement__code")[:30],
        "upcoming": visits.filter(
            scheduled_on__gt=today, scheduled_on__lte=today + datetime.timedelta(UPCOMING_DAYS)
        ).order_by("scheduled_on", "engagement__code")[:30],
        "upcoming_days": UPCOMING_DAYS,
    }


@login_required
def engagement_detail(request, pk):
    engagement = access.get_engagement(request.user, pk)
    plan = engagement.activity_plan()
    version = plan.current() if plan else None
    visits = list(engagement.visits.prefetch_related("records").select_related("survey__response"))
    for visit in visits:
        versions = {r.kind: r.version for r in visit.records.all()}
        visit.plan_version = versions.get(Record.Kind.VISIT_PLAN, 0)
        visit.report_version = versions.get(Record.Kind.VISIT_REPORT, 0)
        visit.survey_or_none = getattr(visit, "survey", None)
    return render(
        request,
        "engagements/engagement_detail.html",
        {
            "engagement": engagement,
            "members": engagement.members.select_related("user__organisation").order_by("role"),
            "visits": visits,
            "plan": plan,
            "plan_rows": RECORD_FORMS[Record.Kind.ACTIVITY_PLAN].display(version.data)
            if version
            else [],
            "can_write": access.can_write_records(request.user, engagement),
            "can_propose": bool(
                access.team_role(request.user, engagement) & {"supporter", "support_member"}
            ),
            "visit_form": VisitForm(),
            # Sections of the apps above (dispatch: the support requests), engagements/panels.py
            "panels": panels.render(request, engagement),
        },
    )


@login_required
@require_POST
def visit_create(request, pk):
    engagement = access.get_engagement(request.user, pk)
    access.require(access.can_write_records(request.user, engagement))
    form = VisitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("訪問日の形式が正しくありません。"))
        return redirect("engagements:detail", pk=engagement.pk)
    visit = services.visit_create(
        engagement=engagement, scheduled_on=form.cleaned_data["scheduled_on"]
    )
    messages.success(request, _("%(visit)sを追加しました。") % {"visit": visit})
    return redirect("engagements:visit", pk=visit.pk)


@login_required
def visit_detail(request, pk):
    visit = access.get_visit(request.user, pk)
    engagement = visit.engagement
    records = {r.kind: r for r in visit.records.all()}
    sections = []
    for slug, kind in VISIT_RECORD_KINDS.items():
        record = records.get(kind)
        version = record.current() if record else None
        sections.append(
            {
                "slug": slug,
                "kind": kind,
                "label": Record.Kind(kind).label,
                "record": record,
                "version": version,
                "rows": RECORD_FORMS[kind].display(version.data) if version else [],
                "attachments": _latest_attachments(visit, kind),
            }
        )
    return render(
        request,
        "engagements/visit_detail.html",
        {
            "visit": visit,
            "engagement": engagement,
            "sections": sections,
            "comments": visit.comments.select_related("author"),
            "comment_form": CommentForm(),
            "attachment_form": AttachmentForm(),
            "can_write": access.can_write_records(request.user, engagement),
            "can_upload": access.can_upload(request.user, engagement),
            "can_comment": access.can_comment(request.user, engagement),
            "survey": getattr(visit, "survey", None),
        },
    )


def _latest_attachments(visit: Visit, slot: str) -> list[Attachment]:
    """Newest version of each file, with the number of earlier versions."""
    latest: dict[str, Attachment] = {}
    for attachment in visit.attachments.filter(slot=slot).order_by("name_key", "-version"):
        if attachment.name_key not in latest:
            attachment.earlier = []
            latest[attachment.name_key] = attachment
        else:
            latest[attachment.name_key].earlier.append(attachment)
    return list(latest.values())


def _resolve_record(
    request, *, engagement_pk=None, visit_pk=None, kind_slug=None, create=False
) -> Record:
    """The record named by the URL, within the user's engagements (404 otherwise)."""
    if visit_pk is not None:
        if kind_slug not in VISIT_RECORD_KINDS:
            raise Http404
        visit = access.get_visit(request.user, visit_pk)
        engagement, kind = visit.engagement, VISIT_RECORD_KINDS[kind_slug]
    else:
        visit, engagement = None, access.get_engagement(request.user, engagement_pk)
        kind = Record.Kind.ACTIVITY_PLAN
    if create:
        access.require(access.can_write_records(request.user, engagement))
        return services.record_for(engagement, kind, visit)
    record = Record.objects.filter(engagement=engagement, visit=visit, kind=kind).first()
    if record is None:
        raise Http404
    return record


@login_required
def record_edit(request, **owner):
    record = _resolve_record(request, **owner, create=True)
    form_class = RECORD_FORMS[record.kind]
    current = record.current()
    if request.method == "POST":
        form = form_class(request.POST, record=record)
        if form.is_valid():
            try:
                services.record_save(
                    record=record,
                    base_version=form.cleaned_data["base_version"],
                    data=form.stored_data(),
                    author=request.user,
                )
            except services.Conflict:
                form.add_error(
                    None, _("ほかの人が同時に保存しました。最新の版を確認してください。")
                )
            else:
                messages.success(
                    request,
                    _("%(kind)sを保存しました（第%(version)s版）。")
                    % {"kind": record.get_kind_display(), "version": record.version},
                )
                return redirect(_owner_url(record))
    else:
        initial = dict(current.data) if current else {}
        initial["base_version"] = record.version
        form = form_class(initial=initial, record=record)
    latest = None
    if form.errors and record.version and form.data.get("base_version") != str(record.version):
        # Show what the other person saved, so the editor can merge by hand; saving again now
        # builds on that version.
        latest = {"version": record.current(), "rows": form_class.display(record.current().data)}
        form.data = form.data.copy()
        form.data["base_version"] = record.version
    return render(
        request,
        "engagements/record_form.html",
        {"form": form, "record": record, "back_url": _owner_url(record), "latest": latest},
    )


def _owner_url(record: Record) -> str:
    if record.visit_id:
        return reverse("engagements:visit", args=[record.visit_id])
    return reverse("engagements:detail", args=[record.engagement_id])


@login_required
def record_versions(request, **owner):
    record = _resolve_record(request, **owner)
    versions = list(record.versions.select_related("author"))
    compare = None
    if versions:
        numbers = {v.number: v for v in versions}
        newer = numbers.get(_int(request.GET.get("b")), versions[0])
        older = numbers.get(_int(request.GET.get("a")), versions[1] if len(versions) > 1 else None)
        if older is not None:
            compare = {
                "older": older,
                "newer": newer,
                "rows": diff_rows(RECORD_FORMS[record.kind], older.data, newer.data),
            }
    return render(
        request,
        "engagements/record_versions.html",
        {
            "record": record,
            "versions": versions,
            "compare": compare,
            "back_url": _owner_url(record),
        },
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_POST
def attachment_upload(request, pk):
    visit = access.get_visit(request.user, pk)
    access.require(access.can_upload(request.user, visit.engagement))
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            upload = validate_upload(form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc)
    if form.errors:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(f"{visit_url(visit)}#files")
    attachment = services.attachment_add(
        visit=visit, slot=form.cleaned_data["slot"], upload=upload, user=request.user
    )
    messages.success(
        request,
        _("「%(name)s」をアップロードしました（第%(version)s版）。")
        % {"name": attachment.name, "version": attachment.version},
    )
    return redirect(f"{visit_url(visit)}#files")


def visit_url(visit: Visit) -> str:
    return reverse("engagements:visit", args=[visit.pk])


def _openable_attachment(request, pk) -> Attachment:
    attachment = access.get_attachment(request.user, pk)
    access.require(access.can_open_attachment(request.user, attachment))
    return attachment


@login_required
def attachment_detail(request, pk):
    """Shows a file in the browser: images and PDFs inline, spreadsheets as tables."""
    attachment = _openable_attachment(request, pk)
    context = {"attachment": attachment, "visit": attachment.visit}
    content = None
    if attachment.kind in {"xlsx", "docx", "pptx"}:
        with attachment.file.open("rb") as handle:
            content = handle.read()
    if attachment.kind == "xlsx":
        context["sheets"] = preview.xlsx_sheets(content)
    elif attachment.kind == "docx":
        context["paragraphs"] = preview.docx_paragraphs(content)
    elif attachment.kind == "pptx":
        context["slides"] = preview.pptx_slides(content)
    context["versions"] = Attachment.objects.filter(
        visit=attachment.visit, slot=attachment.slot, name_key=attachment.name_key
    ).select_related("uploaded_by")
    audit(user=request.user, action="view_file", target=attachment, request=request)
    return render(request, "engagements/attachment_detail.html", context)


@login_required
def attachment_download(request, pk):
    attachment = _openable_attachment(request, pk)
    audit(user=request.user, action="download", target=attachment, request=request)
    return file_response(
        content=attachment.file.open("rb"),
        name=attachment.name,
        content_type=attachment.content_type,
    )


@login_required
def attachment_inline(request, pk):
    """The bytes of an image or PDF for display inside the attachment page."""
    attachment = _openable_attachment(request, pk)
    if attachment.kind not in {"image", "pdf"}:
        raise Http404
    return file_response(
        content=attachment.file.open("rb"),
        name=attachment.name,
        content_type=attachment.content_type,
        inline=True,
    )


@login_required
@require_POST
def comment_create(request, pk):
    visit = access.get_visit(request.user, pk)
    access.require(access.can_comment(request.user, visit.engagement))
    form = CommentForm(request.POST)
    if form.is_valid():
        services.comment_add(visit=visit, author=request.user, body=form.cleaned_data["body"])
        messages.success(request, _("コメントを投稿しました。関係者にメールで知らせます。"))
    else:
        messages.error(request, _("コメントを入力してください（4000 字まで）。"))
    return redirect(f"{visit_url(visit)}#comments")
