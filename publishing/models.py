"""Proposals to turn an engagement into a published case, and the secretariat's approval task."""

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from wagtail.models import GroupApprovalTask, TaskState

from engagements.models import Engagement


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


class SecretariatApprovalTask(GroupApprovalTask):
    """The secretariat's approval: refused while known names or identifiers remain; one winner.

    Approving publishes the case. Two secretariat members approving at the same moment both reach
    on_action; the row lock makes the second see the task already finished and do nothing.
    """

    class Meta:
        verbose_name = _("事務局の承認（匿名化チェック付き）")
        verbose_name_plural = _("事務局の承認（匿名化チェック付き）")

    def get_actions(self, obj, user):
        actions = super().get_actions(obj, user)
        from .gate import blocking_problems

        if any(name == "approve" for name, *_rest in actions) and blocking_problems(
            obj.get_latest_revision_as_object()
        ):
            # Approving would publish personal data: only a change request is offered.
            actions = [a for a in actions if a[0] == "reject"]
        return actions

    def on_action(self, task_state, user, action_name, **kwargs):
        with transaction.atomic():
            locked = TaskState.objects.select_for_update().get(pk=task_state.pk)
            if locked.status != TaskState.STATUS_IN_PROGRESS:
                return None  # someone else finished this task a moment ago
            task_state.refresh_from_db()
            result = super().on_action(task_state, user, action_name, **kwargs)
            from . import services

            services.after_review_action(task_state, action_name, user, kwargs.get("comment", ""))
            return result
