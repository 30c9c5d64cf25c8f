"""Context builders for the case pages (thin: reads live in selectors and the search service)."""

from django.utils.translation import gettext_lazy as _

from knowhow.models import KnowHowPage
from knowhow.views import knowhow_results
from search import analytics, params, service
from search.facets import FACETS
from search.pages import pager, run_search
from search.types import SearchRequest
from taxonomy import terms

from . import selectors

PAGE_SIZE = 20
SORTS = {"relevance": _("関連度順"), "-published": _("新しい順"), "published": _("古い順")}


def case_list_context(http_request, index_page) -> dict:
    """The case list. Every query-string value is bounded by search.params; a value it cannot
    use raises params.BadParameter, which CaseIndexPage.serve answers with the 400 page."""
    found = params.search_params(
        http_request.GET, strict=False, page_size=PAGE_SIZE, kinds=("case",)
    )
    request, response = run_search(
        SearchRequest(
            text=found.text,
            filters=found.filters,
            kinds=found.kinds,
            sort=found.sort,
            page=found.page,
            page_size=PAGE_SIZE,
        )
    )
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
    facets = []
    for facet in FACETS:
        name = facet.name
        counts = {f.value: f for f in response.facets.get(name, ())}
        options = [
            selectors.FacetOption(
                code,
                info.display,
                counts[code].count if code in counts else 0,
                code in request.filters.get(name, ()),
            )
            for code, info in terms.terms(facet.vocabulary).items()
            if code in counts or code in request.filters.get(name, ())
        ]
        facets.append((name, facet.label, options))
    context = {
        "results": results,
        "pager": pager(response, request),
        "total": response.total,
        "facets": facets,
        "selected": dict(request.filters),
        "query": request.text,
        "sort": request.sort,
        "sorts": SORTS,
        "degraded": response.degraded,
        "rejected_filters": found.rejected,
    }
    # Anonymous search log (docs/search.md); its token sends the result links through the click view.
    context["search_click"] = analytics.log_search(
        source="list",
        text=found.text,
        filters=request.filters,
        page=found.page,
        result_count=response.total,
    )
    if response.total == 0:
        context["alternatives"] = zero_result_help(request)
    if request.text.strip():
        # Know-how answers the same question from another side: the best few beside the cases.
        _, knowhow = run_search(
            SearchRequest(text=request.text, kinds=("knowhow",), page_size=3, facets=False)
        )
        context["knowhow"] = knowhow_results(knowhow.hits)
        context["knowhow_total"] = knowhow.total
    return context


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
