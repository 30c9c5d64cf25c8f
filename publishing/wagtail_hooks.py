"""Admin menu, URLs and the pre-publish check of the publishing pipeline."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts import roles
from cases.interchange import PUBLISHED_IN_BULK_HOOK
from cases.models import CasePage

from . import admin_urls, media
from .gate import blocking_problems, check, summary


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
    """The editor's 公開 button, on every page type: refuse with the reasons, field by field.

    The edit view has saved the revision already, so the content is kept as a draft. The gate in
    front of PublishRevisionAction refuses the same page anyway; this hook only makes the refusal
    a message instead of an error page.
    """
    specific = page.specific
    problems = blocking_problems(specific)
    if not problems:
        return None
    messages.error(
        request,
        _("個人情報が残っているため公開しませんでした（内容は下書きとして保存済み）: ")
        + summary(problems),
    )
    if isinstance(specific, CasePage):
        return redirect("publishing_admin:anonymise", page_id=page.pk)
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("check_publication")
def publication_gate(page):
    """The gate for a path that writes pages live without PublishRevisionAction (the bulk
    import, cases.interchange, which sits below this app): raises PublishBlocked."""
    check(page)


@hooks.register(PUBLISHED_IN_BULK_HOOK)
def release_media_in_bulk(pages):
    """The import's chunk of new live pages: their private media made public in a few queries."""
    media.release_for_pages(pages)


@hooks.register("before_serve_document")
def private_documents(document, request):
    return media.refuse_private_document(document, request)
