"""Proposal writes: submit, take, draft, anonymise, and the supporter told of the outcome."""

from collections.abc import Mapping

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import CasePage, PrefectureDisclosure
from core.mail import absolute_url, send_notification
from core.mail import on_commit as mail_on_commit
from engagements.models import Engagement
from engagements.notifications import secretariat_users
from privacy import quasi
from privacy import resolve as resolution
from privacy.anonymise import apply_replacements

from . import case_text, entities
from .drafting import case_draft_from_engagement
from .models import CaseEntity, Proposal


class StaleDraft(Exception):
    """The draft changed since the reviewer looked at it; nothing was applied."""


class DisclosureRefused(Exception):
    """The prefecture may not be shown (k rule); the message says why, in Japanese."""


class AlreadyProposed(Exception):
    """The engagement already has an open proposal."""


@transaction.atomic
def proposal_submit(*, engagement: Engagement, user, note: str) -> Proposal:
    try:
        with transaction.atomic():
            proposal = Proposal.objects.create(engagement=engagement, proposed_by=user, note=note)
    except IntegrityError as exc:
        raise AlreadyProposed from exc
    mail_on_commit(lambda: _tell_secretariat(proposal))
    return proposal


def _tell_secretariat(proposal: Proposal) -> None:
    url = absolute_url(reverse("publishing_admin:detail", args=[proposal.pk]))
    for user in secretariat_users():
        send_notification(
            user,
            subject=_("事例化の提案が届きました（%(code)s）") % {"code": proposal.engagement.code},
            template="publishing/email/proposal_submitted",
            context={"proposal": proposal, "url": url},
        )


@transaction.atomic
def proposal_assign(*, proposal: Proposal, user) -> Proposal:
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    proposal.assignee = user
    if proposal.status == Proposal.Status.SUBMITTED:
        proposal.status = Proposal.Status.IN_REVIEW
    proposal.save(update_fields=["assignee", "status", "updated_at"])
    return proposal


@transaction.atomic
def draft_create(*, proposal: Proposal, user):
    """The case draft of a proposal, created once; a second call returns the same page."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.case_id:
        return proposal.case
    page = case_draft_from_engagement(proposal.engagement, user=user)
    entities.seed(page=page)
    proposal.case = page
    proposal.assignee = proposal.assignee or user
    proposal.status = Proposal.Status.DRAFTING
    proposal.save(update_fields=["case", "assignee", "status", "updated_at"])
    return page


@transaction.atomic
def proposal_decline(*, proposal: Proposal, user, reason: str) -> Proposal:
    proposal.status = Proposal.Status.DECLINED
    proposal.save(update_fields=["status", "updated_at"])
    mail_on_commit(lambda: _tell_proposer(proposal, "declined", reason))
    return proposal


def after_review_action(task_state, action_name: str, user, comment: str) -> None:
    """Keeps the proposal in step with the workflow (inside its transaction)."""
    if action_name != "reject":
        return  # approval ends in publication, handled by case_published
    for proposal in Proposal.objects.filter(case_id=task_state.workflow_state.object_id).exclude(
        status__in=[Proposal.Status.PUBLISHED, Proposal.Status.DECLINED]
    ):
        proposal.status = Proposal.Status.CHANGES_REQUESTED
        proposal.save(update_fields=["status", "updated_at"])
        mail_on_commit(lambda p=proposal: _tell_proposer(p, "changes_requested", comment))


@transaction.atomic
def anonymise_case(*, page, user, mapping: Mapping[str, str]) -> int:
    """Applies the replacements (surface -> replacement) to every text of the case's latest
    draft and saves it as a new revision when anything changed; the number of texts changed."""
    draft = page.get_latest_revision_as_object()
    changed = 0
    for slot in case_text.slots(draft):
        new = apply_replacements(slot.text, mapping)
        if new != slot.text:
            slot.set(new)
            changed += 1
    if changed:
        draft.save_revision(user=user, log_action=True)
    return changed


def _latest_for_update(page, expected_revision: int | None):
    """The case's latest draft, refusing with StaleDraft when it is not the one the reviewer saw
    (two reviewers at once, or an edit in another tab): offsets would point elsewhere."""
    page = CasePage.objects.select_for_update().get(pk=page.pk)  # fresh: latest_revision moves
    latest = page.get_latest_revision()
    if expected_revision is not None and (latest is None or latest.pk != expected_revision):
        raise StaleDraft
    return page.get_latest_revision_as_object()


@transaction.atomic
def apply_labels(
    *, page, user, choices: Mapping[tuple[str, int], int], expected_revision: int | None = None
) -> int:
    """Replaces every resolved mention of the case's people and firms with its one label, in
    every field; `choices` are the reviewer's picks for ambiguous mentions ((slot key, start) →
    entry index). Saves one new revision; the number of fields changed."""
    draft = _latest_for_update(page, expected_revision)
    rows = list(CaseEntity.objects.filter(page=page))
    labels = entities.labels(rows)
    changed = 0
    for item in entities.resolve_case(draft, rows, choices):
        new = resolution.apply(item.slot.text, item.resolution, labels)
        if new != item.slot.text:
            item.slot.set(new)
            changed += 1
    if changed:
        draft.save_revision(user=user, log_action=True)
    return changed


@transaction.atomic
def apply_quasi(
    *,
    page,
    user,
    accepted: list[tuple[str, quasi.Suggestion]],
    expected_revision: int | None = None,
) -> int:
    """Applies accepted coarser forms (68歳 → 60代) as (slot key, suggestion); a suggestion whose
    text no longer stands at its place is skipped. The number of fields changed."""
    draft = _latest_for_update(page, expected_revision)
    by_slot: dict[str, list[quasi.Suggestion]] = {}
    for key, suggestion in accepted:
        by_slot.setdefault(key, []).append(suggestion)
    changed = 0
    for slot in case_text.slots(draft):
        if slot.key in by_slot:
            new = quasi.apply(slot.text, by_slot[slot.key])
            if new != slot.text:
                slot.set(new)
                changed += 1
    if changed:
        draft.save_revision(user=user, log_action=True)
    return changed


@transaction.atomic
def set_prefecture_shown(*, page: CasePage, user, show: bool) -> None:
    """The secretariat's per-case permission to show the prefecture. Refused unless at least
    settings.CASE_PREFECTURE_K published cases (this one counted) share the industry and the
    prefecture; the rule is applied again at every rendering (CasePage.public_prefecture)."""
    if not show:
        PrefectureDisclosure.objects.filter(case=page).delete()
        return
    if not page.prefecture:
        raise DisclosureRefused(_("この事例には都道府県が登録されていません。"))
    peers, k = page.prefecture_peers(), settings.CASE_PREFECTURE_K
    if peers < k:
        raise DisclosureRefused(
            _(
                "同じ業種・都道府県の公開事例がこの事例を含めて %(n)s 件しかないため、"
                "都道府県は表示できません（%(k)s 件以上で表示できます）。地域だけを表示します。"
            )
            % {"n": peers, "k": k}
        )
    PrefectureDisclosure.objects.get_or_create(case=page, defaults={"decided_by": user})


@transaction.atomic
def case_published(*, page) -> None:
    """Marks the page's open proposals published and tells the proposers after commit.

    Called for every publication of a case (signals.on_case_published), inside Wagtail's
    publishing transaction."""
    for proposal in Proposal.objects.filter(case=page, status__in=Proposal.OPEN):
        proposal.status = Proposal.Status.PUBLISHED
        proposal.save(update_fields=["status", "updated_at"])
        mail_on_commit(lambda p=proposal: _tell_proposer(p, "published", ""))


SUBJECTS = {
    "published": gettext_lazy("ご提案の事例が公開されました（%(code)s）"),
    "changes_requested": gettext_lazy("ご提案の事例原稿について確認のお願い（%(code)s）"),
    "declined": gettext_lazy("ご提案の事例化について（%(code)s）"),
}


def _tell_proposer(proposal: Proposal, event: str, comment: str) -> None:
    if proposal.proposed_by is None or not proposal.proposed_by.is_active:
        return
    url = absolute_url(reverse("publishing:mine"))
    case_url = ""
    if event == "published" and proposal.case_id:
        case_url = absolute_url(proposal.case.url or "")
    send_notification(
        proposal.proposed_by,
        subject=str(SUBJECTS[event]) % {"code": proposal.engagement.code},
        template=f"publishing/email/{event}",
        context={"proposal": proposal, "comment": comment, "url": url, "case_url": case_url},
    )
