"""Context builders for the case pages (thin: reads live in selectors and the search service)."""

from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _

from knowhow.models import KnowHowPage
from search import service
from search.types import SearchRequest
from taxonomy import terms

from . import selectors

PAGE_SIZE = 20
SORTS = {"relevance": _("関連度順"), "-published": _("新しい順"), "published": _("古い順")}

FILTER_LABELS = {
    "industry": _("業種"),
    "region": _("地域"),
    "employees": _("従業員数"),
    "phase": _("フェーズ"),
    "tool": _("ツール"),
    "scale_phase": _("規模×局面"),
}


def _page_number(raw: str | None) -> int:
    try:
        return max(1, int(raw or 1))
    except ValueError:
        return 1


def run_search(params, *, kinds=("case",), page_size=PAGE_SIZE, facets=True):
    """Parse list/search parameters, run the search and return (request, response, rejected)."""
    selected, rejected = selectors.clean_filters(params)
    text = " ".join(params.get("q", []))[:200]
    sort = (params.get("sort") or [""])[0]
    if sort not in SORTS:
        sort = "relevance" if text.strip() else "-published"
    request = SearchRequest(
        text=text,
        filters=selected,
        kinds=kinds,
        sort=sort,
        page=_page_number((params.get("page") or [None])[0]),
        page_size=page_size,
        facets=facets,
    )
    response = service.search(request)
    last_page = max(1, -(-response.total // page_size))
    if request.page > last_page and response.total:
        request = SearchRequest(**{**request.__dict__, "page": last_page})
        response = service.search(request)
    return request, response, rejected


def case_list_context(http_request, index_page) -> dict:
    params = dict(http_request.GET.lists())
    request, response, rejected = run_search(params)
    loaded = {
        c.pk: c
        for c in selectors.with_list_data(
            selectors.published_cases().filter(pk__in=[hit.id for hit in response.hits])
        )
    }
    results = []
    for hit in response.hits:
        case = loaded.get(hit.id)
        if case is not None:  # the index may briefly lag an unpublish; the database decides
            case.highlights = hit.highlights
            results.append(case)
    page = Paginator(range(response.total), PAGE_SIZE).get_page(request.page)
    facets = []
    for name in FILTER_LABELS:
        counts = {f.value: f for f in response.facets.get(name, ())}
        options = [
            selectors.FacetOption(
                code,
                info.display,
                counts[code].count if code in counts else 0,
                code in request.filters.get(name, ()),
            )
            for code, info in terms.terms(selectors.FILTERS[name]).items()
            if code in counts or code in request.filters.get(name, ())
        ]
        facets.append((name, FILTER_LABELS[name], options))
    context = {
        "results": results,
        "pager": page,
        "total": response.total,
        "facets": facets,
        "selected": dict(request.filters),
        "query": request.text,
        "sort": request.sort,
        "sorts": SORTS,
        "degraded": response.degraded,
        "rejected_filters": rejected,
    }
    if response.total == 0:
        context["alternatives"] = zero_result_help(request)
    if request.text.strip():
        # Know-how answers the same question from another side: the best few beside the cases.
        _, knowhow, _ = run_search(
            {"q": [request.text]}, kinds=("knowhow",), page_size=3, facets=False
        )
        context["knowhow"] = knowhow_results(knowhow.hits)
        context["knowhow_total"] = knowhow.total
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


def zero_result_help(request: SearchRequest) -> list[dict]:
    """Ways out of an empty result: drop the filters, or try a suggested word."""
    ways = []
    if request.filters and request.text:
        without = service.search(
            SearchRequest(
                text=request.text, kinds=request.kinds, facets=False, highlight=False, page_size=1
            )
        )
        if without.total:
            ways.append({"kind": "without_filters", "q": request.text, "count": without.total})
    if request.text:
        for s in service.suggest(request.text[:2], limit=3):
            if s.text != request.text:
                ways.append({"kind": "suggestion", "q": s.text, "count": s.count})
    return ways


def case_detail_context(case) -> dict:
    sections = list(case.sections.all())
    knowhow = (
        KnowHowPage.objects.live()
        .public()
        .filter(case_links__case=case)
        .order_by("title")
        .distinct()
    )
    return {
        "sections": sections,
        "related_knowhow": list(knowhow),
        "related_cases": related_cases(case),
        "hashtags": list(case.hashtags.all()),
        "index_url": case.get_parent().get_url(),
    }


def related_cases(case, limit: int = 3) -> list:
    """More-like-this from the search engine; the database heuristic when it cannot answer."""
    hits = service.more_like_this(case.pk, limit=limit)
    if hits:
        found = {
            c.pk: c
            for c in selectors.with_list_data(
                selectors.published_cases().filter(pk__in=[h.id for h in hits])
            )
        }
        ordered = [found[h.id] for h in hits if h.id in found]
        if ordered:
            return ordered
    return selectors.related_cases(case, limit=limit)
