"""The secretariat's side in the Wagtail admin: review queue, case drafts, anonymisation, know-how."""

import re

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from cases.models import CasePage, PrefectureDisclosure
from engagements.forms import RECORD_FORMS
from engagements.models import Record
from privacy import quasi
from privacy.anonymise import suggest_replacements
from privacy.detect import STRUCTURED_KINDS, detect
from privacy.resolve import default_labels
from taxonomy import terms

from . import case_text, checklist, entities, services
from .drafting import DraftError
from .forms import DeclineForm, KnowHowForm
from .gate import KIND_LABELS, blocking_problems, image_metadata, known_for
from .knowhow import KnowHowError, knowhow_codify
from .models import CaseEntity, Proposal

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


def _covered(findings, resolved) -> list:
    """Findings that no mention of a listed person or firm covers (those get their label)."""
    spans = [(m.start, m.end) for m in [*resolved.mentions, *resolved.ambiguous]]
    return [f for f in findings if not any(s < f.end and f.start < e for s, e in spans)]


def _context_of(text: str, start: int, end: int, width: int = 24) -> str:
    return (
        text[max(0, start - width) : start]
        + "【"
        + text[start:end]
        + "】"
        + text[end : end + width]
    )


def _revision_of(request) -> int | None:
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return None


def anonymise(request, page_id):
    """One assistant for the whole case, re-checked after every change:

    1. the people and firms of the case, each with one label (privacy.resolve via
       publishing.entities); ambiguous mentions (a shared surname) with a chooser;
    2. ages, dates and founding years with their coarser forms (privacy.quasi), accepted one by
       one or all at once;
    3. what the detector finds beyond the list (places, identifiers, other names);
    4. the checklist that approval requires, and (secretariat) whether the prefecture is shown.
    """
    page = _case_for_editing(request, page_id)
    if request.method == "POST":
        return _anonymise_post(request, page)
    draft = page.get_latest_revision_as_object()
    latest = page.get_latest_revision()
    known = known_for(draft)
    rows = list(CaseEntity.objects.filter(page=page))
    labels = entities.labels(rows)
    defaults = default_labels(entities.entries(rows))
    resolved = {r.slot.key: r.resolution for r in entities.resolve_case(draft, rows)}
    slots = list(case_text.slots(draft))
    per_slot = []
    for slot in slots:
        findings = detect(slot.text, known=known) if slot.text else []
        if slot.key == "slug" and GENERATED_SLUG.fullmatch(slot.text):
            findings = []  # the draft's generated id (case-1a2b3c4d) names nobody
        if slot.key in resolved:
            findings = _covered(findings, resolved[slot.key])
        per_slot.append((slot, findings))
    # Letters the list's labels use (B氏) are not handed out again to other people.
    suggestions = suggest_replacements(
        (f for _slot, findings in per_slot for f in findings), taken=labels.values()
    )
    mention_counts: dict[int, int] = {}
    for resolution in resolved.values():
        for m in resolution.mentions:
            if m.how != "role":
                mention_counts[m.candidates[0]] = mention_counts.get(m.candidates[0], 0) + 1
    entity_rows = [
        {
            "row": row,
            "index": i,
            "label": labels[i],
            "default": defaults[i],
            "mentions": mention_counts.get(i, 0),
        }
        for i, row in enumerate(rows)
    ]
    ambiguous = [
        {
            "name": f"choice-{key}-{m.start}",
            "field": next(s.label for s in slots if s.key == key),
            "context": _context_of(next(s.text for s in slots if s.key == key), m.start, m.end),
            "candidates": [(i, rows[i].name, labels[i]) for i in m.candidates],
        }
        for key, resolution in resolved.items()
        for m in resolution.ambiguous
    ]
    quasi_rows = [
        {
            "key": slot.key,
            "field": slot.label,
            "suggestion": s,
            "context": _context_of(slot.text, s.start, s.end),
            "kind": QUASI_KINDS.get(s.kind, s.kind),
        }
        for slot in slots
        if slot.text and not slot.key.startswith(("hashtag.", "slug"))
        for s in quasi.suggestions(slot.text)
    ]
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
    is_secretariat = roles.has_any_role(request.user, {roles.SECRETARIAT})
    return render(
        request,
        "publishing/admin/anonymise.html",
        {
            "page": page,
            "revision": latest.pk if latest else "",
            "fields": fields,
            "table": table,
            "entity_rows": entity_rows,
            "entity_kinds": CaseEntity.Kind.choices,
            "ambiguous": ambiguous,
            "quasi_rows": quasi_rows,
            "checklist": checklist.checklist(draft),
            "problems": blocking_problems(draft),
            "images": [(image, image_tags) for image, image_tags in _image_checks(draft)],
            "is_secretariat": is_secretariat,
            "prefecture": _prefecture_context(page) if is_secretariat else None,
        },
    )


GENERATED_SLUG = re.compile(r"case-[0-9a-f]{8}")
QUASI_KINDS = {"age": "年齢", "date": "日付", "founding": "創業・設立年"}


def _prefecture_context(page) -> dict:
    return {
        "label": terms.label("prefecture", page.prefecture),
        "region": terms.label("region", page.region),
        "peers": page.prefecture_peers(),
        "k": settings.CASE_PREFECTURE_K,
        "allowed": PrefectureDisclosure.objects.filter(case=page).exists(),
        "shown": page.public_area,
    }


def _anonymise_post(request, page):
    action = request.POST.get("action", "replace")
    here = redirect("publishing_admin:anonymise", page_id=page.pk)
    try:
        if action == "entities":
            _save_entities(request, page)
            messages.success(request, _("登場する人・組織の一覧を保存しました。"))
        elif action == "seed":
            added = entities.seed(page=page)
            messages.success(request, _("一覧に %(n)s 件を追加しました。") % {"n": added})
        elif action == "labels":
            choices = {}
            for name, value in request.POST.items():
                if name.startswith("choice-") and value.isdigit():
                    key, _sep, start = name[len("choice-") :].rpartition("-")
                    if start.isdigit():
                        choices[(key, int(start))] = int(value)
            changed = services.apply_labels(
                page=page,
                user=request.user,
                choices=choices,
                expected_revision=_revision_of(request),
            )
            messages.success(
                request,
                _(
                    "呼び方を事例全体に適用し、%(fields)s 項目を更新しました（新しい下書きとして保存）。事例全体を再チェックしました。"
                )
                % {"fields": changed},
            )
        elif action == "quasi":
            accepted = []
            for value in request.POST.getlist("accept"):
                # "slot key|start|end|text|replacement", exactly as the page offered it.
                parts = value.split("|")
                if len(parts) != 5 or not parts[1].isdigit() or not parts[2].isdigit():
                    continue
                key, start, end, text, replacement = parts
                accepted.append(
                    (key, quasi.Suggestion(int(start), int(end), text, replacement, ""))
                )
            changed = services.apply_quasi(
                page=page,
                user=request.user,
                accepted=accepted,
                expected_revision=_revision_of(request),
            )
            messages.success(
                request,
                _(
                    "%(n)s 件の提案を採用し、%(fields)s 項目を更新しました。事例全体を再チェックしました。"
                )
                % {"n": len(accepted), "fields": changed},
            )
        elif action == "prefecture":
            if not roles.has_any_role(request.user, {roles.SECRETARIAT}):
                raise PermissionDenied
            show = request.POST.get("show") == "1"
            services.set_prefecture_shown(page=page, user=request.user, show=show)
            messages.success(
                request,
                _("公開ページに都道府県を表示します。")
                if show
                else _("公開ページには地域だけを表示します。"),
            )
        else:
            mapping = {}
            draft = page.get_latest_revision_as_object()
            known = known_for(draft)
            found = [f for slot in case_text.slots(draft) for f in detect(slot.text, known=known)]
            taken = entities.labels(list(CaseEntity.objects.filter(page=page))).values()
            suggestions = suggest_replacements(found, taken=taken)
            for i, surface in enumerate(request.POST.getlist("surface")):
                replacement = request.POST.get(f"replacement-{i}", "").strip()
                if surface in suggestions and request.POST.get(f"apply-{i}") and replacement:
                    mapping[surface] = replacement[:50]
            changed = services.anonymise_case(page=page, user=request.user, mapping=mapping)
            messages.success(
                request,
                _(
                    "%(n)s 種類の語を置き換え、%(fields)s 項目を更新しました（新しい下書きとして保存）。"
                )
                % {"n": len(mapping), "fields": changed},
            )
    except services.StaleDraft:
        messages.error(
            request,
            _(
                "この事例はほかの画面で更新されました。最新の内容でもう一度確認してください（何も変更していません）。"
            ),
        )
    except services.DisclosureRefused as refusal:
        messages.error(request, str(refusal))
    except EntityError as error:
        messages.error(request, str(error))
    return here


class EntityError(Exception):
    """A row of the list cannot be saved as given; the message says why, in Japanese."""


@transaction.atomic
def _save_entities(request, page) -> None:
    """Roles and labels edited, rows removed, one row added; all or nothing."""
    rows = {str(r.pk): r for r in CaseEntity.objects.select_for_update().filter(page=page)}
    for pk, row in rows.items():
        if request.POST.get(f"delete-{pk}"):
            row.delete()
            continue
        row.roles = " ".join(request.POST.get(f"roles-{pk}", row.roles).split())[:200]
        row.label = request.POST.get(f"label-{pk}", row.label).strip()[:50]
        row.save(update_fields=["roles", "label"])
    name = " ".join(request.POST.get("new-name", "").split())[:200]
    if name:
        kind = request.POST.get("new-kind", CaseEntity.Kind.PERSON)
        if kind not in CaseEntity.Kind.values:
            raise EntityError(_("種類を選んでください。"))
        if CaseEntity.objects.filter(page=page, name=name).exists():
            raise EntityError(_("「%(name)s」はすでに一覧にあります。") % {"name": name})
        CaseEntity.objects.create(
            page=page,
            name=name,
            kind=kind,
            roles=" ".join(request.POST.get("new-roles", "").split())[:200],
            position=len(rows) + 1,
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
