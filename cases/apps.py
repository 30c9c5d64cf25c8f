from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from pagecache.public import register_public_view
from search import registry
from search.types import FACET_FIELDS


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("支援事例")

    def ready(self):
        # Imported here: both import the models, which are loaded only now.
        from . import documents, views
        from .models import CaseIndexPage, CasePage

        registry.register(documents.INDEXED)
        # The case list reads the search's parameters (search/params.py).
        register_public_view(
            "wagtail.views.serve", parameters=("q", "sort", "page", "literal", *FACET_FIELDS)
        )
        # The pages' context comes from views.py, which imports the models (not the reverse).
        CaseIndexPage.list_context = staticmethod(views.case_list_context)
        CasePage.detail_context = staticmethod(views.case_detail_context)
