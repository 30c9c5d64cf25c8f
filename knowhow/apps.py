from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from pagecache.public import register_public_view
from search import registry


class KnowhowConfig(AppConfig):
    name = "knowhow"
    verbose_name = _("ノウハウ")

    def ready(self):
        # Imported here: both import the models, which are loaded only now.
        from . import documents, views
        from .models import KnowHowIndexPage

        registry.register(documents.INDEXED)
        register_public_view("wagtail.views.serve", parameters=("q", "page"))  # the list
        # The list's context comes from views.py, which imports the models (not the reverse).
        KnowHowIndexPage.list_context = staticmethod(views.knowhow_list_context)
