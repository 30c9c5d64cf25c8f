from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from pagecache.public import register_public_view


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("事例検索")

    def ready(self):
        from . import api, signals  # imported here: they import the models, loaded only now

        signals.connect()
        # The public API's answers are the same for every anonymous caller (pagecache).
        register_public_view("search.api.search_view", parameters=api.PARAMETERS)
        register_public_view("search.api.suggest_view", parameters=("q",))
        register_public_view("search.api.openapi_view")
