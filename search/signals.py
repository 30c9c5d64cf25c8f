"""Every publish, unpublish, move or delete of a page queues an index refresh.

These are Wagtail's own lifecycle signals, sent inside the transaction that changes the page,
so the outbox row commits or rolls back with the change itself.
"""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from pagecache.generation import invalidate

from . import registry
from .models import Synonym
from .service import enqueue


def _is_indexed(page: Page) -> bool:
    """One of the page types the content apps registered (search/registry.py)."""
    return page.specific_class is not None and page.specific_class._meta.label in registry.labels()


def on_page_change(sender, instance, **kwargs):
    if _is_indexed(instance):
        enqueue([instance.pk])


def on_page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page) and _is_indexed(instance):
        enqueue([instance.pk])


def on_synonym_change(sender, instance, **kwargs):
    """A synonym changes what a search finds: the cached lists and API answers go."""
    invalidate(reason=f"synonym {instance.pk}")


def connect() -> None:
    page_published.connect(on_page_change, dispatch_uid="search_published")
    page_unpublished.connect(on_page_change, dispatch_uid="search_unpublished")
    page_slug_changed.connect(on_page_change, dispatch_uid="search_slug")
    post_page_move.connect(on_page_change, dispatch_uid="search_moved")
    post_delete.connect(on_page_deleted, dispatch_uid="search_deleted")
    post_save.connect(on_synonym_change, sender=Synonym, dispatch_uid="search_synonym_saved")
    post_delete.connect(on_synonym_change, sender=Synonym, dispatch_uid="search_synonym_deleted")
