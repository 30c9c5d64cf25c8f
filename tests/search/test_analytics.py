"""Search analytics: the anonymous query log, click ranks, retention and the secretariat's report."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts import roles
from cases.models import CasePage
from search import analytics
from search.models import SearchQueryLog, Synonym
from tests.conftest import login

from .factories import SearchQueryLogFactory

pytestmark = pytest.mark.django_db

REPORT = "/admin/search-report/"
CSV = "/admin/search-report/csv/"
SYNONYM_ADD = "/admin/snippets/search/synonym/add/"
CLICK_LINK = re.compile(r'href="(/search/click/\?[^"]+)"')


def test_the_log_cannot_name_a_person():
    names = {f.name for f in SearchQueryLog._meta.get_fields()}
    assert names == {
        "id",
        "text",
        "filters",
        "result_count",
        "clicked_rank",
        "source",
        "created_on",
    }
    # The day only: a time of day could be matched against an access log.
    assert SearchQueryLog._meta.get_field("created_on").get_internal_type() == "DateField"


def test_a_keyword_search_on_the_case_list_is_logged_with_its_result_count(client):
    response = client.get("/cases/", {"q": "  ＤＸ   推進 ", "industry": "E"})
    assert response.status_code == 200
    row = SearchQueryLog.objects.get()
    assert row.text == "dx 推進"  # NFKC, lower case, single spaces
    assert row.filters == {"industry": ["E"]}
    assert row.result_count == response.context["total"]
    assert row.source == "list" and row.clicked_rank is None
    assert row.created_on == timezone.localdate()


@pytest.mark.parametrize("url", ["/cases/", "/api/v1/search/"])
def test_each_anonymous_search_is_logged_never_served_from_the_page_cache(client, url):
    """The page cache keeps anonymous answers; a logged search must not be one of them, or the
    second visitor would be logged nowhere and share the first one's click token."""
    first = client.get(url, {"q": "経営"})
    second = client.get(url, {"q": "経営"})
    assert second["X-Cache"] != "hit"
    assert SearchQueryLog.objects.filter(text="経営").count() == 2
    if url == "/cases/":
        tokens = {r.context["search_click"].token for r in (first, second)}
        assert len(tokens) == 2
    assert client.get(url, {"q": "経営", "page": "2"})["X-Cache"] == "miss"
    assert client.get(url, {"q": "経営", "page": "2"})["X-Cache"] == "hit"  # paging stays cached


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
    def broken(**kwargs):
        raise RuntimeError("秘密の会社名")

    monkeypatch.setattr(SearchQueryLog.objects, "create", broken)
    response = client.get("/cases/", {"q": "秘密の会社名"})
    assert response.status_code == 200
    assert "search log row not written (RuntimeError)" in caplog.text
    assert "秘密の会社名" not in caplog.text


def _first_click_link(client) -> str:
    html = client.get("/cases/", {"q": "経営"}).content.decode()
    links = CLICK_LINK.findall(html)
    assert links, "the result links go through the click view"
    return links[0].replace("&amp;", "&")


def test_a_click_records_the_rank_and_redirects_to_the_page(client):
    link = _first_click_link(client)
    response = client.get(link)
    assert response.status_code == 302
    page_id = int(re.search(r"to=(\d+)", link)[1])
    assert response["Location"] == CasePage.objects.get(pk=page_id).url
    assert SearchQueryLog.objects.get().clicked_rank == 1
    # Back to the list and another result: the first choice stays.
    client.get(link.replace("rank=1", "rank=3"))
    assert SearchQueryLog.objects.get().clicked_rank == 1


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda link: link.replace("to=", "to=https://evil.example/"), "to は整数"),
        (lambda link: re.sub(r"to=\d+", "to=//evil.example", link), "to は整数"),
        (lambda link: re.sub(r"rank=\d+", "rank=0", link), "rank は 1〜"),
        (lambda link: re.sub(r"log=[^&]+", "log=1", link), "リンクが正しくありません"),  # unsigned
        (  # another row's id with this row's signature
            lambda link: re.sub(r"log=(\d+)", lambda m: f"log={int(m[1]) + 1}", link),
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
    assert not SearchQueryLog.objects.filter(clicked_rank__isnull=False).exists()


def test_a_click_to_an_unknown_or_unpublished_page_is_a_404(client):
    link = _first_click_link(client)
    assert client.get(re.sub(r"to=\d+", "to=999999", link)).status_code == 404
    draft = CasePage.objects.live().order_by("pk").first()
    draft.unpublish()
    assert client.get(re.sub(r"to=\d+", f"to={draft.pk}", link)).status_code == 404
    assert SearchQueryLog.objects.get().clicked_rank is None


def test_purge_deletes_only_rows_past_the_retention_period(settings):
    today = timezone.localdate()
    old = SearchQueryLogFactory(created_on=today - timedelta(days=181))
    edge = SearchQueryLogFactory(created_on=today - timedelta(days=180))
    recent = SearchQueryLogFactory(created_on=today)
    out = io.StringIO()
    call_command("purge_search_log", stdout=out)
    assert "1 件削除" in out.getvalue()
    assert set(SearchQueryLog.objects.values_list("pk", flat=True)) == {edge.pk, recent.pk}
    assert not SearchQueryLog.objects.filter(pk=old.pk).exists()
    assert analytics.purge() == 0  # idempotent
    settings.SEARCH_LOG_RETENTION_DAYS = 0
    assert analytics.purge() == 1


MONDAY = date(2026, 11, 30)  # 2026-W49


def _week_rows():
    for _ in range(3):
        SearchQueryLogFactory(text="ロカベン", created_on=MONDAY, result_count=5)
    for day in range(3):
        SearchQueryLogFactory(
            text="ぴよ会計", created_on=MONDAY + timedelta(days=day), result_count=0
        )
    for i in range(6):  # searched 6 times, clicked once: 17 % < 20 %
        SearchQueryLogFactory(text="補助金", created_on=MONDAY, clicked_rank=2 if i == 0 else None)
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
