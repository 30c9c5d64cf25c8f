from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PageCacheConfig(AppConfig):
    name = "pagecache"
    verbose_name = _("公開ページのキャッシュ")

    def ready(self):
        from . import signals  # connects to Wagtail's models: only once the registry is ready

        signals.connect()
