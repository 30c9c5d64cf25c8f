from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from pagecache.public import register_public_view


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("サイト構成")

    def ready(self):
        # The site's pages are the same for every anonymous visitor (the lists add what they read).
        register_public_view("wagtail.views.serve")
