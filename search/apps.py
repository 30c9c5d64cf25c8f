from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("事例検索")

    def ready(self):
        from . import signals  # imported here: it imports the models, loaded only now

        signals.connect()
