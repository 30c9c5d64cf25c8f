"""Search analytics: the anonymous query log, click ranks, retention and the secretariat's report.

Test settings write each row at once (SEARCH_LOG_FLUSH_ROWS = 1); the tests of the buffer and of
cached pages raise it and flush by hand, as a worker does.
"""

import csv
import io
import re
from datetime import date, timedelta
from urllib.parse import unquote

import pytest
from django.core import signing
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from accounts import roles
from cases.models import CasePage
from search import analytics
from search.models import SearchClick, SearchQueryLog, Synonym
from tests.conftest import login

from .factories import SearchClickFactory, SearchQueryLogFactory

pytestmark = pytest.mark.django_db

REPORT = "/admin/search-report/"
CSV = "/admin/search-report/csv/"
SYNONYM_ADD = "/admin/snippets/search/synonym/add/"
CLICK_LINK = re.compile(r'href="(/search/click/\?[^"]+)"')


@pytest.fixture
def buffered(settings):
    """Rows wait in the process's buffer, as on a server; whatever a test leaves is dropped."""
    settings.SEARCH_LOG_FLUSH_ROWS = 100
    yield
    analytics._buffer.take()


def test_the_log_cannot_name_a_person():
    names = {f.name for f in SearchQueryLog._meta.get_fields()}
    assert names == {"id", "text", "filters", "result_count", "searches", "source", "created_on"}
    assert {f.name for f in SearchClick._meta.get_fields()} == {
        "id",
        "text",
        "filters",
        "rank",
        "created_on",
    }
    # The day only: a time of day could be matched against an access log.
    for model in (SearchQueryLog, SearchClick):
        assert model._meta.get_field("created_on").get_internal_type() == "DateField"


def test_a_keyword_search_on_the_case_list_is_logged_with_its_result_count(client):
    response = client.get("/cases/", {"q": "  ＤＸ   推進 ", "industry": "E"})
    assert response.status_code == 200
    row = SearchQueryLog.objects.get()
    assert row.text == "dx 推進"  # NFKC, lower case, single spaces
    assert row.filters == {"industry": ["E"]}
    # The cases with the words: not those found by related words alone.
    assert row.result_count == response.context["total"] - response.context["related"]
    assert row.source == "list"
    assert row.created_on == timezone.localdate()


@pytest.mark.parametrize(
    "params",
    [
        {"q": "補助金"},  # 補助金 itself, and cases found by related words
        {"q": "けいちょう"},  # read as 傾聴: the cases with 傾聴 count
        {"q": "ロカベン", "region": "hokkaido"},  # under 北海道 only related cases: 0
    ],
)
def test_the_log_counts_the_cases_the_words_found_not_the_related_ones(client, params):
    """The report's zero-result list is of words a synonym group would help: related pages,
    which have none of the words, do not count."""
    response = client.get("/cases/", params)
    context = response.context
    assert context["related"] > 0 or context["read_as"] == "傾聴"
    assert SearchQueryLog.objects.get().result_count == context["total"] - context["related"]
    assert context["total"] > 0


@pytest.mark.parametrize("url", ["/cases/", "/api/v1/search/"])
def test_a_keyword_search_served_from_the_page_cache_is_still_logged(client, buffered, url):
    """The second visitor gets the first one's page from the cache (issue 16: every anonymous
    public answer is cached), and both searches are counted once the buffer is written."""
    first = client.get(url, {"q": "経営", "industry": "E"})
    second = client.get(url, {"q": "経営", "industry": "E"})
    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")
    assert second.content == first.content  # one page for all: the click token too
    # Only this cache may answer: a copy in Varnish or the browser would count nothing.
    assert "private" in second["Cache-Control"] and "no-cache" in second["Cache-Control"]
    assert "public" not in second["Cache-Control"]
    revalidated = client.get(
        url, {"q": "経営", "industry": "E"}, headers={"If-None-Match": second["ETag"]}
    )
    assert revalidated.status_code == 304
    assert not SearchQueryLog.objects.exists()  # waiting in the buffer
    assert analytics.flush() == 3
    row = SearchQueryLog.objects.get()  # three searches alike: one row counts them
    assert (row.text, row.filters, row.searches) == ("経営", {"industry": ["E"]}, 3)
    assert row.source == ("list" if url == "/cases/" else "api")
    answer = first.context if url == "/cases/" else first.json()
    assert row.result_count == answer["total"] - answer["related"]
    assert client.get(url, {"q": "経営", "page": "2"})["X-Cache"] == "miss"
    assert client.get(url, {"q": "経営", "page": "2"})["X-Cache"] == "hit"  # paging stays cached
    assert analytics.flush() == 0  # later pages are not new searches


def test_the_buffer_is_written_when_it_is_full(client, settings):
    settings.SEARCH_LOG_FLUSH_ROWS = 3
    for _ in range(2):
        client.get("/api/v1/search/", {"q": "経営"})
    assert not SearchQueryLog.objects.exists()
    client.get("/cases/", {"q": "経営"})
    assert searched("経営") == 3
    assert SearchQueryLog.objects.count() == 2  # the API's two, the list's one
    assert analytics.flush() == 0


def searched(text: str) -> int:
    return SearchQueryLog.objects.filter(text=text).aggregate(n=Sum("searches"))["n"] or 0


def test_browsing_and_later_pages_are_not_logged(client):
    client.get("/cases/")
    client.get("/cases/", {"industry": "E"})
    client.get("/cases/", {"q": "経営", "page": "2"})
    assert not SearchQueryLog.objects.exists()


def test_the_api_logs_its_searches(client):
    response = client.get("/api/v1/search/", {"q": "事業承継"})
    assert response.status_code == 200
    row = SearchQueryLog.objects.get()
    assert (row.text, row.source, row.result_count) == ("事業承継", "api", response.json()["total"])


def test_a_failing_log_never_breaks_the_search_nor_logs_the_words(client, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("秘密の会社名")

    monkeypatch.setattr(SearchQueryLog.objects, "bulk_create", broken)
    response = client.get("/cases/", {"q": "秘密の会社名"})
    assert response.status_code == 200
    assert "1 searches and clicks not logged (RuntimeError)" in caplog.text
    assert "秘密の会社名" not in caplog.text


def _first_click_link(client, **query) -> str:
    html = client.get("/cases/", {"q": "経営", **query}).content.decode()
    links = CLICK_LINK.findall(html)
    assert links, "the result links go through the click view"
    return links[0].replace("&amp;", "&")


def test_a_click_records_the_rank_and_redirects_to_the_page(client):
    link = _first_click_link(client, industry="E")
    response = client.get(link)
    assert response.status_code == 302
    page_id = int(re.search(r"to=(\d+)", link)[1])
    assert response["Location"] == CasePage.objects.get(pk=page_id).url
    click = SearchClick.objects.get()
    assert (click.text, click.filters, click.rank) == ("経営", {"industry": ["E"]}, 1)
    assert click.created_on == timezone.localdate()
    # Back to the list and another result: the page is shared by every visitor, so nothing
    # tells this second click from another visitor's first one; it counts too.
    client.get(link.replace("rank=1", "rank=3"))
    assert sorted(SearchClick.objects.values_list("rank", flat=True)) == [1, 3]


def test_a_click_on_a_page_from_the_cache_is_recorded(client, buffered):
    assert client.get("/cases/", {"q": "経営"})["X-Cache"] == "miss"
    cached = client.get("/cases/", {"q": "経営"})
    assert cached["X-Cache"] == "hit"
    link = CLICK_LINK.findall(cached.content.decode())[1].replace("&amp;", "&")
    assert client.get(link).status_code == 302
    analytics.flush()
    assert list(SearchClick.objects.values_list("text", "rank")) == [("経営", 2)]
    assert searched("経営") == 2


def test_a_click_link_of_an_old_page_redirects_but_records_nothing(client):
    """A cached page is at most an hour old: a token from the day before yesterday is a tab
    left open (or a link copied), not a click on this week's search."""
    link = _first_click_link(client)
    today = timezone.localdate()
    search = analytics.search_from_token(unquote(re.search(r"log=([^&]+)", link)[1]))
    assert search.day == today
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "localdate", lambda: today + timedelta(days=2))
        assert client.get(link).status_code == 302
    assert not SearchClick.objects.exists()
    with pytest.MonkeyPatch.context() as patch:  # just after midnight: still the same search
        patch.setattr(timezone, "localdate", lambda: today + timedelta(days=1))
        assert client.get(link).status_code == 302
    assert SearchClick.objects.count() == 1


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda link: link.replace("to=", "to=https://evil.example/"), "to は整数"),
        (lambda link: re.sub(r"to=\d+", "to=//evil.example", link), "to は整数"),
        (lambda link: re.sub(r"rank=\d+", "rank=0", link), "rank は 1〜"),
        (lambda link: re.sub(r"log=[^&]+", "log=1", link), "リンクが正しくありません"),  # unsigned
        (  # another search with this search's signature
            lambda link: re.sub(r"log=\.?(.)", lambda m: m[0][:-1] + chr(ord(m[1]) ^ 1), link),
            "リンクが正しくありません",
        ),
        (  # the row-id tokens of before the page cache
            lambda link: re.sub(
                r"log=[^&]+",
                "log=" + signing.Signer(salt="search.analytics.click").sign("1"),
                link,
            ),
            "リンクが正しくありません",
        ),
    ],
)
def test_a_click_link_cannot_redirect_elsewhere_or_mark_another_row(client, tamper, message):
    link = tamper(_first_click_link(client))
    response = client.get(link)
    assert response.status_code == 400
    assert "Location" not in response
    assert message in response.content.decode()
    assert not SearchClick.objects.exists()


def test_a_click_to_an_unknown_or_unpublished_page_is_a_404(client):
    link = _first_click_link(client)
    assert client.get(re.sub(r"to=\d+", "to=999999", link)).status_code == 404
    draft = CasePage.objects.live().order_by("pk").first()
    draft.unpublish()
    assert client.get(re.sub(r"to=\d+", f"to={draft.pk}", link)).status_code == 404
    assert not SearchClick.objects.exists()


def test_purge_deletes_only_rows_past_the_retention_period(settings):
    today = timezone.localdate()
    old = SearchQueryLogFactory(created_on=today - timedelta(days=181))
    edge = SearchQueryLogFactory(created_on=today - timedelta(days=180))
    recent = SearchQueryLogFactory(created_on=today)
    SearchClickFactory(created_on=today - timedelta(days=181))
    kept_click = SearchClickFactory(created_on=today - timedelta(days=180))
    out = io.StringIO()
    call_command("purge_search_log", stdout=out)
    assert "2 件削除" in out.getvalue()
    assert set(SearchQueryLog.objects.values_list("pk", flat=True)) == {edge.pk, recent.pk}
    assert not SearchQueryLog.objects.filter(pk=old.pk).exists()
    assert list(SearchClick.objects.values_list("pk", flat=True)) == [kept_click.pk]
    assert analytics.purge() == 0  # idempotent
    settings.SEARCH_LOG_RETENTION_DAYS = 0
    assert analytics.purge() == 2


MONDAY = date(2026, 11, 30)  # 2026-W49


def _week_rows():
    SearchQueryLogFactory(text="ロカベン", created_on=MONDAY, result_count=5, searches=2)
    SearchQueryLogFactory(text="ロカベン", created_on=MONDAY + timedelta(days=3), result_count=5)
    for day in range(3):
        SearchQueryLogFactory(
            text="ぴよ会計", created_on=MONDAY + timedelta(days=day), result_count=0
        )
    for _ in range(6):  # searched 6 times, clicked once: 17 % < 20 %
        SearchQueryLogFactory(text="補助金", created_on=MONDAY)
    SearchClickFactory(text="補助金", created_on=MONDAY + timedelta(days=1), rank=2)
    SearchClickFactory(text="補助金", created_on=MONDAY - timedelta(days=1))  # last week's
    for _ in range(5):  # 5 clicks on 3 searches: the rate stops at 100 %
        SearchClickFactory(text="ロカベン", created_on=MONDAY)
    SearchQueryLogFactory(text="先週の語", created_on=MONDAY - timedelta(days=1), result_count=0)


def test_the_report_lists_frequent_zero_result_and_low_click_queries(client, user_with_role):
    _week_rows()
    login(client, user_with_role(roles.SECRETARIAT, "secretariat@example.test"))
    response = client.get(REPORT, {"week": "2026-W49"})
    assert response.status_code == 200
    report = response.context["report"]
    assert [(r.text, r.searches) for r in report.frequent] == [
        ("補助金", 6),
        ("ぴよ会計", 3),
        ("ロカベン", 3),
    ]
    assert [(r.text, r.zero_results) for r in report.zero_result] == [("ぴよ会計", 3)]
    assert [(r.text, r.click_rate) for r in report.low_click] == [("補助金", 17)]
    assert {r.text: (r.clicks, r.click_rate) for r in report.frequent} == {
        "補助金": (1, 17),
        "ぴよ会計": (0, None),  # found nothing: nothing to click
        "ロカベン": (5, 100),
    }
    html = response.content.decode()
    assert "同義語グループを作成" in html and "先週の語" not in html


def test_a_bad_week_is_explained_in_japanese(client, user_with_role):
    login(client, user_with_role(roles.SECRETARIAT, "secretariat@example.test"))
    response = client.get(REPORT, {"week": "2026-W60"})
    assert response.status_code == 400
    assert "2026-W49 の形式" in response.content.decode()


def test_the_csv_opens_in_excel_and_cannot_run_formulas(client, user_with_role):
    _week_rows()
    SearchQueryLogFactory(text="=HYPERLINK(1)", created_on=MONDAY, result_count=0)
    SearchQueryLogFactory(text="@sum", created_on=MONDAY, result_count=0)
    login(client, user_with_role(roles.SECRETARIAT, "secretariat@example.test"))
    response = client.get(CSV, {"week": "2026-W49"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "search-report-2026-W49.csv" in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["週", "区分", "検索語"]
    texts = {row[2] for row in rows[1:]}
    assert {"'=HYPERLINK(1)", "'@sum", "ぴよ会計", "補助金"} <= texts
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


@pytest.mark.parametrize("role", [roles.SUPPORTER, roles.EDITOR, roles.AGENCY])
def test_other_roles_cannot_see_the_report(client, user_with_role, role):
    _week_rows()
    login(client, user_with_role(role, f"{abs(hash(role))}@example.test"))
    for url in (REPORT, CSV):
        response = client.get(url, {"week": "2026-W49"})
        assert response.status_code in (302, 403)
        assert "ぴよ会計" not in response.content.decode()


def test_the_synonym_button_opens_a_filled_form_that_creates_the_group(client, user_with_role):
    _week_rows()
    login(client, user_with_role(roles.SECRETARIAT, "secretariat@example.test"))
    html = client.get(REPORT, {"week": "2026-W49"}).content.decode()
    form = re.search(
        r'<form method="get" action="([^"]+)">\s*<input type="hidden" name="terms" value="([^"]+)">',
        html,
    )
    assert form and form[1] == SYNONYM_ADD and form[2] == "ぴよ会計、"
    page = client.get(form[1], {"terms": form[2]})
    assert page.status_code == 200
    assert page.context["form"].initial["terms"] == "ぴよ会計、"
    response = client.post(SYNONYM_ADD, {"terms": "ぴよ会計、会計ソフト", "note": "検索ログから"})
    assert response.status_code == 302
    assert Synonym.objects.filter(terms="ぴよ会計、会計ソフト").exists()
