"""What the public receives from a page: every text that is rendered, put in <head> or indexed.

The publish gate reads a page through this module and nothing else, so a field cannot be
forgotten one page type at a time. The walk is driven by the model's own fields:

- every concrete field of the page type and of its child objects (ParentalKey inlines such as a
  case's phases) is read, numbers and codes included, since reading a harmless value costs
  nothing and a field nobody thought of is exactly the one that leaks;
- StreamFields are read block by block, into StructBlocks and ListBlocks, down to each leaf;
- images and documents are read by what the page shows of them (title, alt text);
- vocabulary codes are read with their labels (tool and phase names are rendered as labels);
- tags are read by their names.

What is not read must be listed with the reason it never reaches the public: Wagtail's own page
fields below, and each page type's `not_public_fields` (field name → reason), so the content apps
need not import the publishing app. A relation the walk does not understand raises
UncoveredField: the gate then refuses to publish rather than guess (fail closed).
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import get_all_child_relations
from taggit.managers import TaggableManager
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.documents.models import AbstractDocument
from wagtail.fields import StreamField
from wagtail.images.blocks import ImageChooserBlock
from wagtail.images.models import AbstractImage

from taxonomy import terms

# Wagtail's Page fields the public receives, with the labels a reviewer knows them by.
PAGE_PUBLIC_FIELDS = {
    "title": gettext_lazy("タイトル"),
    "slug": gettext_lazy("スラッグ（URL の一部）"),
    "seo_title": gettext_lazy("公開設定の SEO タイトル（<title>）"),
    "search_description": gettext_lazy("公開設定の検索用の説明（meta description）"),
}

# Wagtail's Page fields that never reach a reader, and why.
PAGE_PRIVATE_FIELDS = {
    "id": "内部の番号",
    "page_ptr": "内部の番号",
    "path": "ページツリー内の位置（内部の番号）",
    "depth": "ページツリー内の深さ（数値）",
    "numchild": "子ページの数（数値）",
    "translation_key": "内部の UUID",
    "locale": "言語設定（サイトで一つ）",
    "latest_revision": "内部の版（下書き）",
    "live": "公開状態（真偽値）",
    "has_unpublished_changes": "公開状態（真偽値）",
    "first_published_at": "日時（名前を含めない）",
    "last_published_at": "日時（名前を含めない）",
    "live_revision": "内部の版",
    "go_live_at": "日時",
    "expire_at": "日時",
    "expired": "公開状態（真偽値）",
    "locked": "編集ロック（管理画面だけ）",
    "locked_at": "編集ロック（管理画面だけ）",
    "locked_by": "編集ロックした人（管理画面だけ）",
    "draft_title": "下書きのタイトル。公開時は title と同じになり、title を読む",
    "content_type": "ページの種類（内部）",
    "url_path": "親ページとこのページの slug から作られる。slug は各ページで読む",
    "owner": "作成者（管理画面だけ）",
    "latest_revision_created_at": "日時（管理画面だけ）",
    "alias_of": "別名ページの元。元のページが自分の公開チェックを通る",
    "show_in_menus": "メニュー表示（真偽値）",
    # Wagtail's reverse generic relations and inlines of every page.
    "_revisions": "版の履歴（管理画面だけ）",
    "_workflow_states": "ワークフローの状態（管理画面だけ）",
    "_specific_workflow_states": "ワークフローの状態（管理画面だけ）",
    "index_entries": "管理画面の検索索引（本文から作られる）",
    "wagtail_admin_comments": "編集者のコメント（管理画面だけ）",
    "tagged_items": "タグの中間表。タグ名はタグの項目で読む",
}

# Fields of child objects (inlines) that carry no content.
CHILD_PRIVATE_FIELDS = {
    "id": "内部の番号",
    "sort_order": "並び順（数値）",
}

_TEXT_BLOCKS = (blocks.CharBlock, blocks.TextBlock, blocks.RichTextBlock, blocks.RawHTMLBlock)


class UncoveredField(Exception):
    """A field of a public page type that the walk can neither read nor call private."""


@dataclass(frozen=True)
class PublicText:
    """One text as the public receives it: where it is (key, label) and what it says."""

    key: str
    label: str
    text: str


@dataclass(frozen=True)
class Coverage:
    """How one field path is treated: read, or private with a reason."""

    path: str
    read: bool
    reason: str = ""


def private_fields(model) -> dict[str, str]:
    """Fields of `model` declared never public, with the reasons (the model's own list too)."""
    own = {}
    for klass in reversed(model.__mro__):
        own.update(getattr(klass, "not_public_fields", {}) or {})
    return {**PAGE_PRIVATE_FIELDS, **own}


def _label(field) -> str:
    if field.name in PAGE_PUBLIC_FIELDS:
        return str(PAGE_PUBLIC_FIELDS[field.name])
    return str(getattr(field, "verbose_name", field.name))


def _is_tags(field) -> bool:
    return isinstance(field, TaggableManager)


def _is_media_fk(field) -> bool:
    target = getattr(field, "related_model", None)
    return isinstance(target, type) and issubclass(target, (AbstractImage, AbstractDocument))


def _page_fields(model) -> list:
    """Fields of a page type as (field, kind): concrete fields and tags; reverse relations that are
    not the page's own inlines are other objects' content (each gated where it is published)."""
    fields = []
    for field in model._meta.get_fields():
        if field.auto_created and not field.concrete:
            continue  # a reverse relation from another model (proposals, links to this page)
        fields.append(field)
    return fields


def coverage(model, *, prefix: str = "", child: bool = False) -> Iterator[Coverage]:
    """Every field path of a page type (or a child model) and how the gate treats it.

    Raises UncoveredField for a relation that is neither readable nor declared private.
    """
    private = {**private_fields(model), **(CHILD_PRIVATE_FIELDS if child else {})}
    for field in _page_fields(model):
        path = f"{prefix}{field.name}"
        if field.name in private:
            yield Coverage(path, False, private[field.name])
        elif child and _is_parent_pointer(field):
            yield Coverage(path, False, "親ページへの参照")
        elif _is_tags(field) or _is_media_fk(field):
            yield Coverage(path, True)
        elif isinstance(field, StreamField):
            yield Coverage(path, True)
            yield from _block_coverage(field.stream_block, f"{path}.")
        elif field.is_relation or not field.concrete:
            raise UncoveredField(
                _("%(model)s の項目「%(field)s」は公開チェックで読まれず、非公開の理由もありません")
                % {"model": model.__name__, "field": field.name}
            )
        else:
            yield Coverage(path, True)
    if not child:
        for relation in get_all_child_relations(model):
            name = relation.get_accessor_name()
            if name in private:
                yield Coverage(name, False, private[name])
                continue
            yield Coverage(name, True)
            yield from coverage(relation.related_model, prefix=f"{name}.", child=True)


def _is_parent_pointer(field) -> bool:
    """The ParentalKey from an inline to its page (or a multi-table parent link)."""
    return isinstance(field, ParentalKey) or (
        isinstance(field, models.OneToOneField) and field.remote_field.parent_link
    )


def _block_coverage(block, prefix: str) -> Iterator[Coverage]:
    """Block paths inside a StreamField: each child of a stream, struct or list block."""
    if isinstance(block, blocks.StreamBlock | blocks.StructBlock):
        for name, child in block.child_blocks.items():
            yield Coverage(f"{prefix}{name}", True)
            yield from _block_coverage(child, f"{prefix}{name}.")
    elif isinstance(block, blocks.ListBlock):
        yield Coverage(f"{prefix}item", True)
        yield from _block_coverage(block.child_block, f"{prefix}item.")


# --- reading -------------------------------------------------------------------------------------


def public_texts(page) -> Iterator[PublicText]:
    """Every text of `page` (usually a revision as an object) that the public receives."""
    # The walk raises UncoveredField before reading anything if the page type is not covered.
    list(coverage(type(page)))
    yield from _object_texts(page, prefix="", label_prefix="", child=False)
    private = private_fields(type(page))
    for relation in get_all_child_relations(type(page)):
        name = relation.get_accessor_name()
        if name in private:
            continue
        verbose = str(relation.related_model._meta.verbose_name)
        for i, obj in enumerate(getattr(page, name).all()):
            yield from _object_texts(
                obj, prefix=f"{name}.{i}.", label_prefix=f"{verbose} {i + 1} ", child=True
            )


def _object_texts(obj, *, prefix: str, label_prefix: str, child: bool) -> Iterator[PublicText]:
    private = {**private_fields(type(obj)), **(CHILD_PRIVATE_FIELDS if child else {})}
    for field in _page_fields(type(obj)):
        if field.name in private or (child and _is_parent_pointer(field)):
            continue
        key, label = f"{prefix}{field.name}", f"{label_prefix}{_label(field)}"
        if _is_tags(field):
            for tag in getattr(obj, field.name).all():
                yield PublicText(f"{key}.{tag.name}", label, tag.name)
        elif _is_media_fk(field):
            yield from _media_texts(getattr(obj, field.name), key, label)
        elif isinstance(field, StreamField):
            stream = getattr(obj, field.name)
            for i, child_block in enumerate(stream or []):
                yield from _block_texts(
                    child_block.block, child_block.value, f"{key}.{i}", f"{label} {i + 1}"
                )
        else:
            value = field.value_from_object(obj)
            yield from _value_texts(field, value, key, label)


def _value_texts(field, value, key: str, label: str) -> Iterator[PublicText]:
    if value in (None, "", []):
        return
    vocabulary = getattr(field, "vocabulary", None)
    codes = value if isinstance(value, list | tuple) else [value]
    text = " ".join(str(v) for v in codes)
    yield PublicText(key, label, text)
    if vocabulary:
        # The labels of the codes are what the page shows (tool and phase names).
        labels = " ".join(terms.label(vocabulary, str(code)) for code in codes)
        if labels.strip():
            yield PublicText(f"{key}.label", label, labels)


def _media_texts(item, key: str, label: str) -> Iterator[PublicText]:
    if item is None:
        return
    yield PublicText(f"{key}.title", f"{label}（{_('タイトル')}）", item.title or "")
    description = getattr(item, "description", "")
    if description:
        yield PublicText(f"{key}.description", f"{label}（{_('説明')}）", description)


def _block_texts(block, value, key: str, label: str) -> Iterator[PublicText]:
    """Texts of one block value, down to each leaf."""
    if value is None:
        return
    if isinstance(block, blocks.StreamBlock):
        for i, child in enumerate(value):
            yield from _block_texts(child.block, child.value, f"{key}.{i}", f"{label} {i + 1}")
    elif isinstance(block, blocks.StructBlock):
        for name, child_block in block.child_blocks.items():
            child_label = f"{label} {child_block.label or name}"
            yield from _block_texts(child_block, value.get(name), f"{key}.{name}", child_label)
    elif isinstance(block, blocks.ListBlock):
        for i, item in enumerate(value):
            yield from _block_texts(block.child_block, item, f"{key}.{i}", f"{label} {i + 1}")
    elif isinstance(block, ImageChooserBlock | DocumentChooserBlock):
        yield from _media_texts(value, key, label)
    elif isinstance(block, blocks.PageChooserBlock):
        return  # a link to another page, which passes its own gate when it is published
    elif isinstance(block, blocks.RichTextBlock):
        yield PublicText(key, label, value.source if hasattr(value, "source") else str(value))
    else:
        yield PublicText(key, label, str(value))


def images(page) -> Iterator:
    """Wagtail images the page shows (their files are checked for revealing metadata)."""

    def walk(block, value):
        if value is None:
            return
        if isinstance(block, ImageChooserBlock):
            yield value
        elif isinstance(block, blocks.StreamBlock):
            for child in value:
                yield from walk(child.block, child.value)
        elif isinstance(block, blocks.StructBlock):
            for name, child_block in block.child_blocks.items():
                yield from walk(child_block, value.get(name))
        elif isinstance(block, blocks.ListBlock):
            for item in value:
                yield from walk(block.child_block, item)

    objects = [page]
    private = private_fields(type(page))
    for relation in get_all_child_relations(type(page)):
        if relation.get_accessor_name() not in private:
            objects += list(getattr(page, relation.get_accessor_name()).all())
    for obj in objects:
        for field in type(obj)._meta.concrete_fields:
            if isinstance(field, StreamField):
                for child in getattr(obj, field.name) or []:
                    yield from walk(child.block, child.value)
            elif _is_media_fk(field) and issubclass(field.related_model, AbstractImage):
                image = getattr(obj, field.name)
                if image is not None:
                    yield image
