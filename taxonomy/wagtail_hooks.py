from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Term


class TermViewSet(SnippetViewSet):
    model = Term
    icon = "tag"
    menu_label = _("分類コード")
    add_to_admin_menu = True
    menu_order = 300
    list_display = ["label", "vocabulary", "code", "sort_order"]
    list_filter = ["vocabulary"]
    search_fields = ["label", "code"]


register_snippet(TermViewSet)
