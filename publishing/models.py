"""Proposals to turn an engagement into a published case, and the secretariat's approval task."""

from django.conf import settings
from django.db import models, transaction
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _
from wagtail.models import GroupApprovalTask, TaskState

from engagements.models import Engagement

from . import memo
from .checklist import missing
from .gate import PublishBlocked, blocking_problems

# Sent after each action on the secretariat's approval task, inside its transaction, with
# task_state, action_name, user and comment: the proposal follows the review
# (publishing/signals.py connects services.after_review_action, which imports this module).
review_action = Signal()


class Proposal(models.Model):
    """A team's proposal to publish its engagement as a case; the secretariat takes it from here."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("受付待ち")
        IN_REVIEW = "in_review", _("確認中")
        DRAFTING = "drafting", _("事例原稿を作成中")
        CHANGES_REQUESTED = "changes_requested", _("修正依頼")
        PUBLISHED = "published", _("公開済み")
        DECLINED = "declined", _("見送り")

    OPEN = (Status.SUBMITTED, Status.IN_REVIEW, Status.DRAFTING, Status.CHANGES_REQUESTED)

    engagement = models.ForeignKey(
        Engagement, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="proposals"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提案者"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    note = models.TextField(_("事務局へのひとこと"), max_length=2000)
    status = models.CharField(
        _("状態"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("担当者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_proposals",
    )
    case = models.ForeignKey(
        "cases.CasePage",
        verbose_name=_("事例原稿"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    created_at = models.DateTimeField(_("提案日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("事例化の提案")
        verbose_name_plural = _("事例化の提案")
        ordering = ["created_at"]
        constraints = [
            # One open proposal per engagement: a second click cannot queue it twice.
            models.UniqueConstraint(
                fields=["engagement"],
                condition=models.Q(
                    status__in=["submitted", "in_review", "drafting", "changes_requested"]
                ),
                name="one_open_proposal_per_engagement",
            )
        ]

    def __str__(self):
        return f"{self.engagement.code} {self.get_status_display()}"


def required_approvers() -> int:
    """How many distinct secretariat members approve a case (settings.PUBLISHING_CASE_APPROVERS)."""
    return max(1, settings.PUBLISHING_CASE_APPROVERS)


def case_authors(page) -> dict[str, int]:
    """Who wrote the draft: its creator and its last editor (user ids), for the four-eyes rule."""
    authors = {}
    first = page.revisions.order_by("created_at", "pk").first() if page.pk else None
    creator = page.owner_id or (first.user_id if first else None)
    if creator:
        authors["creator"] = creator
    latest = page.get_latest_revision() if page.pk else None
    if latest is not None and latest.user_id:
        authors["last_editor"] = latest.user_id
    return authors


def approval_refusal(page, user, task_state=None) -> str | None:
    """Why `user` may not approve `page` now, in Japanese; None when they may.

    Four eyes: the secretariat member who created the draft or last edited it does not approve
    it. With PUBLISHING_CASE_APPROVERS = 2 each approver counts once.
    """
    authors = case_authors(page)
    if authors.get("creator") == user.pk:
        return _(
            "この事例の下書きを作成したのはあなたなので、承認ボタンは表示されません。"
            "承認は別の事務局員が行います（4 つの目の原則）。"
        )
    if authors.get("last_editor") == user.pk:
        return _(
            "この事例を最後に編集したのはあなたなので、承認ボタンは表示されません。"
            "承認は別の事務局員が行います（4 つの目の原則）。"
        )
    if task_state is not None and task_state.approval_votes.filter(user=user).exists():
        return _("あなたは承認済みです。公開には別の事務局員の承認があと %(n)s 人分必要です。") % {
            "n": required_approvers() - task_state.approval_votes.count()
        }
    return None


class ApprovalVote(models.Model):
    """One secretariat member's approval of a task, when more than one approver is required."""

    task_state = models.ForeignKey(
        TaskState, on_delete=models.CASCADE, related_name="approval_votes"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("承認（複数承認の 1 人分）")
        verbose_name_plural = _("承認（複数承認の 1 人分）")
        constraints = [
            models.UniqueConstraint(fields=["task_state", "user"], name="one_vote_per_approver")
        ]

    def __str__(self):
        return f"{self.user} → {self.task_state_id}"


class SecretariatApprovalTask(GroupApprovalTask):
    """The secretariat's approval: refused while known names or identifiers remain; one winner;
    four eyes (not by the draft's creator or last editor; optionally two distinct approvers).

    Approving publishes the case. Two secretariat members approving at the same moment both reach
    on_action; the row lock makes the second see the task already finished and do nothing.
    """

    class Meta:
        verbose_name = _("事務局の承認（匿名化チェック付き）")
        verbose_name_plural = _("事務局の承認（匿名化チェック付き）")

    def get_actions(self, obj, user):
        actions = super().get_actions(obj, user)
        if not any(name == "approve" for name, *_rest in actions):
            return actions
        # Wagtail asks this two or three times in one request (action menu, status panel, the
        # check before an action) and each answer reads the whole draft: once per request and
        # draft (publishing.memo). on_action and the gate in front of the publication check
        # again for themselves, so a vote or a name recorded meanwhile is not missed.
        key = ("may_approve", self.pk, obj.pk, obj.latest_revision_id, user.pk)
        if not memo.per_request(key, lambda: self._may_approve(obj, user)):
            # Approving would publish personal data or skip the second pair of eyes: only a
            # change request is offered (the editor's panel says why).
            actions = [a for a in actions if a[0] == "reject"]
        return actions

    def _may_approve(self, obj, user) -> bool:
        task_state = self.task_states.filter(
            status=TaskState.STATUS_IN_PROGRESS, workflow_state__object_id=str(obj.pk)
        ).first()
        latest = obj.get_latest_revision_as_object()
        return not (
            approval_refusal(obj, user, task_state) or blocking_problems(latest) or missing(latest)
        )

    def on_action(self, task_state, user, action_name, **kwargs):
        with transaction.atomic():
            locked = TaskState.objects.select_for_update().get(pk=task_state.pk)
            if locked.status != TaskState.STATUS_IN_PROGRESS:
                return None  # someone else finished this task a moment ago
            task_state.refresh_from_db()
            if action_name == "approve":
                page = task_state.workflow_state.content_object.specific
                refusal = approval_refusal(page, user, task_state)
                if refusal:
                    # A hand-made POST gets what the missing button would have said.
                    raise PublishBlocked(refusal)
                if required_approvers() > 1:
                    ApprovalVote.objects.get_or_create(task_state=task_state, user=user)
                    if task_state.approval_votes.count() < required_approvers():
                        return None  # the task waits for the next distinct approver
            result = super().on_action(task_state, user, action_name, **kwargs)
            review_action.send(
                sender=type(self),
                task_state=task_state,
                action_name=action_name,
                user=user,
                comment=kwargs.get("comment", ""),
            )
            return result


class CaseEntity(models.Model):
    """A person or firm a case speaks of, with the one label it gets in the whole case.

    The reviewer's list (privacy.resolve.Entry): seeded from the engagement (its company,
    requesting body and team) and from the names the detector finds in the draft, with the
    roles the text gives them (会長の高橋昭子さん → 会長). Kept with the case so a label chosen
    once stays the same for every later pass of the assistant.
    """

    class Kind(models.TextChoices):
        PERSON = "person", _("人")
        ORGANISATION = "organisation", _("組織")

    page = models.ForeignKey(
        "cases.CasePage", on_delete=models.CASCADE, related_name="anonymisation_entities"
    )
    name = models.CharField(_("名前"), max_length=200)
    kind = models.CharField(_("種類"), max_length=20, choices=Kind.choices, default=Kind.PERSON)
    # Space-separated, the main role first: 「長女 店長」.
    roles = models.CharField(_("役割"), max_length=200, blank=True)
    # Empty: the default label (the role, a letter only to tell two apart).
    label = models.CharField(_("置き換え後の呼び方"), max_length=50, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("事例の登場人物・組織")
        verbose_name_plural = _("事例の登場人物・組織")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["page", "name"], name="one_entity_per_name_per_case")
        ]

    def __str__(self):
        return self.name

    @property
    def role_list(self) -> tuple[str, ...]:
        return tuple(self.roles.split())
