"""Context builders for the case pages (thin: reads live in selectors and the search service)."""

import unicodedata
from urllib.parse import parse_qsl

from django.http import QueryDict
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from following.feeds import feed_path
from following.queries import Query
from knowhow.models import KnowHowPage
from knowhow.views import knowhow_results
from search import analytics, facet_values, params, readings, service
from search.facets import BY_NAME, FACETS
from search.pages import pager, run_search
from search.types import SearchRequest, SearchResponse

from . import selectors

PAGE_SIZE = 20
SORTS = {"relevance": _("関連度順"), "-published": _("新しい順"), "published": _("古い順")}


def case_list_context(http_request, index_page) -> dict:
    """The case list. Every query-string value is bounded by search.params; a value it cannot
    use raises params.BadParameter, which CaseIndexPage.serve answers with the 400 page."""
    found = params.search_params(
        http_request.GET, strict=False, page_size=PAGE_SIZE, kinds=("case",)
    )
    literal = params.literal_words(http_request.GET)
    request, response = run_search(
        SearchRequest(
            text=found.text,
            filters=found.filters,
            kinds=found.kinds,
            sort=found.sort,
            page=found.page,
            page_size=PAGE_SIZE,
            facet_words=True,
            literal=literal,
            broaden=True,
        )
    )
    followed = Query(text=request.text.strip(), filters=request.filters)
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
    base_url = index_page.get_url(request=http_request)
    context_facets = facet_groups(response, request)
    context = {
        "results": results,
        "pager": pager(response, request),
        "total": response.total,
        "facet_groups": context_facets,
        "selected": dict(request.filters),
        "chosen": chosen_filters(http_request.GET, request, base_url),
        "read_words": read_words(http_request.GET, response, base_url),
        "broadened": response.broadened,
        "read_as": response.read_as,
        "related": response.related,
        "index_url": base_url,
        "literal": literal,
        "query": request.text,
        "sort": request.sort,
        "sorts": SORTS,
        "degraded": response.degraded,
        "rejected_filters": found.rejected,
        # Following this search: its feed, and what the 「この検索を保存」 button posts (the
        # known codes only, so the feed's strict check never refuses a link of this page).
        "feed_url": feed_path(followed),
        "follow_fields": parse_qsl(followed.query_string()),
    }
    # Anonymous search log (docs/search.md); its token sends the result links through the click view.
    context["search_click"] = analytics.log_search(
        source="list",
        text=found.text,
        filters=request.filters,
        page=found.page,
        result_count=response.found_by_words,
    )
    if response.read_as:
        typed = http_request.GET.copy()
        typed["q"] = readings.as_typed(request.text, response.read_as)
        context["as_typed_url"] = _url(base_url, typed)
    if response.total == 0:
        context["alternatives"] = zero_result_help(request)
    if request.text.strip():
        # Know-how answers the same question from another side: the best few beside the cases,
        # for the words the cases were found by (人材育成 for OJT, 事業承継 for じぎょうしょうけい:
        # "broadened", "read_as"). Those with the words only (no feedback): the box counts what
        # the know-how list finds by them, and is one search instead of two.
        words = response.broadened or response.read_as or request.text
        _, knowhow = run_search(
            SearchRequest(text=words, kinds=("knowhow",), page_size=3, facets=False, feedback=False)
        )
        context["knowhow"] = knowhow_results(knowhow.hits)
        context["knowhow_total"] = knowhow.total
        context["knowhow_query"] = words
    return context


MAX_HASHTAGS = 15  # the most used hashtags of the results; a chosen one is always shown
# Shown open on a wide screen (on a phone the whole panel starts closed); the others open on a
# click, or when one of their values is chosen.
OPEN_FACETS = ("industry", "region")


def facet_groups(response: SearchResponse, request: SearchRequest) -> list[dict]:
    """The facets of search/facets.py under their headings (基礎情報, 類型, 支援), each with the
    values that have results or are chosen, and whether it is shown open (OPEN_FACETS, or a value
    of it is chosen)."""
    groups: dict[str, dict] = {}
    for facet in FACETS:
        counts = {f.value: f.count for f in response.facets.get(facet.name, ())}
        chosen = request.filters.get(facet.name, ())
        if facet.free_text:
            ranked = sorted(counts, key=lambda v: (-counts[v], v))[:MAX_HASHTAGS]
            labels = {v: v for v in [*ranked, *(c for c in chosen if c not in ranked)]}
        else:
            labels = facet_values.options(facet)
        options = [
            selectors.FacetOption(code, label, counts.get(code, 0), code in chosen)
            for code, label in labels.items()
            if code in counts or code in chosen
        ]
        if not options:
            continue
        group = groups.setdefault(
            str(facet.group_label), {"label": facet.group_label, "facets": []}
        )
        group["facets"].append(
            {
                "name": facet.name,
                "label": facet.label,
                "options": options,
                "options_html": facet_options_html(facet.name, options),
                "chosen": sum(1 for o in options if o.selected),
                "open": facet.name in OPEN_FACETS or bool(chosen),
            }
        )
    return list(groups.values())


def facet_options_html(name: str, options: list[selectors.FacetOption]) -> SafeString:
    """The checkboxes of one facet, the <li> items of its list in case_index_page.html.

    Built here rather than by a template loop: the panel has about 300 values at 10,000 cases, and
    the loop's variable and tag nodes cost about a quarter of the list's CPU time. Escaped and
    numbers localised as the template did ({{ value }}), so the page stays byte for byte the same
    (tests/cases/test_facet_panel_html.py compares it with the template it replaced).
    """
    field = conditional_escape(name)
    mark = "#" if name == "hashtag" else ""
    items = []
    for number, option in enumerate(options, start=1):
        checked = " checked" if option.selected else ""
        items.append(
            "\n              <li>\n"
            f'                <input type="checkbox" id="f-{field}-{number}" name="{field}"'
            f' value="{conditional_escape(option.value)}"{checked}>\n'
            f'                <label for="f-{field}-{number}">{mark}{conditional_escape(option.label)}'
            f' <span class="count">（{conditional_escape(localize(option.count))}）</span></label>\n'
            "              </li>\n              "
        )
    # Each value is escaped above; the rest is this function's own markup.
    return mark_safe("".join(items))  # noqa: S308


def _url(base_url: str, query: QueryDict) -> str:
    query = query.copy()
    query.pop("page", None)  # a changed search starts at its first page
    encoded = query.urlencode()
    return f"{base_url}?{encoded}" if encoded else base_url


def _same(value: str) -> str:
    """A filter value as params.clean_filters compares it (full width, case)."""
    return unicodedata.normalize("NFKC", value).strip().upper()


def chosen_filters(query: QueryDict, request: SearchRequest, base_url: str) -> list[dict]:
    """Each chosen filter value with the link that removes it (the GOV.UK finder's summary)."""
    chosen = []
    for facet in FACETS:
        for code in request.filters.get(facet.name, ()):
            rest = query.copy()
            rest.setlist(
                facet.name, [v for v in query.getlist(facet.name) if _same(v) != _same(code)]
            )
            chosen.append(
                {
                    "facet": facet.label,
                    "label": facet_values.label_of(facet, code),
                    "remove_url": _url(base_url, rest),
                }
            )
    return chosen


def read_words(query: QueryDict, response: SearchResponse, base_url: str) -> list[dict]:
    """The query's words read as facet values (「〜で絞り込みました」), each with the link that
    searches the word as written instead (`literal`)."""
    out = []
    for word in response.words:
        undo = query.copy()
        undo.appendlist("literal", word.word)
        out.append(
            {
                "word": word.word,
                "label": word.label,
                "facet": BY_NAME[word.facet].label,
                "mode": word.mode,
                "remove_url": _url(base_url, undo),
            }
        )
    return out


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
