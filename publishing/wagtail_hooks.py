"""Admin menu, URLs and the pre-publish check of the publishing pipeline."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts import roles
from cases.models import CasePage

from . import admin_urls, media
from .gate import blocking_problems


@hooks.register("register_admin_urls")
def urls():
    return [path("proposals/", include((admin_urls, "publishing_admin")))]


class ReviewerMenuItem(MenuItem):
    def is_shown(self, request):
        return roles.has_any_role(request.user, {roles.SECRETARIAT, roles.EDITOR})


@hooks.register("register_admin_menu_item")
def menu_item():
    return ReviewerMenuItem(
        _("事例化の提案"), reverse("publishing_admin:queue"), icon_name="tasks", order=150
    )


@hooks.register("before_publish_page")
def refuse_personal_data(request, page):
    """The editor's 公開 button: refuse with the reasons; the content is kept as a draft."""
    if not isinstance(page.specific, CasePage):
        return None
    problems = blocking_problems(page.specific)
    if not problems:
        return None
    messages.error(
        request,
        _("個人情報が残っているため公開しませんでした（内容は下書きとして保存済み）: ")
        + " ／ ".join(problems[:10]),
    )
    return redirect("publishing_admin:anonymise", page_id=page.pk)


@hooks.register("before_serve_document")
def private_documents(document, request):
    return media.refuse_private_document(document, request)
