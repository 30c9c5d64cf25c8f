from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "dispatch"
    verbose_name = _("伴走支援員の登録と派遣")

    def ready(self):
        from engagements import panels

        from . import support_views  # imports the models: only once the app registry is ready

        panels.register(support_views.engagement_panel)
