"""The trainer lands in the admin's curricula (workspace.landing): ケースパック is in its menu too."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .packs import can_make_packs


class CasePackMenuItem(MenuItem):
    def is_shown(self, request):
        return can_make_packs(request.user)


@hooks.register("register_admin_menu_item")
def case_pack_menu_item():
    return CasePackMenuItem(
        _("ケースパック"), reverse("training:pack_list"), icon_name="doc-full", order=260
    )
