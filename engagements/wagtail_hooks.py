"""The secretariat registers organisations and engagements (with their team) in the admin."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from accounts.models import Organisation

from .models import Engagement


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    list_display = ["name", "kind", "prefecture"]
    list_filter = ["kind"]
    search_fields = ["name"]
    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("prefecture"),
        FieldPanel("address"),
        FieldPanel("industry"),
        FieldPanel("employees"),
        FieldPanel("sales_million_yen"),
        FieldPanel("owner_type"),
        FieldPanel("owner_age"),
    ]


class EngagementViewSet(SnippetViewSet):
    model = Engagement
    icon = "clipboard-list"
    list_display = ["code", "title", "company", "status", "started_on"]
    list_filter = ["status"]
    search_fields = ["code", "title"]


class EngagementGroup(SnippetViewSetGroup):
    menu_label = _("伴走支援案件")
    menu_icon = "clipboard-list"
    menu_order = 250
    items = (EngagementViewSet, OrganisationViewSet)


register_snippet(EngagementGroup)
