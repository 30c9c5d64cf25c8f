"""The click view: a result link of the case list passes here on its way to the page."""

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from wagtail.models import Page

from . import analytics, params
from .types import MAX_RESULT_WINDOW

# Wagtail page ids: far below this; a larger number is not a page (and is never parsed whole).
_MAX_PAGE_ID = 10**9 - 1


def _bad_link(request, message: str):
    return render(request, "400.html", {"message": message}, status=400)


@require_GET
@never_cache
def click(request):
    """Record the rank of the result followed, then redirect to that page.

    `to` is a page id, never a URL: the redirect goes only to a live, public page's own URL, so
    the route cannot be used as an open redirect. `log` is the search, signed
    (analytics.ClickTracking): the same for every visitor of a cached page.
    """
    try:
        rank = params.integer(request.GET, "rank", default=0, low=1, high=MAX_RESULT_WINDOW)
        page_id = params.integer(request.GET, "to", default=0, low=1, high=_MAX_PAGE_ID)
    except params.BadParameter as exc:
        return _bad_link(request, str(exc))
    search = analytics.search_from_token(request.GET.get("log", ""))
    if search is None:
        return _bad_link(request, _("検索結果へのリンクが正しくありません。"))
    page = Page.objects.live().public().filter(pk=page_id).first()
    url = page.get_url(request=request) if page is not None else None
    if not url:
        raise Http404(_("ページが見つかりません。"))
    analytics.record_click(search=search, rank=rank)
    return HttpResponseRedirect(url)
