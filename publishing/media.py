"""Images and documents of drafts stay private until a page that uses them is published.

Privacy is the item's collection:

- 非公開素材 (PRIVATE): report photos copied from engagements into case drafts, and whatever else
  the secretariat files there. Only the roles that see every engagement (事務局・編集者・
  中小企業庁) may open them; their files live in private storage (publishing/storage.py) and go
  out only through ``serve_private`` below.
- 公開素材 (PUBLIC) and its child 公開された下書きの素材 (RELEASED): everything else, visible to the
  trainers too. Items in the root collection are filed here when saved, so that the trainers'
  permissions can sit on PUBLIC alone (a grant on the root would reach PRIVATE as well).

Publishing a page moves the private items it uses to RELEASED; unpublishing or deleting it moves
the RELEASED items that no other live page uses back to PRIVATE. Whenever an item is saved its
file is moved to the side its collection says (``sync_file``), renditions included.
"""

import logging
import mimetypes
import posixpath
from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, GroupCollectionPermission, Page, ReferenceIndex

from accounts import roles
from uploads.serving import file_response

from .storage import is_private_name, private_name, public_name

logger = logging.getLogger(__name__)

PUBLIC_COLLECTION = "公開素材"
RELEASED_COLLECTION = "公開された下書きの素材"
PRIVATE_COLLECTION = "非公開素材"

# Collection permissions per role. 事務局 and 編集者 keep theirs on the root (which reaches every
# collection); the trainers get theirs on PUBLIC only.
MEDIA_PERMISSIONS = ["add_image", "choose_image", "add_document", "choose_document"]
ROOT_ROLES = (roles.SECRETARIAT, roles.EDITOR)
PUBLIC_ONLY_ROLES = (roles.TRAINER,)


@dataclass(frozen=True)
class MediaCollections:
    public: Collection
    released: Collection
    private: Collection


def _child(parent: Collection, name: str) -> Collection:
    existing = parent.get_children().filter(name=name).first()
    if existing is not None:
        return existing
    return parent.add_child(instance=Collection(name=name))


def media_collections() -> MediaCollections:
    """The three collections, created under the root when missing."""
    root = Collection.get_first_root_node()
    public = _child(root, PUBLIC_COLLECTION)
    return MediaCollections(
        public=public,
        released=_child(public, RELEASED_COLLECTION),
        private=_child(root, PRIVATE_COLLECTION),
    )


def private_collection_ids() -> set[int]:
    private = (
        Collection.get_first_root_node().get_children().filter(name=PRIVATE_COLLECTION).first()
    )
    if private is None:
        return set()
    return set(
        Collection.objects.descendant_of(private, inclusive=True).values_list("pk", flat=True)
    )


def is_private(item) -> bool:
    return item.collection_id in private_collection_ids()


def may_see_private(user) -> bool:
    """The roles that see every engagement see the drafts' photos (accounts/roles.py)."""
    return roles.has_any_role(user, roles.SEES_ALL_ENGAGEMENTS)


@transaction.atomic
def setup_media_permissions() -> MediaCollections:
    """Creates the collections and grants each role its collection permissions (idempotent)."""
    collections = media_collections()
    root = Collection.get_first_root_node()
    permissions = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for codename in MEDIA_PERMISSIONS
        for app in ("wagtailimages" if codename.endswith("image") else "wagtaildocs",)
    ]
    for role in ROOT_ROLES + PUBLIC_ONLY_ROLES:
        group = Group.objects.get(name=role)
        where = root if role in ROOT_ROLES else collections.public
        if role in PUBLIC_ONLY_ROLES:
            # Granted on the root by earlier versions: that would include PRIVATE.
            GroupCollectionPermission.objects.filter(group=group).exclude(
                collection__in=Collection.objects.descendant_of(collections.public, inclusive=True)
            ).delete()
        for permission in permissions:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=where, permission=permission
            )
    return collections


# --- Files follow the collection -------------------------------------------------------------


def sync_file(item) -> bool:
    """Moves the item's file (and drops its renditions) to the side its collection says.

    Returns True when something moved. Nothing reaches public storage before the transaction
    commits: a private file is copied to its public name only then, so a publication that rolls
    back leaves no public copy. A file going private is copied at once (a private copy left by a
    rollback harms nobody); the public original is deleted on commit.
    """
    name = item.file.name
    if not name:
        return False
    want_private = is_private(item)
    if is_private_name(name) == want_private:
        return False
    storage = item.file.storage
    if want_private:
        with storage.open(name, "rb") as source:
            moved = storage.save(private_name(name), source)
    else:
        moved = storage.get_available_name(public_name(name), max_length=item.file.field.max_length)
    model = type(item)
    model.objects.filter(pk=item.pk).update(file=moved)
    # The FieldFile keeps the old file object open; forget it so the next read opens the new one.
    item.file.close()
    item.file.file = None
    item.file.name = moved
    if hasattr(item, "renditions"):
        # Renditions carry the old side in their names; Wagtail deletes their files on commit
        # and regenerates them from the moved original on the next request.
        for rendition in item.renditions.all():
            rendition.delete()

    def finish() -> None:
        if not want_private:
            with storage.open(name, "rb") as source:
                saved = storage.save(moved, source)
            if saved != moved:  # the name was taken meanwhile
                model.objects.filter(pk=item.pk).update(file=saved)
        storage.delete(name)

    transaction.on_commit(finish)
    logger.info(
        "Moving %s %s to %s storage",
        model.__name__,
        item.pk,
        "private" if want_private else "public",
    )
    return True


def on_media_saving(sender, instance, raw: bool = False, **kwargs) -> None:
    """pre_save: file root items under PUBLIC; a new private file goes straight to private storage."""
    if raw:
        return
    if instance.collection_id in (None, Collection.get_first_root_node().pk):
        # Where the trainers' permission sits; a grant on the root would reach PRIVATE as well.
        instance.collection = media_collections().public
    file = instance.file
    # An uploaded file not yet written (FileField.pre_save writes it after this signal): naming
    # it now keeps it from ever touching MEDIA_ROOT.
    if file and not file._committed and is_private(instance):
        file.name = private_name(posixpath.basename(file.name))


def on_media_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    """post_save: an item that changed collection takes its file (and renditions) along."""
    if raw:
        return
    sync_file(instance)


# --- Publication -----------------------------------------------------------------------------


def _media_models() -> tuple[type[Model], type[Model]]:
    return get_image_model(), get_document_model()


def _used_by(obj) -> dict[type[Model], set[int]]:
    """The images and documents the object's current field values refer to."""
    wanted = {ContentType.objects.get_for_model(model).pk: model for model in _media_models()}
    used: dict[type[Model], set[int]] = {model: set() for model in wanted.values()}
    # The same extraction Wagtail's reference index runs, but on the instance in hand: the index
    # itself is updated by a background task and may not yet know the revision just published.
    for (
        content_type_id,
        object_id,
        _model_path,
        _content_path,
    ) in ReferenceIndex._extract_references_from_object(obj):
        if content_type_id in wanted and str(object_id).isdigit():
            used[wanted[content_type_id]].add(int(object_id))
    return used


def _used_by_other_live_page(item, page: Page) -> bool:
    page_type = ContentType.objects.get_for_model(Page)
    page_ids = {
        int(object_id)
        for object_id in ReferenceIndex.get_references_to(item)
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
        if str(object_id).isdigit()
    }
    page_ids.discard(page.pk)
    return Page.objects.live().filter(pk__in=page_ids).exists()


@transaction.atomic
def release_for(page: Page) -> int:
    """A page went live: the private items it shows become public. Returns how many moved."""
    collections = media_collections()
    private_ids = private_collection_ids()
    moved = 0
    # Keep the index current for this page, so a later unpublish of another page sees the use.
    ReferenceIndex.create_or_update_for_object(page)
    for model, ids in _used_by(page).items():
        for item in model.objects.filter(pk__in=ids, collection_id__in=private_ids):
            item.collection = collections.released
            item.save()  # on_media_saved moves the file
            moved += 1
    return moved


@transaction.atomic
def withdraw_for(page: Page) -> int:
    """A page went offline: what it alone made public becomes private again."""
    collections = media_collections()
    moved = 0
    for model, ids in _used_by(page).items():
        for item in model.objects.filter(pk__in=ids, collection=collections.released):
            if _used_by_other_live_page(item, page):
                continue
            item.collection = collections.private
            item.save()
            moved += 1
    return moved


# Set on a page whose media release_for_pages filed: its page_published that follows needs nothing.
_RELEASED_IN_BULK = "_media_released_in_bulk"


@transaction.atomic
def release_for_pages(pages: list[Page]) -> int:
    """release_for for many pages just published together (import_cases), in a few queries.

    What each page uses is read from the reference index, which the caller wrote for these pages
    from the same instances in this transaction (cases.interchange.index_references: the
    extraction _used_by runs). The collections are looked up once, the private items of all the
    pages fetched in one query per model and saved one by one, so that on_media_saved moves each
    file as for a single page. The pages are marked: on_page_published skips them.
    """
    if not pages:
        return 0
    collections = media_collections()
    private_ids = private_collection_ids()
    wanted = {ContentType.objects.get_for_model(model).pk: model for model in _media_models()}
    used: dict[type[Model], set[int]] = {model: set() for model in wanted.values()}
    references = ReferenceIndex.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id__in=[str(page.pk) for page in pages],
        to_content_type_id__in=list(wanted),
    ).values_list("to_content_type_id", "to_object_id")
    for content_type_id, object_id in references:
        if str(object_id).isdigit():
            used[wanted[content_type_id]].add(int(object_id))
    moved = 0
    for model, ids in used.items():
        for item in model.objects.filter(pk__in=ids, collection_id__in=private_ids):
            item.collection = collections.released
            item.save()  # on_media_saved moves the file
            moved += 1
    for page in pages:
        setattr(page, _RELEASED_IN_BULK, True)
    return moved


def on_page_published(sender, instance, **kwargs) -> None:
    # Popped: the mark stands for this one publication, not for later ones of the same object.
    if instance.__dict__.pop(_RELEASED_IN_BULK, False):
        return
    release_for(instance)


def on_page_unpublished(sender, instance, **kwargs) -> None:
    # Also sent by Wagtail before a live page is deleted (pre_delete_page_unpublish).
    withdraw_for(instance)


@transaction.atomic
def reconcile() -> dict[str, int]:
    """Files every item by the rules above: for sites set up before this module existed.

    An item in the root collection used only by pages that are not live goes to PRIVATE (the
    report photos copied into drafts by earlier versions); the rest of the root goes to PUBLIC.
    Then every file is moved to its collection's side.
    """
    collections = media_collections()
    root = Collection.get_first_root_node()
    counts = {"private": 0, "public": 0, "moved": 0}
    page_type = ContentType.objects.get_for_model(Page)
    for model in _media_models():
        for item in model.objects.filter(collection=root):
            page_ids = {
                int(i)
                for i in ReferenceIndex.get_references_to(item)
                .filter(base_content_type=page_type)
                .values_list("object_id", flat=True)
                if str(i).isdigit()
            }
            drafts_only = (
                bool(page_ids) and not Page.objects.live().filter(pk__in=page_ids).exists()
            )
            item.collection = collections.private if drafts_only else collections.public
            type(item).objects.filter(pk=item.pk).update(collection=item.collection)
            counts["private" if drafts_only else "public"] += 1
        for item in model.objects.all():
            counts["moved"] += sync_file(item)
    return counts


# --- Serving ---------------------------------------------------------------------------------


def _item_for(name: str):
    Image, Document = _media_models()
    image = Image.objects.filter(file=name).first()
    if image is not None:
        return image
    rendition = (
        Image.get_rendition_model().objects.filter(file=name).select_related("image").first()
    )
    if rendition is not None:
        return rendition.image
    return Document.objects.filter(file=name).first()


def serve_private(request: HttpRequest, name: str) -> HttpResponse:
    """An original, rendition or document file of private storage, for those who may see it.

    Anyone else gets 404, like an engagement outside one's own: its existence is not disclosed.
    """
    if not is_private_name(name):
        raise Http404
    item = _item_for(name)
    if item is None or (is_private(item) and not may_see_private(request.user)):
        raise Http404
    storage = item.file.storage
    try:
        handle = storage.open(name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    is_image = content_type.startswith("image/")
    response = file_response(
        content=handle,
        name=name.rsplit("/", 1)[-1],
        content_type=content_type if is_image or content_type != "text/html" else "text/plain",
        inline=is_image,
    )
    # The site's own pages show these images; no other origin may embed them with cookies.
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def refuse_private_document(document, request: HttpRequest) -> HttpResponse | None:
    """before_serve_document: /documents/<id>/<name> of a private document answers 404 too."""
    if is_private(document) and not may_see_private(request.user):
        raise Http404
    return None
