"""Issue 14: surveys that can be acted on — pending first, links, reminders, late answers."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from surveys.models import Survey, SurveyResponse
from tests.conftest import login
from tests.factories import SurveyFactory
from tests.surveys.test_surveys import ANSWER

pytestmark = pytest.mark.django_db


def _answer(survey):
    SurveyResponse.objects.create(survey=survey, **ANSWER)


def test_contact_sees_the_pending_survey_above_answered_ones(client, world):
    # Ten answered surveys of later visits, and the one still waiting (visit 1).
    for number in range(2, 12):
        _answer(SurveyFactory(visit__engagement=world.a, visit__number=number))
    login(client, world.contact)
    html = client.get(reverse("surveys:mine")).content.decode()
    pending_link = reverse("surveys:answer", args=[world.survey_a.pk])
    assert html.index(pending_link) < html.index("回答済みのアンケート")
    assert html.index("回答をお願いしているアンケート") < html.index(pending_link)


def test_status_page_lists_what_needs_action_first_and_links_the_visit(client, world):
    # Only the world's two (the demo's surveys would fill the first page).
    Survey.objects.exclude(pk__in=[world.survey_a.pk, world.survey_b.pk]).delete()
    _answer(world.survey_a)  # T-A answered, T-B waiting
    login(client, world.secretariat)
    html = client.get(reverse("surveys:status")).content.decode()
    assert html.index("T-B") < html.index("T-A")
    assert f'href="{reverse("engagements:visit", args=[world.visit_b.pk])}"' in html
    assert f'href="{reverse("engagements:visit", args=[world.visit_a.pk])}"' in html


def test_chosen_filter_is_marked_and_styled(client, world):
    login(client, world.secretariat)
    html = client.get(reverse("surveys:status"), {"status": "waiting"}).content.decode()
    assert re.search(r'<a class="chip" href="\?status=waiting" aria-current="true">', html)
    assert 'href="?" aria-current' not in html
    # The mark is visible, not only announced: the stylesheet fills the current chip.
    css = client.get("/static/css/site.css")
    body = b"".join(css.streaming_content) if css.streaming else css.content
    assert re.search(rb"a\.chip\[aria-current\]\s*\{[^}]*background", body)


def test_secretariat_reminds_a_waiting_company(client, world):
    Survey.objects.exclude(pk__in=[world.survey_a.pk, world.survey_b.pk]).delete()
    login(client, world.secretariat)
    html = client.get(reverse("surveys:status")).content.decode()
    assert reverse("surveys:remind", args=[world.survey_b.pk]) in html
    mail.outbox.clear()
    response = client.post(
        reverse("surveys:remind", args=[world.survey_b.pk]), {"status": "waiting"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:status") + "?status=waiting"
    assert [m.to for m in mail.outbox] == [[world.contact_b.email]]
    assert "【再送】" in mail.outbox[0].subject
    assert reverse("surveys:answer", args=[world.survey_b.pk]) in mail.outbox[0].body
    page = client.get(response["Location"]).content.decode()
    assert "再送しました" in page


def test_no_reminder_for_an_answered_survey(client, world):
    Survey.objects.exclude(pk__in=[world.survey_a.pk, world.survey_b.pk]).delete()
    _answer(world.survey_a)
    login(client, world.secretariat)
    html = client.get(reverse("surveys:status")).content.decode()
    assert reverse("surveys:remind", args=[world.survey_a.pk]) not in html
    mail.outbox.clear()
    response = client.post(reverse("surveys:remind", args=[world.survey_a.pk]), follow=True)
    assert "回答のお願いは送れません" in response.content.decode()
    assert mail.outbox == []


def test_agency_reads_status_without_reminders(client, world):
    login(client, world.agency)
    html = client.get(reverse("surveys:status")).content.decode()
    assert "再送する" not in html


def test_an_expired_survey_says_it_is_late_and_still_takes_the_answer(client, world):
    world.survey_a.deadline = timezone.localdate() - datetime.timedelta(days=2)
    world.survey_a.save()
    login(client, world.contact)
    url = reverse("surveys:answer", args=[world.survey_a.pk])
    html = client.get(url).content.decode()
    assert "回答期限（" in html and "を過ぎていますが、今からでも回答をお受けします。" in html
    assert client.post(url, ANSWER).status_code == 200
    assert SurveyResponse.objects.filter(survey=world.survey_a).exists()


def test_a_survey_within_its_deadline_has_no_late_notice(client, world):
    world.survey_a.deadline = timezone.localdate() + datetime.timedelta(days=2)
    world.survey_a.save()
    login(client, world.contact)
    html = client.get(reverse("surveys:answer", args=[world.survey_a.pk])).content.decode()
    assert "を過ぎていますが" not in html and "回答期限: " in html
