"""Sending a survey's request to the company's contacts: on its start date, or again.

Apart from services.py because the task worker's task (tasks.py) sends the due requests too,
and services.py schedules that task: both import this module, neither imports the other.
"""

import datetime

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.mail import absolute_url, send_notification
from engagements.models import EngagementMember, Visit

from .models import Survey


def send_due_requests(*, today: datetime.date | None = None) -> int:
    """Sends every request whose start date has come; each survey's request goes out once."""
    today = today or timezone.localdate()
    sent = 0
    due = Survey.objects.filter(requested_at__isnull=True, response__isnull=True).exclude(
        starts_on__gt=today
    )
    for survey in due.select_related("visit__engagement"):
        # The conditional update makes two workers racing over one survey send it once.
        claimed = Survey.objects.filter(pk=survey.pk, requested_at__isnull=True).update(
            requested_at=timezone.now()
        )
        if claimed:
            send_request(survey)
            sent += 1
    return sent


def company_contacts(visit: Visit):
    return get_user_model().objects.filter(
        is_active=True,
        engagement_roles__engagement=visit.engagement_id,
        engagement_roles__role=EngagementMember.Role.COMPANY_CONTACT,
    )


def send_request(survey: Survey, *, reminder: bool = False) -> None:
    url = absolute_url(reverse("surveys:answer", args=[survey.pk]))
    if reminder:
        subject = _("【再送】%(visit)sのアンケートへのご協力のお願い") % {"visit": survey.visit}
    else:
        subject = _("%(visit)sのアンケートへのご協力のお願い") % {"visit": survey.visit}
    for user in company_contacts(survey.visit):
        send_notification(
            user,
            subject=subject,
            template="surveys/email/request",
            context={"survey": survey, "url": url},
        )
