from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = _("事例化と公開")

    def ready(self):
        from wagtail.signals import page_published

        from cases.models import CasePage

        from . import gate
        from .services import case_published

        gate.install()

        page_published.connect(
            lambda sender, instance, **kwargs: case_published(instance),
            sender=CasePage,
            weak=False,
            dispatch_uid="publishing.case_published",
        )
