"""Uncached public pages run a bounded number of queries, whatever the case count."""

from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import selectors
from cases.synthetic import insert_cases
from pagecache.generation import invalidate
from search import analytics

pytestmark = pytest.mark.django_db

# Measured at 10,000 cases (benchmarks/http_load.py's database): home 12, list 12, case 19; the case page
# asks one more since the k rule (CasePage.public_area reads its PrefectureDisclosure). The keyword
# list also searches the know-how and writes the search log; the API loads only its hits. The
# keyword list went 18 → 19 when 傾聴 gained the spelling 話を聴く (its hits changed, and their pages
# took one more query to load); the second half of the test checks that it does not grow with cases.
BOUNDS = {"home": 12, "list": 12, "filtered list": 12, "keyword list": 19, "case": 20, "API": 6}


def urls() -> dict[str, str]:
    case = selectors.newest_first(selectors.published_cases()).first()
    return {
        "home": "/",
        "list": "/cases/",
        "filtered list": "/cases/?industry=E&industry=M&tool=whiteboard&page=1",
        "keyword list": "/cases/?q=" + quote("傾聴"),
        "case": case.url,
        "API": "/api/v1/search/?type=case&q=" + quote("ロカベン"),
    }


def counts(client, pages: dict[str, str]) -> dict[str, int]:
    found = {}
    for name, url in pages.items():
        invalidate(reason="test")  # uncached: the page is rendered
        client.get(url)  # labels, site root paths: what a running server holds
        invalidate(reason="test")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        # A keyword search's log row is written at once under the test settings: counted here.
        assert response.status_code == 200 and response["X-Cache"] == "miss"
        found[name] = len(queries)
    return found


def test_uncached_pages_have_bounded_query_counts(client):
    pages = urls()
    before = counts(client, pages)
    for name, bound in BOUNDS.items():
        assert before[name] <= bound, (name, before[name])
    insert_cases(60, first=90_001)  # more cases, more sections and tags: no more queries
    assert counts(client, pages) == before


def test_a_cached_keyword_search_asks_the_database_nothing(client, settings):
    """A hit counts its search in the process's buffer (search/analytics.py), not with an
    INSERT per request, which would cap the hits far below the static file's throughput."""
    settings.SEARCH_LOG_FLUSH_ROWS = 100
    pages = urls()
    try:
        for name in ("keyword list", "API"):
            assert client.get(pages[name])["X-Cache"] == "miss"
            with CaptureQueriesContext(connection) as queries:
                assert client.get(pages[name])["X-Cache"] == "hit"
            assert len(queries) == 0, (name, [q["sql"] for q in queries])
        assert analytics.flush() == 4
    finally:
        analytics._buffer.take()
