"""The search API's results: one query for its hits, and the same ids, titles and URLs as the
page objects would give (search/hit_pages.py reads rows, not pages)."""

from urllib.parse import quote

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction, Site

from cases.models import CaseIndexPage
from search import hit_pages, service
from search.types import Hit, SearchRequest
from tests.factories import CasePageFactory, KnowHowPageFactory

pytestmark = pytest.mark.django_db

QUERY = "ズモモガ"  # a word no demo page has: the hits are this test's cases


@pytest.fixture(autouse=True)
def rendered(settings):
    """Every request rendered by the view (no page cache): what the view itself reads. Without
    pseudo-relevance feedback, so that the hits are exactly the cases with the test's word (the
    factory's cases share their other words: feedback would add those of other tests)."""
    settings.PAGE_CACHE_ENABLED = False
    settings.SEARCH_FEEDBACK = False


@pytest.fixture
def cases(private_search_index):
    found = [CasePageFactory(title=f"{QUERY} の事例{n}") for n in range(4)]
    service.drain_outbox()
    return found


def api(client, **params) -> dict:
    query = "&".join(f"{name}={quote(value)}" for name, value in params.items())
    response = client.get(f"/api/v1/search/?{query}")
    assert response.status_code == 200
    return response.json()


def selects(client, url: str) -> list[str]:
    client.get(url)  # what a running server holds: labels, site root paths
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]


def test_the_api_reads_its_hits_in_one_query_whatever_their_number(client, cases):
    url = f"/api/v1/search/?type=case&q={quote(QUERY)}"
    found = selects(client, url)
    # The synonyms' stamp (service.synonym_groups) and the hits' rows, restrictions included:
    # no query of its own for the view restrictions, none per hit.
    assert len(found) == 2, found
    assert "wagtailcore_pageviewrestriction" in found[-1]
    for n in range(4, 12):
        CasePageFactory(title=f"{QUERY} の事例{n}")
    service.drain_outbox()
    assert api(client, type="case", q=QUERY)["total"] == 12
    assert len(selects(client, url)) == 2


def test_a_restricted_page_is_left_out_before_the_index_knows(client, cases):
    restricted, *others = cases
    PageViewRestriction.objects.create(page=restricted, restriction_type=PageViewRestriction.LOGIN)
    # The restriction does not touch the index: the hit is there, the API leaves it out.
    hits = service.search(SearchRequest(text=QUERY, kinds=("case",), page_size=100)).hits
    assert restricted.pk in {h.id for h in hits}
    ids = {r["id"] for r in api(client, type="case", q=QUERY)["results"]}
    assert ids == {c.external_id for c in others}

    # A restriction on an ancestor covers every page below it.
    PageViewRestriction.objects.create(
        page=CaseIndexPage.objects.get(), restriction_type=PageViewRestriction.LOGIN
    )
    assert api(client, type="case", q=QUERY)["results"] == []


def test_an_unpublished_page_is_left_out_before_the_index_knows(client, cases):
    gone, *others = cases
    gone.unpublish()  # its outbox row is not drained: the index still has it
    ids = {r["id"] for r in api(client, type="case", q=QUERY)["results"]}
    assert ids == {c.external_id for c in others}


def test_rows_give_the_ids_titles_and_urls_of_the_pages(cases):
    knowhow = KnowHowPageFactory()
    hits = [Hit(id=c.pk, kind="case", score=1.0) for c in cases]
    hits.append(Hit(id=knowhow.pk, kind="knowhow", score=1.0))
    rows = hit_pages.live_public(hits)
    assert set(rows) == {h.id for h in hits}
    request = RequestFactory().get("/api/v1/search/")
    root_paths = Site.get_site_root_paths()
    for page in [*cases, knowhow]:
        row = rows[page.pk]
        assert (row.title, row.url_path) == (page.title, page.url_path)
        public_id = page.slug if page.pk == knowhow.pk else page.external_id
        assert row.public_id == public_id
        for site in (None, Site.objects.get(is_default_site=True)):
            assert hit_pages.page_url(
                row.url_path, root_paths=root_paths, current_site=site
            ) == page.get_url(request=request, current_site=site)


def test_urls_under_two_sites_are_those_of_wagtail(cases, settings):
    """With a second site rooted at the case index, a case belongs to both: relative on the site
    asked, absolute from the other (Page.get_url), and the same from page_url with the site the
    API finds for the request."""
    settings.ALLOWED_HOSTS = ["*"]
    default = Site.objects.get(is_default_site=True)
    other = Site.objects.create(
        hostname="cases.example", port=80, root_page=CaseIndexPage.objects.get()
    )
    root_paths = Site.get_site_root_paths()
    outside = Page.objects.get(depth=1)  # the tree's root: under no site
    for host in (default.hostname, other.hostname, "unknown.example"):
        request = RequestFactory(HTTP_HOST=host).get("/api/v1/search/")
        site = Site.find_for_request(request)  # what the API's _current_site gives
        for page in [*cases, outside]:
            expected = page.get_url(request=request, current_site=site)
            assert (
                hit_pages.page_url(page.url_path, root_paths=root_paths, current_site=site)
                == expected
            ), (host, page.url_path)
    assert hit_pages.page_url(
        cases[0].url_path, root_paths=root_paths, current_site=other
    ).startswith("/")
    assert hit_pages.page_url(
        cases[0].url_path, root_paths=root_paths, current_site=default
    ).startswith("/cases/")
