from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.models import Site

from accounts import roles, twofactor
from training.packs import can_make_packs
from workspace.landing import curricula_admin_url

from .site_setup import ABOUT_SLUG


def site_navigation(request) -> dict:
    """The top navigation: the home page's live menu children, marking the current section;
    and the about page's URL for the footer (it is one of them: no extra query)."""
    site = Site.find_for_request(request)
    if site is None:
        return {"nav_items": []}
    items = []
    about_url = None
    for child in site.root_page.get_children().live().in_menu():
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
