from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

from accounts import roles, twofactor
from training.packs import can_make_packs
from workspace.landing import curricula_admin_url

from .site_setup import ABOUT_SLUG

# The paths of a page's direct children, one index seek each: the smallest path in the children's
# interval, then again the smallest after the previous child's whole subtree (its path + "~": the
# path alphabet 0-9A-Z sorts before "~" in SQLite and in the "C" collation Wagtail gives the column
# on PostgreSQL). Recursive CTEs and "||" work in both databases.
CHILD_PATHS_SQL = """
WITH RECURSIVE children(path) AS (
    SELECT MIN(path) FROM wagtailcore_page WHERE path >= %s AND path <= %s
    UNION ALL
    SELECT (
        SELECT MIN(later.path) FROM wagtailcore_page later
        WHERE later.path > (children.path || '~') AND later.path <= %s
    )
    FROM children WHERE children.path IS NOT NULL
)
SELECT path FROM children WHERE path IS NOT NULL
"""


def menu_children(root: Page) -> list[Page]:
    """root.get_children().live().in_menu(), without reading the subtrees under the children.

    get_children() asks for the paths between root's first and last possible child and keeps
    depth + 1: the database walks every descendant in that interval (all 10,000 cases under the
    case list) to find four pages, 3 ms on every page. Same rows, same order, one query.
    """
    first, last = Page._get_children_path_interval(root.path)
    return list(
        # A constant statement; the paths are passed as parameters.
        Page.objects.filter(path__in=RawSQL(CHILD_PATHS_SQL, (first, last, last)))  # noqa: S611
        .live()
        .in_menu()
        .order_by("path")
    )


def site_navigation(request) -> dict:
    """The top navigation: the home page's live menu children, marking the current section;
    and the about page's URL for the footer (it is one of them: no extra query)."""
    site = Site.find_for_request(request)
    if site is None:
        return {"nav_items": []}
    items = []
    about_url = None
    for child in menu_children(site.root_page):
        url = child.get_url(request=request)
        items.append({"title": child.title, "url": url, "current": request.path.startswith(url)})
        if child.slug == ABOUT_SLUG:
            about_url = url
    return {"nav_items": items, "about_url": about_url}


def work_navigation(request) -> dict:
    """Links of the signed-in work area, only those the person's roles can use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"work_items": []}
    if twofactor.requires_second_factor(user) and not twofactor.is_verified(request):
        return {"work_items": []}  # the setup and code pages: every link would lead back there
    items = []
    if roles.has_any_role(user, {roles.SECRETARIAT}):
        items.append((_("ダッシュボード"), reverse("workspace:dashboard")))
    if not roles.role_names(user) <= {roles.COMPANY_CONTACT, roles.TRAINER}:
        items.append((_("伴走支援案件"), reverse("engagements:list")))
        items.append((_("事例化の提案"), reverse("publishing:mine")))
    if roles.allowed(user, roles.ANSWER_SURVEY) and not roles.has_any_role(
        user, {roles.SECRETARIAT}
    ):
        items.append((_("アンケート"), reverse("surveys:mine")))
    if roles.allowed(user, roles.VIEW_ANSWERS):
        items.append((_("回答状況"), reverse("surveys:status")))
        items.append((_("回答一覧"), reverse("surveys:answers")))
        items.append((_("分析"), reverse("surveys:analysis")))
    # Dispatch (dispatch/access.py): the board and registry, the request form, one's own entry.
    if roles.has_any_role(user, {roles.SECRETARIAT, roles.AGENCY}):
        items.append((_("派遣・支援状況"), reverse("dispatch:board")))
    elif roles.has_any_role(user, {roles.REQUESTING_BODY}):
        items.append((_("派遣依頼"), reverse("dispatch:request_mine")))
    if roles.has_any_role(user, {roles.SUPPORTER}):
        items.append((_("支援員登録情報"), reverse("dispatch:own_profile")))
    if roles.has_any_role(user, {roles.TRAINER}) and (curricula := curricula_admin_url()):
        items.append((_("カリキュラムの編集"), curricula))
    if can_make_packs(user):
        items.append((_("ケースパック"), reverse("training:pack_list")))
    # Everyone signed in may follow the library (following/).
    items.append((_("保存した検索"), reverse("following:saved_list")))
    if user.has_perm("wagtailadmin.access_admin"):
        items.append((_("管理画面"), reverse("wagtailadmin_home")))
    return {
        "work_items": [
            {"title": title, "url": url, "current": request.path.startswith(url)}
            for title, url in items
        ]
    }
