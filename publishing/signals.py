"""What publishing does when a case is published or reviewed: its receivers, connected in ready()."""

from wagtail.signals import page_published

from cases.models import CasePage

from . import services
from .models import review_action


def on_case_published(sender, instance, **kwargs) -> None:
    services.case_published(page=instance)


def on_review_action(sender, task_state, action_name, user, comment, **kwargs) -> None:
    services.after_review_action(task_state, action_name, user, comment)


def connect() -> None:
    page_published.connect(
        on_case_published, sender=CasePage, dispatch_uid="publishing.case_published"
    )
    review_action.connect(on_review_action, dispatch_uid="publishing.review_action")
