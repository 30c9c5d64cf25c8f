"""Survey writes: setting one up, sending the request when it starts, taking the one answer."""

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import default_task_backend

from core.mail import absolute_url, send_notification
from core.mail import on_commit as mail_on_commit
from engagements.models import Visit
from engagements.notifications import secretariat_users

from .models import Survey, SurveyResponse
from .sending import company_contacts, send_request
from .sending import send_due_requests as send_due_requests  # for send_survey_requests
from .tasks import send_due_survey_requests


class AlreadyAnswered(Exception):
    """The survey has its answer; a second one is refused."""


@transaction.atomic
def survey_setup(
    *, visit: Visit, starts_on: datetime.date | None, deadline: datetime.date | None
) -> Survey:
    """Creates or changes a visit's survey; the request goes out on the start date by itself."""
    survey, _created = Survey.objects.update_or_create(
        visit=visit, defaults={"starts_on": starts_on, "deadline": deadline}
    )
    mail_on_commit(lambda: schedule_request(survey))
    return survey


def schedule_request(survey: Survey) -> None:
    """Sends now if due, otherwise leaves it to the task worker at 9:00 on the start date."""
    today = timezone.localdate()
    if survey.starts_on is None or survey.starts_on <= today:
        send_due_requests(today=today)
    elif default_task_backend.supports_defer:
        at = timezone.make_aware(datetime.datetime.combine(survey.starts_on, datetime.time(9)))
        send_due_survey_requests.using(run_after=at).enqueue()


class NotRemindable(Exception):
    """The survey is answered or has not started: there is nothing to remind of."""


def survey_remind(*, survey: Survey) -> int:
    """Sends the request mail again to the company's contacts; returns how many were sent."""
    status = survey.status()
    if status not in (Survey.Status.WAITING, Survey.Status.OVERDUE):
        raise NotRemindable
    contacts = list(company_contacts(survey.visit))
    if contacts:
        send_request(survey, reminder=True)
        if survey.requested_at is None:
            Survey.objects.filter(pk=survey.pk, requested_at__isnull=True).update(
                requested_at=timezone.now()
            )
    return len(contacts)


@transaction.atomic
def answer_submit(*, survey: Survey, respondent, answers: dict) -> SurveyResponse:
    """Stores the answer; the secretariat hears about it once it is committed."""
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                survey=survey, respondent=respondent, **answers
            )
    except IntegrityError as exc:
        raise AlreadyAnswered from exc
    mail_on_commit(lambda: _notify_answered(response))
    return response


def _notify_answered(response: SurveyResponse) -> None:
    survey = response.survey
    url = absolute_url(reverse("surveys:status"))
    for user in secretariat_users():
        send_notification(
            user,
            subject=_("%(code)s %(visit)sのアンケートに回答がありました")
            % {"code": survey.visit.engagement.code, "visit": survey.visit},
            template="surveys/email/answered",
            context={"survey": survey, "url": url},
        )
