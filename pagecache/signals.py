"""What invalidates the public pages: Wagtail's page lifecycle and the models pages show.

The apps above connect their own (taxonomy: a label; search: a synonym, the index catching up),
since this app sits below them and imports none of them.
"""

from django.db.models.signals import post_delete, post_migrate, post_save
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from .generation import invalidate

# A draft save writes only these columns of the live row; the public page does not change.
DRAFT_FIELDS = frozenset(
    {
        "draft_title",
        "latest_revision",
        "latest_revision_created_at",
        "has_unpublished_changes",
        "live_revision",
        "locked",
        "locked_at",
        "locked_by",
    }
)


def on_page_event(sender, instance, **kwargs):
    invalidate(reason=f"page {instance.pk}")


def on_page_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    """A live page saved outside publish (a service writing the row): it may show at once."""
    if raw or not isinstance(instance, Page) or not instance.live:
        return
    if update_fields is not None and set(update_fields) <= DRAFT_FIELDS:
        return
    invalidate(reason=f"page {instance.pk} saved")


def on_page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        invalidate(reason=f"page {instance.pk} deleted")


# Wagtail fills these in on an image or document as it reads the file; nothing shown changes.
FILE_METADATA_FIELDS = frozenset({"file_hash", "file_size", "width", "height"})


def on_shown_model_changed(sender, instance, update_fields=None, raw=False, **kwargs):
    """A privacy setting, a site, an image or a document (pages link and embed them)."""
    if raw or (update_fields is not None and set(update_fields) <= FILE_METADATA_FIELDS):
        return
    invalidate(reason=f"{sender._meta.label} {instance.pk}")


def on_migrate(sender, **kwargs):
    invalidate(reason="migrate")


def connect() -> None:
    page_published.connect(on_page_event, dispatch_uid="pagecache_published")
    page_unpublished.connect(on_page_event, dispatch_uid="pagecache_unpublished")
    post_page_move.connect(on_page_event, dispatch_uid="pagecache_moved")
    post_save.connect(on_page_saved, dispatch_uid="pagecache_page_saved")
    post_delete.connect(on_page_deleted, dispatch_uid="pagecache_page_deleted")
    for model in (PageViewRestriction, Site, get_image_model(), get_document_model()):
        label = model._meta.label_lower
        post_save.connect(on_shown_model_changed, sender=model, dispatch_uid=f"pc_save_{label}")
        post_delete.connect(on_shown_model_changed, sender=model, dispatch_uid=f"pc_del_{label}")
    post_migrate.connect(on_migrate, dispatch_uid="pagecache_migrate")
