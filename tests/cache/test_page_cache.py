"""The anonymous page cache (pagecache/): hits, what it never serves, what invalidates it."""

import json
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.db.models import Sum
from wagtail.models import Page, get_page_models

from cases import selectors
from cases.models import CaseIndexPage, CasePage
from home.models import HomePage, StandardPage
from knowhow.models import KnowHowIndexPage, KnowHowPage
from pagecache import generation, marks
from search import service
from search.models import SearchQueryLog, Synonym
from taxonomy.models import Term
from tests.conftest import login
from training.models import CurriculumIndexPage, CurriculumPage, CurriculumUnitPage

from .factories import CasePageFactory

pytestmark = pytest.mark.django_db

PAGE_TYPES = [
    HomePage,
    StandardPage,
    CaseIndexPage,
    CasePage,
    KnowHowIndexPage,
    KnowHowPage,
    CurriculumIndexPage,
    CurriculumPage,
    CurriculumUnitPage,
]
API_URLS = [
    # A keyword search's first page is logged on every serve, hits too (marks.on_serve,
    # tests/search/test_analytics.py).
    "/api/v1/search/?q=" + quote("傾聴"),
    "/api/v1/search/?q=" + quote("傾聴") + "&page=2",
    "/api/v1/search/?type=case&industry=E&page=2&page_size=5",
    "/api/v1/suggest/?q=" + quote("けい"),
    "/api/v1/openapi.json",
]
LIST_URLS = [
    "/cases/",
    "/cases/?q=" + quote("傾聴"),
    "/cases/?q=" + quote("傾聴") + "&industry=E&sort=-published",
    "/cases/?industry=E&industry=M&tool=whiteboard",
    "/cases/?q=" + quote("傾聴") + "&sort=-published&page=2",
    "/knowhow/?q=" + quote("傾聴"),
    "/cases/?hashtag=" + quote("事業承継") + "&owner_age=60s&literal=" + quote("石川"),
    "/following/feed/",
    "/following/feed/?q=" + quote("傾聴") + "&industry=E",
]


KEYWORD_URLS = ["/cases/?q=" + quote("傾聴"), "/api/v1/search/?q=" + quote("傾聴")]


def searched(text: str) -> int:
    return SearchQueryLog.objects.filter(text=text).aggregate(n=Sum("searches"))["n"] or 0


def live_page(model):
    if model is CasePage:  # the newest: on the first page of the list
        return selectors.newest_first(selectors.published_cases()).first()
    return model.objects.live().public().order_by("pk").first()


def get(client, url, **headers):
    response = client.get(url, headers=headers)
    return response, response.get("X-Cache"), response.content.decode()


@pytest.fixture
def one_of_each():
    pages = {model: live_page(model) for model in PAGE_TYPES}
    assert all(pages.values()), "the demo content has a page of every type"
    return pages


# --- hits ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("model", PAGE_TYPES, ids=lambda m: m.__name__)
def test_every_page_type_is_a_miss_then_a_hit_with_public_headers(anonymous, one_of_each, model):
    url = one_of_each[model].url
    first, state, html = get(anonymous, url)
    assert (first.status_code, state) == (200, "miss")
    second, state, again = get(anonymous, url)
    assert (second.status_code, state) == (200, "hit")
    assert again == html
    assert "public" in second["Cache-Control"] and "s-maxage" in second["Cache-Control"]
    assert "Cookie" in second["Vary"]
    assert second["ETag"] == first["ETag"]
    not_modified = anonymous.get(url, headers={"If-None-Match": second["ETag"]})
    assert not_modified.status_code == 304


@pytest.mark.parametrize("url", API_URLS + LIST_URLS)
def test_the_api_and_the_lists_are_cached_per_query_string(anonymous, url):
    assert get(anonymous, url)[1] == "miss"
    response, state, _ = get(anonymous, url)
    assert (response.status_code, state) == (200, "hit")


def test_the_query_string_is_part_of_the_key(anonymous):
    _, _, all_cases = get(anonymous, "/cases/")
    response, state, filtered = get(anonymous, "/cases/?industry=E")
    assert state == "miss" and filtered != all_cases
    # The pagination links repeat the query string as given: another order is another page.
    assert get(anonymous, "/cases/?industry=M&industry=E")[1] == "miss"


def test_what_is_never_stored(anonymous):
    # A parameter no public page reads: rendered every time, never stored.
    assert get(anonymous, "/cases/?utm_source=x")[1] == "bypass"
    assert get(anonymous, "/cases/?utm_source=x")[1] == "bypass"
    # An error answer (400 for a parameter out of bounds, 404).
    bad = anonymous.get("/cases/?page=-1")
    assert bad.status_code == 400 and bad["X-Cache"] == "bypass"
    assert anonymous.get("/api/v1/search/?page_size=9999")["X-Cache"] == "bypass"
    assert anonymous.get("/no-such-page/").status_code == 404
    assert anonymous.get("/no-such-page/")["X-Cache"] == "bypass"
    # Pages that are not public: the login form carries a CSRF token.
    login_page = anonymous.get("/accounts/login/")
    assert login_page["X-Cache"] == "bypass" and "public" not in login_page.get("Cache-Control", "")
    # Not GET or HEAD.
    assert anonymous.post("/cases/")["X-Cache"] == "bypass"


def test_a_degraded_search_is_served_but_not_stored(anonymous, private_search_index, monkeypatch):
    from search.types import SearchUnavailable

    def down(request):
        raise SearchUnavailable("engine stopped")

    monkeypatch.setattr(private_search_index, "search", down)
    url = "/cases/?industry=E"
    response, state, _ = get(anonymous, url)
    assert response.status_code == 200 and response.context["degraded"]
    assert state == "bypass"
    monkeypatch.undo()
    assert get(anonymous, url)[1] == "miss"  # the engine is back: its answer is stored
    assert get(anonymous, url)[1] == "hit"


# --- people who are signed in -------------------------------------------------------------------
@pytest.mark.parametrize("model", PAGE_TYPES, ids=lambda m: m.__name__)
def test_a_signed_in_page_is_never_served_from_or_stored_in_the_cache(
    anonymous, client, supporter, one_of_each, model
):
    url = one_of_each[model].url
    assert get(anonymous, url)[1] == "miss"
    assert get(anonymous, url)[1] == "hit"
    login(client, supporter)
    response, state, html = get(client, url)
    assert state == "bypass"
    assert supporter.email in html  # their own header, not the anonymous page
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    # And the other way round: what they were shown is not what the next visitor gets.
    cache.clear()
    get(client, url)
    response, state, html = get(anonymous, url)
    assert state == "miss" and supporter.email not in html


def test_the_api_is_not_shared_with_signed_in_people(anonymous, client, supporter):
    url = API_URLS[0]
    get(anonymous, url)
    login(client, supporter)
    assert get(client, url)[1] == "bypass"


@pytest.mark.parametrize("url", KEYWORD_URLS)
def test_a_signed_in_keyword_search_is_never_cached_and_still_logged(
    anonymous, client, supporter, url
):
    assert [get(anonymous, url)[1] for _ in range(2)] == ["miss", "hit"]
    login(client, supporter)
    for _ in range(2):
        response, state, _ = get(client, url)
        assert state == "bypass" and "no-store" in response["Cache-Control"]
    if url.startswith("/cases/"):
        assert supporter.email in response.content.decode()  # their own page
    assert searched("傾聴") == 4  # 2 anonymous, 2 signed in
    cache.clear()
    get(client, url)
    assert get(anonymous, url)[1] == "miss"  # what they were shown was not stored


def test_a_pending_message_or_a_session_cookie_bypasses_the_cache(anonymous):
    url = "/cases/"
    get(anonymous, url)
    anonymous.cookies["messages"] = "anything"
    assert get(anonymous, url)[1] == "bypass"
    del anonymous.cookies["messages"]
    anonymous.cookies["sessionid"] = "expired-or-forged"
    assert get(anonymous, url)[1] == "bypass"


# --- invalidation -------------------------------------------------------------------------------
@pytest.mark.parametrize("model", PAGE_TYPES, ids=lambda m: m.__name__)
def test_an_edit_published_shows_on_the_next_request(anonymous, one_of_each, model):
    page = one_of_each[model]
    get(anonymous, page.url)
    assert get(anonymous, page.url)[1] == "hit"
    page.title = f"{page.title}（改訂版）"
    page.save_revision().publish()
    response, state, html = get(anonymous, page.url)
    assert state == "miss" and "（改訂版）" in html


@pytest.mark.parametrize(
    "model", [m for m in PAGE_TYPES if m is not HomePage], ids=lambda m: m.__name__
)
def test_an_unpublished_page_is_gone_on_the_next_request(anonymous, one_of_each, model):
    page = one_of_each[model]
    url = page.url
    parent_url = page.get_parent().url
    link = f'href="{url}"'
    assert link in get(anonymous, parent_url)[2]  # listed by its parent (or in the menu)
    get(anonymous, url)
    page.unpublish()
    assert anonymous.get(url).status_code == 404
    assert link not in get(anonymous, parent_url)[2]


def test_a_case_published_or_edited_shows_in_every_list_and_the_api(
    anonymous, private_search_index
):
    urls = [
        "/",
        "/cases/",
        "/cases/?industry=E",
        "/api/v1/search/?q=" + quote("後継者"),
        "/following/feed/",
    ]
    for url in urls:
        get(anonymous, url)
    case = CasePageFactory(title="新しく公開した事例の見出し")
    service.drain_outbox()  # the task the publish queued (the test transaction never commits)
    for url in urls:
        assert "新しく公開した事例の見出し" in get(anonymous, url)[2], url
    case.title = "題名を改めた事例の見出し"
    case.save_revision().publish()
    service.drain_outbox()
    for url in urls:
        html = get(anonymous, url)[2]
        assert "題名を改めた事例の見出し" in html and "新しく公開した事例の見出し" not in html, url


@pytest.mark.parametrize("url", KEYWORD_URLS)
def test_publishing_invalidates_a_cached_keyword_search(anonymous, private_search_index, url):
    assert [get(anonymous, url)[1] for _ in range(2)] == ["miss", "hit"]
    CasePageFactory(title="傾聴から始めた新しい事例")
    service.drain_outbox()
    response, state, body = get(anonymous, url)
    assert state == "miss" and "傾聴から始めた新しい事例" in body
    assert get(anonymous, url)[1] == "hit"
    assert searched("傾聴") == 4


def test_the_index_catching_up_invalidates_the_lists(anonymous, private_search_index):
    """Between a publish and the outbox drain a list is rendered from the old index; the drain
    must put that page out of reach (this is what a per-page key could not know)."""
    CasePageFactory(title="索引の追いつきを待つ事例")
    assert "索引の追いつきを待つ事例" not in get(anonymous, "/cases/")[2]  # not indexed yet
    assert get(anonymous, "/cases/")[1] == "hit"
    service.drain_outbox()
    response, state, html = get(anonymous, "/cases/")
    assert state == "miss" and "索引の追いつきを待つ事例" in html


def test_a_deleted_case_is_gone_from_its_page_and_the_lists(anonymous, private_search_index):
    case = live_page(CasePage)
    for url in ("/", "/cases/", case.url):
        get(anonymous, url)
    case.delete()
    service.drain_outbox()
    assert anonymous.get(case.url).status_code == 404
    assert case.title not in get(anonymous, "/cases/")[2]


def test_a_moved_page_shows_in_its_new_place(anonymous):
    home = live_page(HomePage)
    menu = list(home.get_children().live().in_menu())
    first, last = menu[0], menu[-1]
    html = get(anonymous, "/")[2]
    assert html.index(first.title) < html.index(last.title)
    last.move(first, pos="left")
    response, state, html = get(anonymous, "/")
    assert state == "miss" and html.index(last.title) < html.index(first.title)


def test_a_privacy_restriction_takes_a_page_out_of_the_cache(anonymous):
    from wagtail.models import PageViewRestriction

    page = live_page(KnowHowPage)
    get(anonymous, page.url)
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    response = anonymous.get(page.url)
    assert response.status_code == 302 and response["X-Cache"] != "hit"


def test_a_taxonomy_label_change_shows_at_once(anonymous):
    get(anonymous, "/cases/")
    get(anonymous, "/")
    term = Term.objects.get(vocabulary="industry", code="E")
    term.label = "製造業（名称変更）"
    term.short_label = ""
    term.save()
    for url in ("/cases/", "/"):
        response, state, html = get(anonymous, url)
        assert state == "miss" and "製造業（名称変更）" in html, url


def test_a_synonym_change_shows_at_once(anonymous):
    url = "/api/v1/search/?q=" + quote("ぴよぴよ")
    assert json.loads(get(anonymous, url)[2])["total"] == 0
    assert get(anonymous, url)[1] == "hit"
    Synonym.objects.create(terms="ぴよぴよ、傾聴")
    response, state, body = get(anonymous, url)
    assert state == "miss" and json.loads(body)["total"] > 0


def test_the_generation_changes_again_after_the_commit(
    anonymous, django_capture_on_commit_callbacks
):
    """A page another process renders between the change and its commit (from the database as
    it was) is stored under the first new generation: the second bump puts it out of reach."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        generation.invalidate(reason="test")
        during = generation.current()
        assert get(anonymous, "/")[1] == "miss"
        assert get(anonymous, "/")[1] == "hit"  # stored under `during`
    for callback in callbacks:
        callback()
    assert generation.current() != during
    assert get(anonymous, "/")[1] == "miss"


def test_a_lost_generation_is_replaced_by_a_new_one_never_an_old_one(anonymous):
    get(anonymous, "/")
    before = generation.current()
    cache.delete(generation.KEY)  # evicted, or the cache restarted
    assert generation.current() != before
    assert get(anonymous, "/")[1] == "miss"


def test_the_command_invalidates(anonymous):
    from django.core.management import call_command

    get(anonymous, "/")
    call_command("pagecache_invalidate", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert get(anonymous, "/")[1] == "miss"


def test_a_draft_save_does_not_invalidate(anonymous):
    page = live_page(CasePage)
    get(anonymous, page.url)
    page.title = "下書きだけの題名"
    page.save_revision()
    response, state, html = get(anonymous, page.url)
    assert state == "hit" and "下書きだけの題名" not in html


def test_turned_off_nothing_is_cached(anonymous, settings):
    settings.PAGE_CACHE_ENABLED = False
    get(anonymous, "/")
    assert anonymous.get("/").get("X-Cache") is None


def test_turned_off_a_keyword_search_is_still_logged(anonymous, settings):
    settings.PAGE_CACHE_ENABLED = False
    for _ in range(2):
        assert get(anonymous, KEYWORD_URLS[0])[1] is None
    assert searched("傾聴") == 2


def test_a_failing_replay_never_breaks_the_page(anonymous, monkeypatch, caplog):
    """The middleware runs what a view registered without knowing it: whatever it raises, the
    visitor gets the page, and the log names the replay and the exception class only."""

    def broken(payload):
        raise RuntimeError(payload["text"])

    monkeypatch.setattr(marks, "_functions", {"search.analytics.count_search": broken})
    for expected in ("miss", "hit"):
        response, state, _ = get(anonymous, KEYWORD_URLS[0])
        assert (response.status_code, state) == (200, expected)
    message = "page cache replay search.analytics.count_search failed (RuntimeError)"
    assert caplog.text.count(message) == 2
    assert "傾聴" not in caplog.text


def test_every_page_type_is_covered():
    """A new page type must be added to PAGE_TYPES (and its invalidation thought about)."""
    assert set(get_page_models()) - {Page} == set(PAGE_TYPES)


def test_every_parameter_a_public_url_reads_is_cacheable():
    """The apps name their public views and parameters (pagecache.public); a parameter a page
    reads but nobody named would make every such page a bypass (the hand-kept list had lost
    ten of the sixteen facets and the feed)."""
    from pagecache.middleware import _view_name
    from pagecache.public import public_parameters
    from tests.test_public_params import PUBLIC

    not_shared = ("/accounts/", "/search/click/")  # a CSRF form, a logged redirect
    for url, names in PUBLIC.items():
        if url.startswith(not_shared):
            continue
        parameters = public_parameters(_view_name(url))
        assert parameters is not None, f"{url} is not cached"
        assert set(names) <= parameters, f"{url}: {set(names) - parameters} not cacheable"


def test_a_hit_is_one_read_of_the_cache_and_an_entry_of_another_generation_is_never_served(
    anonymous, monkeypatch
):
    """The generation token and the page come back in one round trip (a hit's main cost with
    Redis); the entry carries the generation it was rendered under, and only that one serves."""
    assert get(anonymous, "/")[1] == "miss"
    reads = []  # the calls the middleware makes (LocMemCache.get_many calls get() itself)
    original_get, original_get_many = cache.get, cache.get_many

    def get_many(*args, **kwargs):
        reads.append("get_many")
        monkeypatch.setattr(cache, "get", original_get)
        try:
            return original_get_many(*args, **kwargs)
        finally:
            monkeypatch.setattr(cache, "get", counted_get)

    def counted_get(*args, **kwargs):
        reads.append("get")
        return original_get(*args, **kwargs)

    monkeypatch.setattr(cache, "get", counted_get)
    monkeypatch.setattr(cache, "get_many", get_many)
    assert get(anonymous, "/")[1] == "hit"
    assert reads == ["get_many"]
    cache.set(generation.KEY, "a-later-generation", None)  # another process published
    assert get(anonymous, "/")[1] == "miss"
    assert get(anonymous, "/")[1] == "hit"
