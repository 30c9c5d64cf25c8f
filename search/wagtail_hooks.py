from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Synonym


class SynonymViewSet(SnippetViewSet):
    model = Synonym
    icon = "search"
    menu_label = _("検索の同義語")
    add_to_settings_menu = True
    list_display = ["terms", "note", "updated_at"]
    search_fields = ["terms"]


register_snippet(SynonymViewSet)
