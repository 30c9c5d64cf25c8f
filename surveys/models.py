"""A satisfaction survey per visit and the company's one answer to it."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engagements.models import Visit


class Survey(models.Model):
    """The survey of one visit; start date and deadline are optional (often unknown)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("開始前")
        WAITING = "waiting", _("回答待ち")
        OVERDUE = "overdue", _("期限切れ")
        ANSWERED = "answered", _("回答済み")

    visit = models.OneToOneField(Visit, on_delete=models.CASCADE, related_name="survey")
    starts_on = models.DateField(
        _("開始日"),
        null=True,
        blank=True,
        help_text=_("この日に回答依頼メールが自動で送られます。空欄なら登録後すぐに送ります。"),
    )
    deadline = models.DateField(_("回答期限"), null=True, blank=True)
    requested_at = models.DateTimeField(_("回答依頼を送った日時"), null=True, blank=True)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("満足度アンケート")
        verbose_name_plural = _("満足度アンケート")
        ordering = ["-created_at"]

    def __str__(self):
        return _("%(visit)sのアンケート") % {"visit": self.visit}

    @classmethod
    def status_expression(cls, today: datetime.date) -> models.Case:
        """status() in SQL, so a list can filter and count by status without loading rows."""
        return models.Case(
            models.When(response__isnull=False, then=models.Value(cls.Status.ANSWERED)),
            models.When(starts_on__gt=today, then=models.Value(cls.Status.NOT_STARTED)),
            models.When(deadline__lt=today, then=models.Value(cls.Status.OVERDUE)),
            default=models.Value(cls.Status.WAITING),
            output_field=models.CharField(),
        )

    def status(self, today: datetime.date | None = None) -> "Survey.Status":
        today = today or timezone.localdate()
        if hasattr(self, "response"):
            return self.Status.ANSWERED
        if self.starts_on and self.starts_on > today:
            return self.Status.NOT_STARTED
        if self.deadline and self.deadline < today:
            return self.Status.OVERDUE
        return self.Status.WAITING


class SurveyResponse(models.Model):
    """The company's answer; one per survey (a second submission is refused)."""

    survey = models.OneToOneField(Survey, on_delete=models.CASCADE, related_name="response")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, verbose_name=_("回答者")
    )
    answered_at = models.DateTimeField(_("回答日時"), auto_now_add=True)
    q1 = models.CharField(max_length=20)
    q2 = models.CharField(max_length=20)
    q3 = models.JSONField(default=list)
    q4 = models.CharField(max_length=20)
    q5 = models.CharField(max_length=20)
    q6 = models.CharField(max_length=20)

    class Meta:
        verbose_name = _("アンケート回答")
        verbose_name_plural = _("アンケート回答")

    def __str__(self):
        return str(self.survey)
