"""Issue 14: a case approved in the evening (UTC) shows Japan's date and is listed as new."""

import datetime

import pytest

from cases.models import CasePage
from tests.factories import CasePageFactory

pytestmark = pytest.mark.django_db

# 2026-11-26 16:30 UTC is 2026-11-27 01:30 in Tokyo.
APPROVED_AT = datetime.datetime(2026, 11, 26, 16, 30, tzinfo=datetime.UTC)


@pytest.fixture
def approved_case(private_search_index):
    """A case published through the admin workflow: no published_on, only the publication time."""
    page = CasePageFactory(
        title="夜に承認された事例",
        slug="approved-in-the-evening",
        external_id="evening-approval",
    )
    # Newer than every demo case, which carry published_on dates up to 2026.
    CasePage.objects.filter(pk=page.pk).update(
        first_published_at=APPROVED_AT, last_published_at=APPROVED_AT, published_on=None
    )
    return CasePage.objects.get(pk=page.pk)


def test_publication_date_is_the_date_in_japan(client, approved_case):
    assert approved_case.display_date == datetime.date(2026, 11, 27)
    html = client.get(approved_case.url).content.decode()
    assert '<time datetime="2026-11-27">2026年11月27日</time>' in html


def test_an_approved_case_is_among_the_new_cases(client, approved_case):
    latest_demo = CasePage.objects.exclude(pk=approved_case.pk).order_by("-published_on").first()
    assert latest_demo.published_on < datetime.date(2026, 11, 27)
    html = client.get("/").content.decode()
    section = html[html.index("新着の事例") :]
    assert approved_case.title in section[: section.index("</section>")]
