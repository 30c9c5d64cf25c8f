from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowhowConfig(AppConfig):
    name = "knowhow"
    verbose_name = _("ノウハウ")
