from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from uploads import multipart


class EngagementsConfig(AppConfig):
    name = "engagements"
    verbose_name = _("伴走支援案件")

    def ready(self):
        multipart.install()
