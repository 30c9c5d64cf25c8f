"""What is waiting for the secretariat: proposals, surveys, cases in approval and blocked drafts."""

from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone
from wagtail.models import WorkflowState

from publishing.gate import blocking_problems
from publishing.models import Proposal
from surveys.models import Survey

# Blocked drafts are checked one by one (the privacy gate reads every text): keep it bounded.
MAX_DRAFTS_CHECKED = 20


@dataclass(frozen=True)
class BlockedDraft:
    proposal: Proposal
    problems: int


def proposal_counts() -> list[tuple[str, str, int]]:
    """(status, label, count) of the open proposals, in the order of the workflow."""
    counts = dict(
        Proposal.objects.filter(status__in=Proposal.OPEN)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    return [(s, Proposal.Status(s).label, counts.get(s, 0)) for s in Proposal.OPEN]


def proposals_waiting(user) -> list[Proposal]:
    """Proposals nobody has taken yet and those assigned to `user`, oldest first."""
    unassigned = Proposal.objects.filter(status=Proposal.Status.SUBMITTED, assignee=None)
    mine = Proposal.objects.filter(status__in=Proposal.OPEN, assignee=user)
    return list(
        (unassigned | mine)
        .select_related("engagement__company", "assignee")
        .order_by("created_at")[:20]
    )


def survey_counts() -> list[tuple[str, str, int]]:
    counts = dict(
        Survey.objects.annotate(status_code=Survey.status_expression(timezone.localdate()))
        .order_by()
        .values_list("status_code")
        .annotate(n=Count("id"))
    )
    return [(s, Survey.Status(s).label, counts.get(s, 0)) for s in Survey.Status.values]


def cases_in_approval() -> list[WorkflowState]:
    """Pages waiting in a workflow (事例の公開): the secretariat approves them."""
    return list(
        WorkflowState.objects.active()
        .select_related("current_task_state__task", "requested_by")
        .order_by("created_at")[:20]
    )


def blocked_drafts() -> list[BlockedDraft]:
    """Drafts made from a proposal whose text still blocks publication (names, numbers, …)."""
    drafts = []
    proposals = (
        Proposal.objects.filter(status__in=Proposal.OPEN, case__isnull=False)
        .select_related("engagement", "case")
        .order_by("created_at")[:MAX_DRAFTS_CHECKED]
    )
    for proposal in proposals:
        draft = proposal.case.get_latest_revision_as_object()
        problems = blocking_problems(draft)
        if problems:
            drafts.append(BlockedDraft(proposal=proposal, problems=len(problems)))
    return drafts
