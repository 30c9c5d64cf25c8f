"""The Wagtail admin's page explorer stays quick under the case index's thousands of children
(issue 16).

Wagtail's "Sort menu order" (the explorer with `?ordering=ord`) lists every child of a page on one
screen, unpaginated, so that they can be dragged into place: at 10,000 cases that is one request
of about 30 s of CPU, a worker tied up by one click. Cases and know-how are never ordered by hand
(the site lists cases newest first, cases.selectors.NEWEST_FIRST, and know-how by title), so for a
parent with more children than settings.ADMIN_MANUAL_ORDERING_MAX_CHILDREN the manual ordering is
refused: the sort-menu entry leaves the rows' "more" menus, and the URL (from the page header's
menu, a bookmark or a typed address) answers with a redirect to the paginated listing and a
message saying why. Smaller parents (the home page's sections) keep the drag-and-drop ordering.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.widgets.button import ButtonWithDropdownFromHook
from wagtail.models import Page

# The explorer's full page and its results-only fragment (used when filtering) both accept it.
EXPLORER_VIEWS = frozenset({"wagtailadmin_explore", "wagtailadmin_explore_results"})
MANUAL_ORDERING = "ord"


def too_many_to_order_by_hand(numchild: int) -> bool:
    return numchild > settings.ADMIN_MANUAL_ORDERING_MAX_CHILDREN


class BoundedManualOrderingMiddleware:
    """Refuses the unpaginated manual-ordering listing of a page with too many children.

    A middleware, not a hook: Wagtail offers no hook that can answer the explorer's request, and
    only a redirect keeps the editor on a usable (paginated) listing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            match is None
            or match.url_name not in EXPLORER_VIEWS
            or request.GET.get("ordering") != MANUAL_ORDERING
            or "parent_page_id" not in view_kwargs
        ):
            return None
        parent = (
            Page.objects.filter(pk=view_kwargs["parent_page_id"])
            .values("numchild", "title")
            .first()
        )
        if parent is None or not too_many_to_order_by_hand(parent["numchild"]):
            return None  # Wagtail answers (a 404 for a missing page, the sortable listing)
        messages.warning(
            request,
            _(
                "「%(title)s」の下には%(count)s件のページがあるため、手動の並べ替えは使えません"
                "（全件を一画面に並べるのは%(bound)s件まで）。一覧は更新日などの列で並べ替えられます。"
            )
            % {
                "title": parent["title"],
                "count": f"{parent['numchild']:,}",
                "bound": settings.ADMIN_MANUAL_ORDERING_MAX_CHILDREN,
            },
        )
        query = request.GET.copy()
        del query["ordering"]
        url = request.path + (f"?{query.urlencode()}" if query else "")
        return HttpResponseRedirect(url)


@hooks.register("construct_page_listing_buttons")
def hide_manual_ordering_of_large_parents(buttons, page, user, context=None) -> None:
    """Each row's "more" menu offers "Sort menu order" for the row's own children: not for a
    page (the case index, in its parent's listing) whose children are too many."""
    if not too_many_to_order_by_hand(page.numchild):
        return
    for button in buttons:
        if isinstance(button, ButtonWithDropdownFromHook):
            button.dropdown_buttons[:] = [
                item
                for item in button.dropdown_buttons
                if not (item.url or "").endswith(f"?ordering={MANUAL_ORDERING}")
            ]
