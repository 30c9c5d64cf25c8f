"""The monitoring board: each flag raised by its cause and only then, filters, the XLSX summary."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.models import Organisation
from dispatch import board
from dispatch.demo import STALLED_CODE
from engagements.models import Record
from surveys.models import SurveyResponse
from tests.conftest import login
from tests.factories import (
    EngagementFactory,
    OrganisationFactory,
    SurveyFactory,
    UserFactory,
    VisitFactory,
    record_saved,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _engagement(code, *, prefecture="17", body=None, visits=(), started=20):
    engagement = EngagementFactory(
        code=code,
        company__prefecture=prefecture,
        requesting_body=body,
        started_on=TODAY - dt.timedelta(days=started),
    )
    made = []
    for number, (days_ago, reported) in enumerate(visits, start=1):
        visit = VisitFactory(
            engagement=engagement, number=number, scheduled_on=TODAY - dt.timedelta(days=days_ago)
        )
        if reported:
            record_saved(
                engagement, Record.Kind.VISIT_REPORT, {"happened": "対話"}, author=None, visit=visit
            )
        made.append(visit)
    return engagement, made


def _answer(visit, q6, q3=("current",)):
    return SurveyResponse.objects.create(
        survey=SurveyFactory(visit=visit),
        q1="fully",
        q2="fully",
        q3=list(q3),
        q4="right",
        q5="right",
        q6=q6,
    )


def _row(code):
    return next(r for r in board.rows() if r.engagement.code == code)


def test_a_healthy_engagement_has_no_flag():
    _engagement("OK-1", visits=[(10, True), (3, True), (-7, False)])
    row = _row("OK-1")
    assert row.flags == {}
    assert (row.visits_done, row.visits_planned) == (2, 3)
    assert row.last_report == TODAY and row.days_since_report == 0


def test_a_visit_without_its_report_after_n_days(settings):
    _engagement("LATE", visits=[(8, False)])
    _engagement("FRESH", visits=[(6, False)])
    assert set(_row("LATE").flags) == {board.NO_REPORT}
    assert "7 日以上、実施報告がありません" in _row("LATE").flags[board.NO_REPORT]
    assert _row("FRESH").flags == {}
    settings.DISPATCH_REPORT_DAYS = 5
    assert board.NO_REPORT in _row("FRESH").flags


def test_an_unhappy_answer_is_flagged_and_the_latest_answers_shown():
    _engagement_, (first, second) = _engagement("SAD", visits=[(10, True), (2, True)])
    _answer(first, "dissatisfied")
    _answer(second, "satisfied", q3=("issue", "management"))
    row = _row("SAD")
    assert row.flags == {board.DISSATISFIED: "「不満」の回答があります。"}
    assert row.satisfaction == "満足"
    assert row.awareness == [
        "会社の課題に関して、その原因分析などで新たな「気づき」があった",
        "経営を考えるうえで、新たな「気づき」があった",
    ]


def test_an_overdue_survey_is_flagged():
    _engagement_, (visit,) = _engagement("LATE-SURVEY", visits=[(5, True)])
    SurveyFactory(visit=visit, deadline=TODAY - dt.timedelta(days=1))
    assert set(_row("LATE-SURVEY").flags) == {board.SURVEY_OVERDUE}


def test_no_visit_for_n_days(settings):
    _engagement("IDLE", visits=[(50, True)])
    _engagement("NEVER", visits=[], started=46)
    _engagement("RECENT", visits=[(44, True)])
    assert set(_row("IDLE").flags) == {board.IDLE}
    assert set(_row("NEVER").flags) == {board.IDLE}
    assert _row("RECENT").flags == {}


def test_filters_and_the_summary(client):
    body = OrganisationFactory(name="よろず（テスト）", kind=Organisation.Kind.REQUESTING_BODY)
    _engagement("F-ISHIKAWA", prefecture="17", body=body, visits=[(9, False)])
    _engagement("F-TOKYO", prefecture="13", visits=[(2, True)])
    office = UserFactory(role=roles.AGENCY)
    login(client, office)
    url = reverse("dispatch:board")
    page = client.get(
        url, {"region": "hokuriku", "flag": "no_report", "body": str(body.pk)}
    ).content.decode()
    assert "F-ISHIKAWA" in page and "F-TOKYO" not in page
    page = client.get(url, {"region": "kanto"}).content.decode()
    assert "F-TOKYO" in page and "F-ISHIKAWA" not in page
    assert "F-TOKYO" in client.get(url, {"region": "atlantis", "flag": "x"}).content.decode()

    from openpyxl import load_workbook

    response = client.get(reverse("dispatch:board_xlsx"), {"flag": "no_report"})
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "F-ISHIKAWA" in codes and "F-TOKYO" not in codes


def test_the_demo_has_a_stalled_engagement_on_the_board():
    row = _row(STALLED_CODE)
    assert board.NO_REPORT in row.flags and board.IDLE in row.flags
