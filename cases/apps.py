from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from search import registry


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("支援事例")

    def ready(self):
        from . import documents  # imports the models: only once the app registry is ready

        registry.register(documents.INDEXED)
