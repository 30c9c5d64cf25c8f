"""Elasticsearch failing in the ways a real cluster fails, against a fake on loopback.

The fake (fake_elasticsearch.py) answers with Elasticsearch's error shapes and counts what it
was sent; these tests check that no update is lost, that nothing is applied twice, that the
worker lives on and that the site degrades. They never look at search results from the fake.
"""

import io
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.models import CasePage
from search import service, tasks
from search.backends.elastic import CLIENT_VERSION, ElasticsearchBackend, compatible
from search.management.commands.search_worker import Command as Worker
from search.models import SearchOutbox
from search.service import CircuitBreaker
from search.types import IndexingFailed, SearchRequest, SearchUnavailable

from .fake_elasticsearch import FakeElasticsearch

pytestmark = pytest.mark.django_db
ALIAS = "banso-test"


@pytest.fixture
def fake_es(settings):
    with FakeElasticsearch() as es:
        settings.SEARCH = {
            "BACKEND": "search.backends.elastic.ElasticsearchBackend",
            "OPTIONS": {"url": es.url, "index": ALIAS, "timeout": 0.5, "write_timeout": 0.5},
        }
        service.reset_backend()
        yield es
        service.reset_backend()


def queue(count: int) -> list[int]:
    """Outbox rows for `count` live cases, as publishing them would leave."""
    ids = list(CasePage.objects.live().public().order_by("pk").values_list("pk", flat=True))
    ids = ids[:count]
    assert len(ids) == count
    SearchOutbox.objects.bulk_create(SearchOutbox(page_id=pk) for pk in ids)
    return ids


def row(page_id: int) -> SearchOutbox:
    return SearchOutbox.objects.get(page_id=page_id)


def test_item_failures_keep_their_rows_and_only_they_are_retried(fake_es):
    a, b, c, d = queue(4)
    fake_es.reject = {
        b: (429, "es_rejected_execution_exception"),
        d: (400, "document_parsing_exception"),
    }
    now = timezone.now()
    report = tasks.drain(now=now)
    assert (report.applied, report.retrying, report.held) == (2, 1, 1)
    assert set(SearchOutbox.objects.values_list("page_id", flat=True)) == {b, d}
    overloaded, refused = row(b), row(d)
    assert overloaded.attempts == 1 and "429" in overloaded.last_error and not overloaded.held
    assert overloaded.next_attempt_at == now + timedelta(seconds=tasks.backoff(1))
    # A mapping error comes back on every retry: kept and reported, not retried.
    assert refused.held and "document_parsing_exception" in refused.last_error
    assert refused.next_attempt_at is None

    fake_es.reject = {}
    assert tasks.drain(now=now).applied == 0  # b's backoff is not over
    assert tasks.drain(now=overloaded.next_attempt_at).applied == 1
    assert set(SearchOutbox.objects.values_list("page_id", flat=True)) == {d}
    assert fake_es.received[d] == 1  # held: never sent again on its own

    assert tasks.retry_held() == 1
    assert tasks.drain(now=now).applied == 1
    assert not SearchOutbox.objects.exists()
    assert dict(fake_es.applied) == {a: 1, b: 1, c: 1, d: 1}  # each exactly once


def test_a_rejected_request_honours_retry_after(fake_es):
    (page,) = queue(1)
    fake_es.mode = "429"
    now = timezone.now()
    with pytest.raises(IndexingFailed, match="429"):
        tasks.drain(now=now)
    kept = row(page)
    assert kept.attempts == 1 and "es_rejected_execution_exception" in kept.last_error
    assert kept.next_attempt_at == now + timedelta(seconds=7)  # Retry-After: 7 > backoff 2
    assert len(fake_es.calls("PUT", "_bulk")) == 1  # the client itself did not retry


def test_an_unreachable_cluster_keeps_every_row(settings):
    with FakeElasticsearch() as es:
        url = es.url  # closed on leaving: nothing listens there any more
    settings.SEARCH = {
        "BACKEND": "search.backends.elastic.ElasticsearchBackend",
        "OPTIONS": {"url": url, "index": ALIAS, "timeout": 0.5},
    }
    service.reset_backend()
    try:
        pages = queue(2)
        with pytest.raises(SearchUnavailable, match="接続できません"):
            tasks.drain()
        kept = SearchOutbox.objects.order_by("page_id")
        assert [r.page_id for r in kept] == sorted(pages)
        assert all(r.attempts == 1 and "接続できません" in r.last_error for r in kept)
    finally:
        service.reset_backend()


def test_the_worker_lives_through_every_failure_and_applies_each_page_once(fake_es):
    pages = queue(3)
    first, overloaded = pages[0], pages[1]
    fake_es.reject = {overloaded: (429, "es_rejected_execution_exception")}
    clock = {"now": timezone.now()}
    # What the cluster does before each next pass, and what the row must say after it.
    script = [
        ("503", "cluster_block_exception"),
        ("v8", "media_type_header_exception"),
        ("hang", "時間内に応答しませんでした"),
        ("ok", None),
    ]
    stop = threading.Event()
    seen = []

    def sleep(seconds):
        kept = SearchOutbox.objects.filter(page_id=overloaded).first()
        seen.append((kept.attempts, kept.last_error) if kept else None)
        if not script:
            stop.set()
            return
        mode, _ = script.pop(0)
        fake_es.mode = mode
        fake_es.reject = {}
        if mode == "ok":
            fake_es.release.set()
        clock["now"] += timedelta(hours=1)  # every backoff is over

    out, err = io.StringIO(), io.StringIO()
    Worker(stdout=out, stderr=err).loop(
        interval=0.01, stop=stop, sleep=sleep, now=lambda: clock["now"]
    )
    assert [s[0] if s else None for s in seen] == [1, 2, 3, 4, None]
    assert "429" in seen[0][1]
    assert "503" in seen[1][1]
    assert "media_type_header_exception" in seen[2][1]
    assert "時間内に応答しませんでした" in seen[3][1]
    assert not SearchOutbox.objects.exists()
    assert dict(fake_es.applied) == dict.fromkeys(pages, 1)  # exactly once, whatever came between
    assert fake_es.received[first] == 1
    assert "索引を更新できません" in err.getvalue()


def test_a_9x_client_against_an_8x_cluster_says_so():
    with FakeElasticsearch() as es:
        es.mode = "v8"
        backend = ElasticsearchBackend(url=es.url, index=ALIAS, timeout=0.5)
        problem = backend.version_problem()
        assert "8.19.3" in problem and CLIENT_VERSION in problem
        with pytest.raises(Exception, match="バージョンが合いません"):
            backend.search(SearchRequest(text="傾聴"))


@pytest.mark.parametrize(
    ("server", "fits"),
    [("9.2.4", True), ("9.2.1", True), ("9.3.0", True), ("9.1.9", False), ("8.19.3", False)],
)
def test_client_fits_its_minor_and_later_ones(server, fits):
    assert CLIENT_VERSION.startswith("9.2.")
    assert compatible(server) is fits


def test_the_version_is_checked_once_on_first_use(fake_es):
    backend = service.backend()
    for _ in range(3):
        backend.suggest("けい")
    assert [r["method"] for r in fake_es.requests if r["path"] == "/"] == ["GET"]


def test_the_site_degrades_and_the_breaker_stops_calling_a_broken_cluster(fake_es, client):
    fake_es.mode = "v8"
    for _ in range(CircuitBreaker.FAILURES):
        api = client.get("/api/v1/search/", {"q": "傾聴"})
        assert api.status_code == 200 and api.json()["degraded"] is True
    asked = len(fake_es.requests)
    page = client.get("/cases/", {"q": "傾聴"})
    assert page.status_code == 200 and page.context["degraded"]
    assert "簡易検索" in page.content.decode()
    assert client.get("/api/v1/search/", {"q": "傾聴"}).json()["degraded"] is True
    assert client.get("/api/v1/suggest/", {"q": "けい"}).json() == {"suggestions": []}
    assert len(fake_es.requests) == asked  # fast failures opened the breaker too


def run_check() -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("search_check", stdout=out, stderr=err)
        return 0, out.getvalue()
    except SystemExit as exc:
        return exc.code, out.getvalue() + err.getvalue()


def test_search_check_names_what_is_wrong(fake_es):
    fake_es.mode = "v8"
    code, text = run_check()
    assert code == 1 and "バージョンが合いません" in text and "8.19.3" in text

    fake_es.mode = "ok"
    fake_es.plugins = ["analysis-icu"]
    code, text = run_check()
    assert code == 1 and "analysis-kuromoji がありません" in text
    assert "エイリアス banso-test がありません" in text

    fake_es.plugins = ["analysis-icu", "analysis-kuromoji"]
    service.backend()._ensure_alias()
    fake_es.indices[f"{ALIAS}-first"]["mappings"]["_meta"]["mapping_version"] = 1
    code, text = run_check()
    assert code == 1 and "search_rebuild が必要です" in text


def test_search_check_reports_held_updates(fake_es):
    (page,) = queue(1)
    fake_es.reject = {page: (400, "document_parsing_exception")}
    tasks.drain()
    code, text = run_check()
    assert (
        code == 1 and "受け付けなかった更新が 1 件" in text and "document_parsing_exception" in text
    )


def test_search_check_on_the_embedded_backend(settings, tmp_path):
    settings.SEARCH = {
        "BACKEND": "search.backends.embedded.EmbeddedBackend",
        "OPTIONS": {"root": str(tmp_path / "index")},
    }
    service.reset_backend()
    try:
        code, text = run_check()
        assert code == 1 and "まだ作成されていません" in text
        service.rebuild()
        code, text = run_check()
        assert code == 0 and "検索は正常です" in text
    finally:
        service.reset_backend()
