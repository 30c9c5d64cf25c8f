"""A panel at the top of the case editor: what still blocks publication, with the assistant's link."""

from django.urls import reverse
from wagtail.admin.panels import Panel


class AnonymisationPanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "publishing/admin/anonymisation_panel.html"

        def get_context_data(self, parent_context=None):
            from .gate import blocking_problems

            context = super().get_context_data(parent_context)
            page = self.instance
            context["problems"] = blocking_problems(page) if page.pk else []
            context["assistant_url"] = (
                reverse("publishing_admin:anonymise", args=[page.pk]) if page.pk else ""
            )
            context["codify_url"] = (
                reverse("publishing_admin:codify", args=[page.pk]) if page.pk else ""
            )
            return context
