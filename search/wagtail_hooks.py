from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, SnippetViewSet

from . import admin_urls
from .admin_views import REPORT_PERMISSION
from .models import MAX_SYNONYM_TERMS, Synonym


class SynonymCreateView(CreateView):
    """The create form, pre-filled from ?terms= (the search report's 「同義語グループを作成」)."""

    def get_initial(self):
        initial = super().get_initial()
        terms = self.request.GET.get("terms", "")[:MAX_SYNONYM_TERMS]
        if terms:
            initial["terms"] = terms
        return initial


class SynonymViewSet(SnippetViewSet):
    model = Synonym
    icon = "search"
    menu_label = _("検索の同義語")
    add_to_settings_menu = True
    list_display = ["terms", "note", "updated_at"]
    search_fields = ["terms"]
    add_view_class = SynonymCreateView


register_snippet(SynonymViewSet)


@hooks.register("register_admin_urls")
def urls():
    return [path("search-report/", include((admin_urls, "search_admin")))]


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(REPORT_PERMISSION)


@hooks.register("register_admin_menu_item")
def menu_item():
    return ReportMenuItem(
        _("検索の分析"), reverse("search_admin:report"), icon_name="search", order=160
    )
