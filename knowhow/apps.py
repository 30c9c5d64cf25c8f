from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from search import registry


class KnowhowConfig(AppConfig):
    name = "knowhow"
    verbose_name = _("ノウハウ")

    def ready(self):
        from . import documents  # imports the models: only once the app registry is ready

        registry.register(documents.INDEXED)
