"""What the HTML search pages of the content apps share: running a search page by page."""

from dataclasses import replace

from django.core.paginator import Paginator

from . import service
from .types import MAX_RESULT_WINDOW, SearchRequest, SearchResponse


def run_search(request: SearchRequest) -> tuple[SearchRequest, SearchResponse]:
    """Run the search; a page past the last one with results shows that last page instead."""
    response = service.search(request)
    reachable = min(response.total, MAX_RESULT_WINDOW)  # no engine answers deeper (types.py)
    last_page = max(1, -(-reachable // request.page_size))
    if request.page > last_page and response.total:
        request = replace(request, page=last_page)
        response = service.search(request)
    return request, response


def pager(response: SearchResponse, request: SearchRequest):
    """The page links: only as many pages as can be shown (see MAX_RESULT_WINDOW)."""
    reachable = min(response.total, MAX_RESULT_WINDOW)
    return Paginator(range(reachable), request.page_size).get_page(request.page)
