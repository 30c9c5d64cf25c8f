"""The satisfaction survey: exact wording, one answer, status, requests, exports, analysis."""

import csv
import datetime
import io
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from surveys import services
from surveys.models import Survey, SurveyResponse
from tests.conftest import login
from tests.factories import EngagementMemberFactory, SurveyFactory

pytestmark = pytest.mark.django_db

# Copied from docs/domain.md: the programme's wording, which the form must show exactly.
WORDING = [
    "今回の訪問支援において、支援チームに対して、ご自身で伝えたいと思われたことを充分にお話しすることができましたか？",
    "充分にお話できた",
    "ややお話できなかった",
    "支援チームは、あなたがお話しされた内容を充分に理解している感じることができましたか？",
    "やや理解していないと感じた",
    "今回の訪問支援を受けた結果、新たな「気づき」を感じられましたか？（複数選択可）",
    "会社の課題に関して、その原因分析などで新たな「気づき」があった",
    "その他（後日サポートメンバーからお伺いさせてください）",
    "今回の訪問支援に関する全体のお打ち合わせ等の時間についてお伺いします。",
    "今回の訪問支援に関する事前事後の準備等の時間についてお伺いします。",
    "ちょうどよい",
    "今回の訪問支援を受けての満足度をお伺いします。",
    "非常に不満",
]
ANSWER = {
    "q1": "fully",
    "q2": "mostly",
    "q3": ["current", "issue"],
    "q4": "right",
    "q5": "long",
    "q6": "satisfied",
}


def test_form_shows_the_programme_wording(client, world):
    login(client, world.contact)
    html = client.get(reverse("surveys:answer", args=[world.survey_a.pk])).content.decode()
    for text in WORDING:
        assert text in html
    assert html.count('type="checkbox"') == 5  # question 3 only
    assert html.count('type="radio"') == 4 + 4 + 5 + 5 + 4


def test_company_answers_once_and_secretariat_is_told(
    client, world, django_capture_on_commit_callbacks
):
    login(client, world.contact)
    url = reverse("surveys:answer", args=[world.survey_a.pk])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, ANSWER)
    assert response.status_code == 200
    answer = SurveyResponse.objects.get(survey=world.survey_a)
    assert answer.q3 == ["current", "issue"] and answer.respondent == world.contact
    recipients = {m.to[0] for m in mail.outbox}
    assert world.secretariat.email in recipients
    assert world.contact.email not in recipients and world.agency.email not in recipients
    again = client.post(url, {**ANSWER, "q6": "very-dissatisfied"})
    assert "すでに回答" in again.content.decode()
    assert SurveyResponse.objects.filter(survey=world.survey_a).count() == 1
    assert SurveyResponse.objects.get(survey=world.survey_a).q6 == "satisfied"


def test_missing_answers_are_explained(client, world):
    login(client, world.contact)
    response = client.post(reverse("surveys:answer", args=[world.survey_a.pk]), {"q1": "fully"})
    html = response.content.decode()
    # Beside each of the five unanswered questions, and again in the summary at the top, where
    # each links to the question's first option.
    assert html.count("この質問に回答してください。") == 10
    for question in ("q2", "q3", "q4", "q5", "q6"):
        assert f'id="id_{question}_error"' in html
        assert f'href="#id_{question}_0"' in html and f'id="id_{question}_0"' in html
    assert not SurveyResponse.objects.filter(survey=world.survey_a).exists()


def test_none_cannot_be_combined(client, world):
    login(client, world.contact)
    response = client.post(
        reverse("surveys:answer", args=[world.survey_a.pk]), {**ANSWER, "q3": ["none", "issue"]}
    )
    assert "同時に選べません" in response.content.decode()


def test_company_cannot_reach_another_companys_survey(client, world):
    login(client, world.contact)
    assert client.get(reverse("surveys:answer", args=[world.survey_b.pk])).status_code == 404
    response = client.post(reverse("surveys:answer", args=[world.survey_b.pk]), ANSWER)
    assert response.status_code == 404
    assert not SurveyResponse.objects.filter(survey=world.survey_b).exists()


def test_status_list_shows_answered_waiting_and_overdue(client, world):
    today = datetime.date.today()
    world.survey_b.deadline = today - datetime.timedelta(days=3)
    world.survey_b.save()
    SurveyResponse.objects.create(survey=world.survey_a, **ANSWER)
    login(client, world.secretariat)
    html = client.get(reverse("surveys:status")).content.decode()
    assert "回答済み" in html and "期限切れ" in html
    overdue = client.get(reverse("surveys:status"), {"status": "overdue"}).content.decode()
    assert "T-B" in overdue and "T-A" not in overdue


def test_a_contact_of_two_engagements_sees_which_engagement_each_survey_is_for(client, world):
    EngagementMemberFactory(engagement=world.b, user=world.contact, role="company_contact")
    login(client, world.contact)
    html = client.get(reverse("surveys:mine")).content.decode()
    # Both are 第1回訪問: only the engagement's name tells them apart, on the link itself.
    for survey, title in ((world.survey_a, "案件A"), (world.survey_b, "案件B")):
        link = reverse("surveys:answer", args=[survey.pk])
        assert re.search(rf'<a href="{link}">{title} 第1回訪問', html), title


def test_status_in_sql_agrees_with_the_model_for_every_status(world):
    today = datetime.date(2030, 6, 15)
    days = datetime.timedelta(days=1)
    Survey.objects.filter(pk=world.survey_a.pk).update(starts_on=today + days, deadline=None)
    Survey.objects.filter(pk=world.survey_b.pk).update(starts_on=None, deadline=today - days)
    extra = [
        SurveyFactory(visit__engagement=world.a, visit__number=n, **dates)
        for n, dates in (
            (90, {"starts_on": today, "deadline": today}),  # the last day: still waiting
            (91, {"starts_on": None, "deadline": None}),
            (92, {"starts_on": today - days, "deadline": today - days}),
        )
    ]
    SurveyResponse.objects.create(survey=extra[-1], **ANSWER)  # late, but answered
    annotated = Survey.objects.annotate(code=Survey.status_expression(today))
    by_sql = {s.pk: s.code for s in annotated}
    by_model = {s.pk: s.status(today) for s in Survey.objects.select_related("response")}
    assert by_sql == by_model
    assert set(by_sql.values()) == set(Survey.Status.values)


def test_status_list_counts_in_sql_and_pages(client, world, django_assert_max_num_queries):
    for n in range(60):
        SurveyFactory(
            visit__engagement=world.a, visit__number=100 + n, deadline=datetime.date(2020, 1, 1)
        )
    login(client, world.secretariat)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("surveys:status"), {"status": "overdue"})
    statuses = {code: count for code, _label, count in response.context["statuses"]}
    assert statuses["overdue"] >= 60
    assert len(response.context["page"].object_list) == 50
    everything = client.get(reverse("surveys:status"), {"status": "nonsense"})
    assert everything.context["wanted"] == ""
    assert everything.context["page"].paginator.count == sum(statuses.values())


def test_request_goes_out_on_the_start_date_once(world, django_capture_on_commit_callbacks):
    start = datetime.date(2030, 4, 1)
    Survey.objects.exclude(visit=world.visit_a).update(requested_at=timezone.now())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        survey = services.survey_setup(visit=world.visit_a, starts_on=start, deadline=None)
    assert mail.outbox == []  # not yet
    assert services.send_due_requests(today=start - datetime.timedelta(days=1)) == 0
    assert services.send_due_requests(today=start) == 1
    assert [m.to for m in mail.outbox] == [[world.contact.email]]
    assert "アンケート" in mail.outbox[0].subject
    assert services.send_due_requests(today=start) == 0  # never twice
    survey.refresh_from_db()
    assert survey.requested_at is not None


def test_survey_without_dates_is_requested_at_once(world, django_capture_on_commit_callbacks):
    Survey.objects.filter(visit=world.visit_a).delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.survey_setup(visit=world.visit_a, starts_on=None, deadline=None)
    assert world.contact.email in {m.to[0] for m in mail.outbox}


HOSTILE = ['=HYPERLINK("http://x","y")', "+SUM(1)", "@cmd", "-1+1", "\t=1"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_never_contain_formulas(client, world, fmt):
    world.a.company.name = HOSTILE[0]
    world.a.company.save()
    world.a.code = "+SUM(1)"
    world.a.save()
    SurveyResponse.objects.create(survey=world.survey_a, **ANSWER)
    login(client, world.agency)
    response = client.get(reverse("surveys:export", args=[fmt]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        cells = [c for row in rows[1:] for c in row]
    else:
        sheet = load_workbook(io.BytesIO(body)).active
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
        cells = [str(c.value or "") for row in sheet.iter_rows(min_row=2) for c in row]
    assert "'" + HOSTILE[0] in cells and "'+SUM(1)" in cells
    assert not any(c.startswith(("=", "+", "-", "@", "\t")) for c in cells)


def test_analysis_counts_awareness_by_visit(client, world):
    SurveyResponse.objects.all().delete()  # only this test's answers (rolled back afterwards)
    SurveyResponse.objects.create(survey=world.survey_a, **{**ANSWER, "q3": ["current"]})
    SurveyResponse.objects.create(survey=world.survey_b, **{**ANSWER, "q3": ["current", "issue"]})
    SurveyResponse.objects.create(
        survey=SurveyFactory(visit__engagement=world.a, visit__number=2),
        **{**ANSWER, "q3": ["issue", "management"]},
    )
    login(client, world.secretariat)
    response = client.get(reverse("surveys:analysis"))
    table = response.context["awareness"]
    first, second = table["rows"]
    assert (first["visit"], first["answers"]) == (1, 2)
    assert [c["count"] for c in first["cells"]] == [2, 1, 0, 0, 0]
    assert [c["count"] for c in second["cells"]] == [0, 1, 1, 0, 0]
    html = response.content.decode()
    assert 'role="img"' in html and "<caption>" in html
