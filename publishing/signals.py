"""What publishing does when a case is published: its receivers, connected in ready()."""

from wagtail.signals import page_published

from cases.models import CasePage

from . import services


def on_case_published(sender, instance, **kwargs) -> None:
    services.case_published(page=instance)


def connect() -> None:
    page_published.connect(
        on_case_published, sender=CasePage, dispatch_uid="publishing.case_published"
    )
