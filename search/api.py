"""JSON API: /api/v1/search/, /api/v1/suggest/ and their OpenAPI document."""

from django.http import JsonResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from wagtail.models import Site

from . import analytics, facet_values, hit_pages, params, service
from .facets import BY_NAME
from .types import FACET_FIELDS, KINDS, MAX_PAGE_SIZE, MAX_RESULT_WINDOW, SORTS, SearchRequest

PARAMETERS = {"q", "type", "sort", "page", "page_size", "literal", *FACET_FIELDS}


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse(
        {"error": message}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def parse_request(query) -> SearchRequest:
    """The search the query string asks for; BadParameter (Japanese) for anything unusable.

    The bounds are params.py's, shared with the HTML pages; the API is strict about them.
    """
    unknown = sorted(set(query) - PARAMETERS)
    if unknown:
        shown = ", ".join(params.shown(name) for name in unknown[:10])
        raise params.BadParameter(
            _("未知のパラメーターです: %(names)s（使えるもの: %(known)s）")
            % {"names": shown, "known": ", ".join(sorted(PARAMETERS))}
        )
    found = params.search_params(query, strict=True)
    return SearchRequest(
        text=found.text,
        filters=found.filters,
        kinds=found.kinds,
        sort=found.sort,
        page=found.page,
        page_size=found.page_size,
        facet_words=True,
        literal=params.literal_words(query),
        broaden=True,
    )


def _current_site(request, root_paths) -> Site | None:
    """The request's site, for page_url to choose between a relative and an absolute URL.

    With a single site (the cached root paths say so) every page belongs to it, so its id
    is enough: Site.find_for_request would cost a database query on every request.
    """
    site_ids = {root.site_id for root in root_paths}
    if len(site_ids) == 1:
        return Site(id=site_ids.pop())
    return Site.find_for_request(request)


def _facet_values(name: str, counts) -> list[dict]:
    """One facet's counts with their labels (the labels read once, not once per value)."""
    labels = facet_values.options(BY_NAME[name])
    return [
        {
            "value": f.value,
            "label": labels.get(f.value, f.value),
            "count": f.count,
            "selected": f.selected,
        }
        for f in counts
    ]


@require_GET
def search_view(request):
    try:
        search_request = parse_request(request.GET)
    except params.BadParameter as exc:
        return _error(str(exc))
    response = service.search(search_request)
    analytics.log_search(
        source="api",
        text=search_request.text,
        filters=search_request.filters,
        page=search_request.page,
        result_count=response.found_by_words,
    )
    pages = hit_pages.live_public(response.hits)
    root_paths = Site.get_site_root_paths() if pages else ()
    site = _current_site(request, root_paths) if pages else None
    results = []
    for hit in response.hits:
        page = pages.get(hit.id)
        if page is None:
            continue
        results.append(
            {
                "id": page.public_id,
                "type": hit.kind,
                "title": page.title,
                "url": hit_pages.page_url(page.url_path, root_paths=root_paths, current_site=site),
                "highlights": list(hit.highlights),
            }
        )
    facets = {name: _facet_values(name, response.facets.get(name, ())) for name in FACET_FIELDS}
    return JsonResponse(
        {
            "total": response.total,
            "page": search_request.page,
            "page_size": search_request.page_size,
            "degraded": response.degraded,
            "results": results,
            "facets": facets,
            # Words of q read as facet values (docs/search.md): filter or boost; send the word as
            # `literal` to have it searched as written.
            "interpreted": [
                {
                    "word": w.word,
                    "facet": w.facet,
                    "values": list(w.codes),
                    "label": w.label,
                    "mode": w.mode,
                }
                for w in response.words
            ],
            # The query searched instead of q, which found nothing (OJT -> 人材育成); "" if none.
            "broadened": response.broadened,
            # The query searched instead of q, whose kana read as it (じぎょうしょうけい -> 事業承継).
            "read_as": response.read_as,
            # Of total, the pages found by related words alone (pseudo-relevance feedback).
            "related": response.related,
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def suggest_view(request):
    try:
        text = params.query_text(request.GET, max_chars=params.MAX_SUGGEST_CHARS)
    except params.BadParameter as exc:
        return _error(str(exc))
    if not text.strip():
        return _error(_("q を指定してください"))
    suggestions = service.suggest(text, limit=8)  # never raises: suggestions are optional
    return JsonResponse(
        {"suggestions": [{"text": s.text, "count": s.count} for s in suggestions]},
        json_dumps_params={"ensure_ascii": False},
    )


def _code_param(name: str) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "explode": True,
        "schema": {"type": "array", "items": {"type": "string"}},
        "description": f"{name} のコード（事例交換形式と同じ）。複数指定は OR、項目間は AND。",
    }


OPENAPI = {
    "openapi": "3.1.0",
    "info": {"title": "伴走ナレッジ 検索 API", "version": "1"},
    "paths": {
        "/api/v1/search/": {
            "get": {
                "summary": "事例とノウハウの検索",
                "parameters": [
                    {
                        "name": "q",
                        "in": "query",
                        "schema": {"type": "string", "maxLength": params.MAX_QUERY_CHARS},
                    },
                    {
                        "name": "type",
                        "in": "query",
                        "schema": {"type": "string", "enum": list(KINDS)},
                    },
                    {
                        "name": "sort",
                        "in": "query",
                        "schema": {"type": "string", "enum": list(SORTS)},
                    },
                    {
                        "name": "page",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1},
                        "description": f"page × page_size は {MAX_RESULT_WINDOW} 件まで（それより深いページは 400）",
                    },
                    {
                        "name": "page_size",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                    },
                    *(_code_param(name) for name in FACET_FIELDS),
                    {
                        "name": "literal",
                        "in": "query",
                        "explode": True,
                        "schema": {"type": "array", "items": {"type": "string"}},
                        "description": "q のうち、絞り込み条件として読まずにそのまま検索する語",
                    },
                ],
                "responses": {
                    "200": {
                        "description": "検索結果",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["total", "results", "facets"],
                                    "properties": {
                                        "total": {"type": "integer"},
                                        "page": {"type": "integer"},
                                        "page_size": {"type": "integer"},
                                        "degraded": {"type": "boolean"},
                                        "related": {
                                            "type": "integer",
                                            "description": "total のうち、検索語を含まず上位の結果と"
                                            "共通する語で見つかった関連ページの数。total と等しいとき、"
                                            "絞り込み条件の中には検索語を含むページがなく、条件の外で"
                                            "検索語を含むページと共通する語で見つけたページだけです",
                                        },
                                        "broadened": {
                                            "type": "string",
                                            "description": "q で何も見つからず、代わりに検索した"
                                            "より広い語の検索語（例: OJT → 人材育成）。なければ空",
                                        },
                                        "read_as": {
                                            "type": "string",
                                            "description": "q のかなを読みの同じ語に置き換えて"
                                            "検索した検索語（例: じぎょうしょうけい → 事業承継）。"
                                            "なければ空",
                                        },
                                        "interpreted": {
                                            "type": "array",
                                            "items": {
                                                "type": "object",
                                                "properties": {
                                                    "word": {"type": "string"},
                                                    "facet": {"type": "string"},
                                                    "values": {
                                                        "type": "array",
                                                        "items": {"type": "string"},
                                                    },
                                                    "label": {"type": "string"},
                                                    "mode": {
                                                        "type": "string",
                                                        "enum": ["filter", "boost"],
                                                    },
                                                },
                                            },
                                        },
                                        "results": {
                                            "type": "array",
                                            "items": {
                                                "type": "object",
                                                "properties": {
                                                    "id": {"type": "string"},
                                                    "type": {"type": "string"},
                                                    "title": {"type": "string"},
                                                    "url": {"type": "string"},
                                                    "highlights": {
                                                        "type": "array",
                                                        "items": {"type": "string"},
                                                    },
                                                },
                                            },
                                        },
                                        "facets": {
                                            "type": "object",
                                            "additionalProperties": {
                                                "type": "array",
                                                "items": {
                                                    "type": "object",
                                                    "properties": {
                                                        "value": {"type": "string"},
                                                        "label": {"type": "string"},
                                                        "count": {"type": "integer"},
                                                        "selected": {"type": "boolean"},
                                                    },
                                                },
                                            },
                                        },
                                    },
                                }
                            }
                        },
                    },
                    "400": {
                        "description": "パラメーターの誤り",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"error": {"type": "string"}},
                                }
                            }
                        },
                    },
                },
            }
        },
        "/api/v1/suggest/": {
            "get": {
                "summary": "入力中の語の候補（かな入力にも対応）",
                "parameters": [
                    {
                        "name": "q",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string", "maxLength": params.MAX_SUGGEST_CHARS},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "候補",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "suggestions": {
                                            "type": "array",
                                            "items": {
                                                "type": "object",
                                                "properties": {
                                                    "text": {"type": "string"},
                                                    "count": {"type": "integer"},
                                                },
                                            },
                                        }
                                    },
                                }
                            }
                        },
                    },
                    "400": {"description": "q がない"},
                },
            }
        },
    },
}


@require_GET
def openapi_view(request):
    return JsonResponse(OPENAPI, json_dumps_params={"ensure_ascii": False})


urlpatterns = [
    path("search/", search_view, name="api-search"),
    path("suggest/", suggest_view, name="api-suggest"),
    path("openapi.json", openapi_view, name="api-openapi"),
]
