"""Search wired into the site: outbox, degraded mode, faults, API, admin search."""

import json

import pytest
from django.core.management import call_command
from django.db import transaction

from cases.models import CasePage
from search import service
from search.models import SearchOutbox
from search.types import SearchRequest, SearchUnavailable
from tests.conftest import login
from tests.factories import CasePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(private_search_index):
    """A published case of this test's own, in its private index (its outbox row drained)."""
    page = CasePageFactory(title="金属加工業の価格交渉と原価の見える化")
    service.drain_outbox()
    return page


def found(text: str) -> set[int]:
    """The pages the index has for `text`: without pseudo-relevance feedback, which would add
    pages that share other words with them."""
    request = SearchRequest(text=text, page_size=100, feedback=False)
    return {h.id for h in service.search(request).hits}


def assert_index_matches_database():
    assert service.reconcile(repair=False) == {"missing": [], "stale": [], "extra": []}


def test_unpublishing_removes_a_case_once_the_outbox_is_drained(private_search_index, case):
    assert case.pk in found(case.title)
    case.unpublish()
    assert SearchOutbox.objects.filter(page_id=case.pk).exists()
    service.drain_outbox()
    assert case.pk not in found(case.title)
    assert not SearchOutbox.objects.exists()
    assert_index_matches_database()


def test_publishing_a_change_reindexes_it(private_search_index, case):
    case.title = "まったく新しい題名の事例"
    case.save_revision().publish()
    service.drain_outbox()
    assert found('"まったく新しい題名"') == {case.pk}  # quoted: as written
    assert_index_matches_database()


def test_rolled_back_publication_leaves_no_trace(private_search_index, case):
    with pytest.raises(RuntimeError), transaction.atomic():
        case.unpublish()
        raise RuntimeError("publishing failed half-way")
    assert not SearchOutbox.objects.exists()
    service.drain_outbox()
    assert case.pk in found(case.title)
    assert_index_matches_database()


def test_engine_down_during_search_degrades_without_error(
    private_search_index, client, monkeypatch
):
    def down(request):
        raise SearchUnavailable("engine stopped")

    monkeypatch.setattr(private_search_index, "search", down)
    response = client.get("/cases/", {"q": "金属加工", "industry": "E"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "簡易検索" in html
    assert response.context["results"]
    assert all(c.industry == "E" for c in response.context["results"])
    api = client.get("/api/v1/search/", {"q": "金属加工"})
    assert api.status_code == 200 and api.json()["degraded"] is True


def test_engine_down_during_indexing_loses_nothing(private_search_index, case, monkeypatch):
    case.unpublish()

    def down(docs, ids):
        raise SearchUnavailable("disk full")

    monkeypatch.setattr(private_search_index, "apply", down)
    with pytest.raises(SearchUnavailable):
        service.drain_outbox()
    row = SearchOutbox.objects.get(page_id=case.pk)
    assert row.attempts == 1 and "disk full" in row.last_error and not row.held
    monkeypatch.undo()
    assert service.drain_outbox() == 0  # not before its backoff is over: no hot loop
    assert SearchOutbox.objects.filter(page_id=case.pk).exists()
    assert service.drain_outbox(now=row.next_attempt_at) == 1
    assert not SearchOutbox.objects.exists()
    assert_index_matches_database()


def test_indexer_dying_mid_batch_commits_nothing_and_recovers(private_search_index, monkeypatch):
    import search.backends.embedded as embedded

    pages = list(CasePage.objects.live().order_by("pk")[:6])
    for page in pages:
        page.title += "（改訂）"
        page.save_revision().publish()
    real = embedded.to_tantivy
    calls = {"n": 0}

    def dies_on_the_fourth(doc):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt  # the worker is killed while writing
        return real(doc)

    monkeypatch.setattr(embedded, "to_tantivy", dies_on_the_fourth)
    with pytest.raises(KeyboardInterrupt):
        service.drain_outbox()
    assert found("改訂") == set()  # nothing of the half batch was committed
    assert SearchOutbox.objects.count() == 6
    monkeypatch.undo()
    service.drain_outbox()
    assert found("改訂") == {p.pk for p in pages}
    assert_index_matches_database()


def test_reconcile_reports_and_repairs_drift(private_search_index, case):
    private_search_index.delete([case.pk])
    with pytest.raises(Exception, match="1 件の差"):
        call_command("search_reconcile")
    call_command("search_reconcile", "--repair")
    assert_index_matches_database()


def test_a_second_writer_is_refused_not_corrupting(private_search_index):
    index = private_search_index._index_at_current(create=False)
    writer = index.writer(heap_size=15_000_000, num_threads=1)
    try:
        with pytest.raises(SearchUnavailable, match="別のプロセス"):
            private_search_index.delete([1])
    finally:
        writer.rollback()
        del writer


def test_case_page_lists_similar_cases(private_search_index, case, client):
    response = client.get(case.url)
    related = response.context["related_cases"]
    assert related and case not in related and len(related) <= 3


# --- the JSON API ----------------------------------------------------------------------------
def test_api_search_shape_and_codes(client):
    body = client.get("/api/v1/search/", {"q": "経営デザインシート", "type": "case"}).json()
    assert body["total"] >= 3
    first = body["results"][0]
    assert (
        first["id"].startswith("demo-")
        and first["type"] == "case"
        and first["url"].startswith("/cases/")
    )
    assert any("<mark>" in h for r in body["results"] for h in r["highlights"])
    industry = body["facets"]["industry"]
    assert {"value", "label", "count", "selected"} <= set(industry[0])


def test_api_multi_select_counts(client):
    both = client.get("/api/v1/search/", {"industry": ["E", "M"], "type": "case"}).json()
    only_e = client.get("/api/v1/search/", {"industry": "E", "type": "case"}).json()
    only_m = client.get("/api/v1/search/", {"industry": "M", "type": "case"}).json()
    assert both["total"] == only_e["total"] + only_m["total"]
    counts = {f["value"]: f for f in both["facets"]["industry"]}
    assert counts["E"]["count"] == only_e["total"] and counts["E"]["selected"]
    assert counts["D"]["count"] > 0 and not counts["D"]["selected"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"colour": "red"}, "未知のパラメーター"),
        ({"industry": "Z"}, "使えないコードです: industry=Z"),
        ({"page": "abc"}, "page は整数"),
        ({"page_size": "1000"}, "page_size は 1〜100"),
        ({"sort": "random"}, "sort は"),
        ({"type": "person"}, "type は"),
        ({"q": "あ" * 201}, "200 文字以内"),
    ],
)
def test_api_bad_parameters_get_a_400_in_japanese(client, params, message):
    response = client.get("/api/v1/search/", params)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_api_suggest_with_kana(client):
    body = client.get("/api/v1/suggest/", {"q": "けいえいでざいん"}).json()
    assert "経営デザインシート" in [s["text"] for s in body["suggestions"]]
    assert client.get("/api/v1/suggest/").status_code == 400


def test_openapi_document_lists_every_parameter(client):
    schema = client.get("/api/v1/openapi.json").json()
    params = {p["name"] for p in schema["paths"]["/api/v1/search/"]["get"]["parameters"]}
    assert params == {
        "q",
        "type",
        "sort",
        "page",
        "page_size",
        "literal",
        "industry",
        "region",
        "employees",
        "sales",
        "owner_type",
        "owner_age",
        "sales_trend",
        "profit_trend",
        "scale_phase",
        "vision_articulated",
        "approach",
        "requesting_body",
        "supporter_type",
        "phase",
        "tool",
        "hashtag",
    }
    json.dumps(schema)


# --- the search page -------------------------------------------------------------------------
def test_zero_results_offer_a_way_out(client):
    html = client.get("/cases/", {"q": "ホワイトボード", "industry": "S"}).content.decode()
    assert "見つかりませんでした" in html
    assert "絞り込みを外して「ホワイトボード」で検索" in html


def test_case_search_shows_the_best_know_how_beside_the_cases(client):
    response = client.get("/cases/", {"q": "傾聴"})
    html = response.content.decode()
    titles = [page.title for page in response.context["knowhow"]]
    assert 0 < len(titles) <= 3 and response.context["knowhow_total"] >= len(titles)
    assert "敬意を持って傾聴する" in titles[0]
    assert "「傾聴」に関するノウハウ" in html and "<mark>傾聴</mark>" in html
    # No query, no box: the plain list is not a search.
    assert "knowhow" not in client.get("/cases/").context


def test_know_how_index_searches_know_how(client):
    response = client.get("/knowhow/", {"q": "傾聴"})
    html = response.content.decode()
    assert response.context["total"] >= 2
    assert "「傾聴」のノウハウ" in html and 'role="status"' in html and "<mark>" in html
    empty = client.get("/knowhow/", {"q": "存在しない語ぴよぴよ"}).content.decode()
    assert "見つかりませんでした" in empty and "/cases/?q=" in empty


def test_know_how_search_degrades_to_the_database(client, monkeypatch):
    def down(self, request):
        raise SearchUnavailable("test: engine down")

    monkeypatch.setattr(type(service.backend()), "search", down)
    response = client.get("/knowhow/", {"q": "傾聴"})
    assert response.status_code == 200 and response.context["degraded"]
    assert any("傾聴" in page.title for page in response.context["results"])
    assert "簡易検索" in response.content.decode()
    api = client.get("/api/v1/search/", {"q": "傾聴"}).json()
    assert api["degraded"] and {"case", "knowhow"} <= {r["type"] for r in api["results"]}


def test_search_results_highlight_matches(client):
    response = client.get("/cases/", {"q": "経営デザインシート"})
    assert response.context["total"] >= 3
    assert "<mark>経営デザインシート</mark>" in response.content.decode()


def test_admin_finds_a_japanese_word_inside_a_title(client, django_user_model):
    admin = django_user_model.objects.create_superuser(
        email="admin@example.test", password="x" * 16
    )
    login(client, admin)
    case = CasePageFactory(title="金属加工業の価格交渉")
    word = "価格交渉"
    assert word in case.title and not case.title.startswith(word)
    response = client.get("/admin/pages/search/", {"q": word})
    assert response.status_code == 200
    assert case.title in response.content.decode()
