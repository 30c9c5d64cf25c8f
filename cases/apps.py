from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from search import registry


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("支援事例")

    def ready(self):
        # Imported here: both import the models, which are loaded only now.
        from . import documents, views
        from .models import CaseIndexPage, CasePage

        registry.register(documents.INDEXED)
        # The pages' context comes from views.py, which imports the models (not the reverse).
        CaseIndexPage.list_context = staticmethod(views.case_list_context)
        CasePage.detail_context = staticmethod(views.case_detail_context)
