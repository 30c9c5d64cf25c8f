from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from search import registry


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("支援事例")

    def ready(self):
        from . import documents  # imports the models: only once the app registry is ready

        registry.register(documents.INDEXED)
        from wagtail.signals import page_published, page_unpublished

        # A publication or unpublication changes how many cases share an industry+prefecture,
        # so the peers' public_area (k rule) may change: their search documents are refreshed.
        page_published.connect(documents.on_case_count_change, dispatch_uid="cases_k_peers_pub")
        page_unpublished.connect(documents.on_case_count_change, dispatch_uid="cases_k_peers_unpub")
