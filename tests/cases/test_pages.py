import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import CasePage
from tests.factories import CasePageFactory

pytestmark = pytest.mark.django_db


def test_home_shows_new_cases_and_ways_in(client):
    newest = CasePageFactory(title="いちばん新しい事例", published_on=datetime.date(2030, 1, 1))
    html = client.get("/").content.decode()
    assert "新着の事例" in html
    assert "フェーズから探す" in html and "ツールから探す" in html and "業種から探す" in html
    assert newest.title in html
    assert 'href="/cases/?tool=whiteboard"' in html


def test_case_list_filters_combine_or_within_and_across(client):
    response = client.get("/cases/", {"industry": ["E", "M"], "tool": "whiteboard"})
    assert response.status_code == 200
    expected = {
        c.pk
        for c in CasePage.objects.live().filter(industry__in=["E", "M"])
        if "whiteboard" in c.tools
    }
    shown = {c.pk for c in response.context["results"]}
    assert response.context["total"] == len(expected) > 0
    assert shown == expected


def test_facet_counts_stay_correct_for_multi_select(client):
    response = client.get("/cases/", {"industry": "E"})
    facets = {
        f["name"]: f["options"] for g in response.context["facet_groups"] for f in g["facets"]
    }
    industry = {o.value: o.count for o in facets["industry"]}
    # The industry facet ignores its own selection: other industries keep their counts.
    assert industry["E"] == CasePage.objects.live().filter(industry="E").count()
    assert industry["M"] == CasePage.objects.live().filter(industry="M").count()
    tools = {o.value: o.count for o in facets["tool"]}
    assert tools["whiteboard"] == sum(
        1 for c in CasePage.objects.live().filter(industry="E") if "whiteboard" in c.tools
    )


def test_unknown_filter_values_are_ignored_with_a_message(client):
    html = client.get("/cases/", {"industry": "Z", "tool": "<b>x</b>"}).content.decode()
    assert "次の条件は使えないため無視しました" in html
    assert "<b>x</b>" not in html


def test_full_width_filter_codes_are_accepted(client):
    response = client.get("/cases/", {"industry": "Ｅ"})
    assert response.context["selected"] == {"industry": ["E"]}


def test_pagination_out_of_range_shows_last_page(client):
    response = client.get("/cases/", {"page": "999"})
    assert response.status_code == 200
    assert response.context["pager"].number == response.context["pager"].paginator.num_pages
    assert response.context["results"]


def test_case_page_shows_profile_timeline_and_links(client):
    case = CasePageFactory(
        industry="E",
        key_points=[("point", "工程を見える化した")],
        sections=[("trust", ["whiteboard"]), ("awareness", ["swot"])],
    )
    html = client.get(case.url).content.decode()
    assert "基礎情報" in html and "支援の経過" in html and "本事例のポイント" in html
    assert "製造業" in html  # JSIC E label, not the code
    for section in case.sections.all():
        assert section.heading in html


@pytest.mark.parametrize("path", ["/", "/cases/", "/cases/?industry=E&tool=whiteboard&phase=trust"])
def test_listing_pages_use_a_bounded_number_of_queries(client, path):
    client.get(path)  # warm the label cache
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    assert len(ctx) <= 20, [q["sql"] for q in ctx.captured_queries]


def test_case_page_query_count_does_not_grow_with_sections(client):
    counts = []
    for case in CasePage.objects.live().order_by("pk")[:5]:
        client.get(case.url)
        with CaptureQueriesContext(connection) as ctx:
            client.get(case.url)
        counts.append(len(ctx))
    assert max(counts) <= 25 and max(counts) - min(counts) <= 2, counts


def test_unpublished_case_is_not_listed_or_served(client):
    case = CasePageFactory()
    url = case.url
    case.unpublish()
    assert client.get(url).status_code == 404
    # The index has not caught up yet (no commit in a test); the database still decides.
    titles = [c.title for c in client.get("/cases/", {"q": case.title}).context["results"]]
    assert case.title not in titles


def test_unknown_page_is_a_japanese_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()
