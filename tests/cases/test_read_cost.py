"""Issue 16: the public pages read the cases they show, not every case.

The newest cases (home page) come from the published_on index instead of a sort of every case,
the counts per industry from the search engine, the k rule's peers from the (industry,
prefecture) index; the page links of a long list are computed, not looped over.
"""

import datetime
import re
from urllib.parse import quote

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from cases import selectors
from cases.models import CasePage, PrefectureDisclosure
from tests.factories import CasePageFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2031, 5, 1)


def undated(case: CasePage, at: datetime.datetime) -> CasePage:
    """As a case approved in the admin: no published_on, only its first publication."""
    CasePage.objects.filter(pk=case.pk).update(published_on=None, first_published_at=at)
    return case


def test_newest_is_newest_first_without_sorting_every_case():
    tokyo = datetime.timezone(datetime.timedelta(hours=9))
    dated = [CasePageFactory(title=f"日付のある事例{i}", published_on=DAY) for i in range(3)]
    later = CasePageFactory(title="後の事例", published_on=DAY + datetime.timedelta(days=1))
    # Ties with the dated cases on the day, and one whose UTC date is the day before Japan's.
    same_day = undated(
        CasePageFactory(title="承認日の事例"), datetime.datetime(2031, 5, 1, 8, tzinfo=tokyo)
    )
    evening = undated(
        CasePageFactory(title="夜に承認"),
        datetime.datetime(2031, 5, 1, 16, 30, tzinfo=datetime.UTC),
    )
    CasePageFactory(title="下書き", published_on=DAY + datetime.timedelta(days=9), live=False)
    cases = selectors.published_cases()
    for limit in (1, 2, 3, 5, 6, 8, 60):
        expected = list(selectors.newest_first(cases)[:limit])
        assert list(selectors.newest(cases, limit=limit)) == expected, limit
    top = list(selectors.newest(cases, limit=6))
    assert top[:2] == [evening, later]  # 2031-05-02 in Japan, then the dated 05-02
    assert set(top[2:]) == {*dated, same_day}


def scans_of_the_case_table(url: str, client) -> list[str]:
    """The query plan lines of the page's queries that read the case table row by row."""
    client.get(url)  # labels, site root paths: what a running server holds
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    found = []
    for query in queries.captured_queries:
        if not query["sql"].startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"].replace("%", "%%"))
            plan = [row[-1] for row in cursor.fetchall()]
        found += [line for line in plan if re.match(r"SCAN cases_casepage\b", line)]
    return found


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plans")
def test_public_pages_read_no_case_row_they_do_not_show(client, settings):
    settings.PAGE_CACHE_ENABLED = False
    settings.CASE_PREFECTURE_K = 1
    case = CasePageFactory(title="県名を出せる事例", region="hokuriku", prefecture="17")
    PrefectureDisclosure.objects.create(case=case)  # the case page counts its k-rule peers
    for url in (
        "/",
        "/cases/",
        "/cases/?industry=E&tool=whiteboard",
        "/cases/?q=" + quote("傾聴"),
        case.url,
        "/api/v1/search/?q=" + quote("ロカベン"),
    ):
        assert scans_of_the_case_table(url, client) == [], url


# The loop of includes/pagination.html before it asked for shown_pages: every page number.
EVERY_PAGE = Template(
    "{% for number in items.paginator.page_range %}{% if number == items.number %}[{{ number }}]"
    "{% elif number == 1 or number == items.paginator.num_pages or "
    'number|add:"-2" <= items.number and number|add:"2" >= items.number %}{{ number }}'
    '{% elif number == 2 or number == items.paginator.num_pages|add:"-1" %}…{% endif %}{% endfor %}'
)
SHOWN_PAGES = Template(
    "{% load site_tags %}"
    + EVERY_PAGE.source.replace("items.paginator.page_range", "items|shown_pages")
)


def test_page_links_are_those_of_a_loop_over_every_page():
    for pages in (1, 2, 3, 5, 7, 12, 448):
        paginator = Paginator(range(pages * 20), 20)
        for current in range(1, pages + 1):
            items = Context({"items": paginator.get_page(current)})
            assert SHOWN_PAGES.render(items) == EVERY_PAGE.render(items), (pages, current)
