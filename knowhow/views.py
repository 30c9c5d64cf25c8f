"""Context builders for the know-how pages (thin: the search runs in the search service)."""

from urllib.parse import urlencode

from search import params, readings
from search.pages import pager, run_search
from search.types import SearchRequest
from taxonomy import terms

from .models import KnowHowPage

PAGE_SIZE = 20


def knowhow_list_context(http_request, index_page) -> dict:
    """The know-how list: a search when there are words (bounded by search.params; a
    BadParameter becomes the 400 page, see KnowHowIndexPage.serve), else grouped by skill."""
    query = params.query_text(http_request.GET).strip()
    context: dict = {"query": query}
    if query:
        search, response = run_search(
            SearchRequest(
                text=query,
                kinds=("knowhow",),
                page=params.page_number(http_request.GET, page_size=PAGE_SIZE, clamp=True),
                page_size=PAGE_SIZE,
                facets=False,
                broaden=True,
            )
        )
        context["results"] = knowhow_results(response.hits)
        context["total"] = response.total
        context["broadened"] = response.broadened
        context["read_as"] = response.read_as
        if response.read_as:
            context["as_typed_query"] = urlencode({"q": readings.as_typed(query, response.read_as)})
        context["related"] = response.related
        context["degraded"] = response.degraded
        context["pager"] = pager(response, search)
        return context
    articles = KnowHowPage.objects.child_of(index_page).live().specific().order_by("title")
    by_skill: dict[str, list] = {code: [] for code in terms.terms("skill")}
    for article in articles:
        by_skill.setdefault(article.skill, []).append(article)
    context["skills"] = [
        (code, terms.label("skill", code), items) for code, items in by_skill.items() if items
    ]
    return context


def knowhow_results(hits) -> list:
    """The live, public know-how pages of `hits` in their order, with their highlights."""
    pages = KnowHowPage.objects.live().public().in_bulk([hit.id for hit in hits])
    results = []
    for hit in hits:
        page = pages.get(hit.id)
        if page is not None:
            page.highlights = hit.highlights
            results.append(page)
    return results
