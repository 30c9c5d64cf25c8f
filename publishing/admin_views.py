"""The secretariat's side in the Wagtail admin: review queue, case drafts, anonymisation, know-how."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from cases.models import CasePage
from engagements.forms import RECORD_FORMS
from engagements.models import Record
from privacy.anonymise import suggest_replacements
from privacy.detect import STRUCTURED_KINDS, detect

from . import case_text, services
from .drafting import DraftError
from .forms import DeclineForm, KnowHowForm
from .gate import KIND_LABELS, blocking_problems, image_metadata, known_for
from .knowhow import KnowHowError, knowhow_codify
from .models import Proposal

REVIEWERS = {roles.SECRETARIAT, roles.EDITOR}


def _require_reviewer(request) -> None:
    if not roles.has_any_role(request.user, REVIEWERS):
        raise PermissionDenied


def queue(request):
    """What is waiting, for how long, and who has it."""
    _require_reviewer(request)
    show = request.GET.get("show", "open")
    proposals = Proposal.objects.select_related(
        "engagement__company", "proposed_by", "assignee", "case"
    )
    if show == "open":
        proposals = proposals.filter(status__in=Proposal.OPEN)
    now = timezone.now()
    rows = [(p, (now - p.created_at).days) for p in proposals.order_by("created_at")]
    return render(request, "publishing/admin/queue.html", {"rows": rows, "show": show})


def detail(request, pk):
    _require_reviewer(request)
    proposal = get_object_or_404(
        Proposal.objects.select_related("engagement__company", "proposed_by", "assignee"), pk=pk
    )
    engagement = proposal.engagement
    reports = []
    for record in (
        Record.objects.filter(engagement=engagement, kind=Record.Kind.VISIT_REPORT, version__gt=0)
        .select_related("visit")
        .order_by("visit__number")
    ):
        rows = RECORD_FORMS[record.kind].display(record.current().data)
        reports.append((record.visit, rows))
    return render(
        request,
        "publishing/admin/detail.html",
        {
            "proposal": proposal,
            "engagement": engagement,
            "reports": reports,
            "decline_form": DeclineForm(),
        },
    )


@require_POST
def assign(request, pk):
    _require_reviewer(request)
    proposal = services.proposal_assign(
        proposal=get_object_or_404(Proposal, pk=pk), user=request.user
    )
    messages.success(request, _("この提案の担当になりました。"))
    return redirect("publishing_admin:detail", pk=proposal.pk)


@require_POST
def create_draft(request, pk):
    _require_reviewer(request)
    proposal = get_object_or_404(Proposal, pk=pk)
    try:
        page = services.draft_create(proposal=proposal, user=request.user)
    except DraftError as exc:
        messages.error(request, str(exc))
        return redirect("publishing_admin:detail", pk=proposal.pk)
    messages.success(
        request, _("事例原稿を作成しました。まず匿名化アシスタントで個人情報を置き換えてください。")
    )
    return redirect("publishing_admin:anonymise", page_id=page.pk)


@require_POST
def decline(request, pk):
    _require_reviewer(request)
    proposal = get_object_or_404(Proposal, pk=pk, status__in=Proposal.OPEN)
    form = DeclineForm(request.POST)
    if form.is_valid():
        services.proposal_decline(
            proposal=proposal, user=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("提案を見送りにしました。提案者にメールで伝えます。"))
    else:
        messages.error(request, _("見送りの理由を入力してください。"))
    return redirect("publishing_admin:detail", pk=proposal.pk)


def _case_for_editing(request, page_id) -> CasePage:
    _require_reviewer(request)
    page = get_object_or_404(CasePage, pk=page_id)
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return page


def _highlighted(text: str, findings) -> str:
    """The text with each finding in <mark>, everything escaped."""
    out, pos = [], 0
    for f in findings:
        out.append(escape(text[pos : f.start]))
        label = KIND_LABELS.get(f.kind, _("固有名詞の候補"))
        out.append(f'<mark title="{escape(label)}">{escape(text[f.start : f.end])}</mark>')
        pos = f.end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


def anonymise(request, page_id):
    """Findings highlighted field by field, with one consistent set of replacements for the case."""
    page = _case_for_editing(request, page_id)
    draft = page.get_latest_revision_as_object()
    known = known_for(draft)
    slots = list(case_text.slots(draft))
    per_slot = [(slot, detect(slot.text, known=known)) for slot in slots]
    suggestions = suggest_replacements(f for _slot, findings in per_slot for f in findings)
    if request.method == "POST":
        mapping = {}
        for i, surface in enumerate(request.POST.getlist("surface")):
            replacement = request.POST.get(f"replacement-{i}", "").strip()
            if surface in suggestions and request.POST.get(f"apply-{i}") and replacement:
                mapping[surface] = replacement[:50]
        changed = services.anonymise_case(page=page, user=request.user, mapping=mapping)
        messages.success(
            request,
            _("%(n)s 種類の語を置き換え、%(fields)s 項目を更新しました（新しい下書きとして保存）。")
            % {"n": len(mapping), "fields": changed},
        )
        return redirect("publishing_admin:anonymise", page_id=page.pk)
    fields = [
        {"label": slot.label, "html": _highlighted(slot.text, findings), "count": len(findings)}
        for slot, findings in per_slot
        if slot.text
    ]
    counts: dict[str, int] = {}
    kinds: dict[str, str] = {}
    for _slot, findings in per_slot:
        for f in findings:
            counts[f.text] = counts.get(f.text, 0) + 1
            kinds.setdefault(f.text, f.kind)
    table = [
        {
            "surface": surface,
            "replacement": replacement,
            "count": counts.get(surface, 0),
            "kind": KIND_LABELS.get(kinds.get(surface, ""), _("固有名詞の候補")),
            "blocking": kinds.get(surface, "") in STRUCTURED_KINDS
            or kinds.get(surface, "").startswith("known_"),
        }
        for surface, replacement in suggestions.items()
    ]
    return render(
        request,
        "publishing/admin/anonymise.html",
        {
            "page": page,
            "fields": fields,
            "table": table,
            "problems": blocking_problems(draft),
            "images": [(image, image_tags) for image, image_tags in _image_checks(draft)],
        },
    )


def _image_checks(draft):
    for image in case_text.images(draft):
        yield image, image_metadata(image)


def codify(request, page_id):
    """From a case passage, create or extend a know-how article linked back to the case."""
    page = _case_for_editing(request, page_id)
    form = KnowHowForm(request.POST or None, initial={"lesson": request.GET.get("passage", "")})
    if request.method == "POST" and form.is_valid():
        try:
            article = knowhow_codify(case=page, user=request.user, **form.cleaned_data)
        except KnowHowError as exc:
            form.add_error("lesson", str(exc))
        else:
            messages.success(
                request,
                _("ノウハウ「%(title)s」に事例へのリンクと教訓を追加しました（下書き）。")
                % {"title": article.title},
            )
            return redirect(reverse("wagtailadmin_pages:edit", args=[article.pk]))
    return render(request, "publishing/admin/codify.html", {"page": page, "form": form})
