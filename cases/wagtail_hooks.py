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
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.views.pages.listing import ExplorableIndexView
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.admin.widgets.button import ButtonWithDropdownFromHook
from wagtail.models import Page

from .models import CasePage

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
            # Wagtail sends everyone else to its login first: the message names the page.
            or not request.user.has_perm("wagtailadmin.access_admin")
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


class CaseExplorerView(ExplorableIndexView):
    """The case index's page in the explorer: the rows Wagtail draws cost most of the request (a
    title cell, its "more" menu of ten permission-checked entries, a cell per column), so fewer
    rows a page and only the columns that tell cases apart.

    Every child is a case (CaseIndexPage.subpage_types), and cases have no children: the page type
    column and the "explore children" column would say the same thing on every row."""

    paginate_by = 20
    HIDDEN_COLUMNS = frozenset({"type", "navigate"})
    # The actions that make a page explorable (PagePermissionPolicy.explorable_instances).
    EXPLORING_ACTIONS = frozenset({"add", "change", "publish", "lock", "unlock", "bulk_delete"})

    def get_base_queryset(self):
        """Wagtail keeps the children the user may explore with `pk IN (every explorable page)`,
        a subquery over the whole tree that costs the count and the page query tens of ms at
        10,000 cases. A user holding an exploring permission on the index or above it may explore
        every page below it, so the filter is left out for them."""
        if self.is_searching or self.is_filtering or not self.explores_every_child:
            return super().get_base_queryset()
        children = self.model._default_manager.child_of(self.parent_page)
        return self.annotate_queryset(children)

    def order_queryset(self, queryset):
        """Wagtail's order, then the page id: cases imported together share their revision time,
        and without a last key PostgreSQL may show a tie on two pages and leave another out."""
        queryset = super().order_queryset(queryset)
        if self.ordering == "ord" or (self.is_searching and not self.is_explicitly_ordered):
            return queryset
        return queryset.order_by(*queryset.query.order_by, "-pk")

    @cached_property
    def explores_every_child(self) -> bool:
        user = self.request.user
        if user.is_superuser:
            return True
        held = getattr(self.permissions, "permissions", set())  # on the index or its ancestors
        return bool(held & self.EXPLORING_ACTIONS)

    @cached_property
    def explorable_columns(self):
        return [
            column
            for column in super().explorable_columns
            if column.name not in self.HIDDEN_COLUMNS
        ]


class CasePageViewSet(PageViewSet):
    """Wagtail routes the explorer of a page to the view set of the type of its children when the
    page allows no other type (PageViewSet.parent_models): here the case index. The case views
    other than the listing are Wagtail's own."""

    model = CasePage
    index_view_class = CaseExplorerView


@hooks.register("register_admin_viewset")
def register_case_page_viewset():
    return CasePageViewSet("case_pages")
