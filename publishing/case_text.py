"""Every piece of text in a case page, to scan for personal data and to replace it in place.

This is the anonymisation assistant's view (texts it can rewrite). The publish gate reads the
page through publishing.public_text, which covers every field of every page type.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass
class TextSlot:
    """One text of the page: where it is (label), what it says, and how to change it."""

    key: str
    label: str
    text: str
    set: Callable[[str], None]


def _attr(obj, name: str, key: str, label: str) -> TextSlot:
    return TextSlot(key, label, getattr(obj, name) or "", lambda v: setattr(obj, name, v))


def _stream_text(stream, index: int, key: str, label: str) -> TextSlot:
    block = stream[index]

    def set_text(value: str, stream=stream, index=index, block_type=block.block_type) -> None:
        stream[index] = (block_type, value)

    return TextSlot(key, label, block.value or "", set_text)


def _struct_text(stream, index: int, field: str, key: str, label: str) -> TextSlot:
    value = stream[index].value

    def set_text(text: str, value=value, field=field) -> None:
        value[field] = text

    return TextSlot(key, label, value.get(field) or "", set_text)


def slots(page) -> Iterator[TextSlot]:
    """All editable texts of a case (its latest revision as an object), in reading order."""
    yield _attr(page, "title", "title", _("タイトル"))
    yield _attr(page, "subtitle", "subtitle", _("サブタイトル"))
    yield _attr(page, "lead", "lead", _("リード文"))
    for i, _block in enumerate(page.key_points):
        yield _stream_text(
            page.key_points, i, f"key_points.{i}", _("本事例のポイント %(n)s") % {"n": i + 1}
        )
    yield _attr(page, "background", "background", _("当社の背景"))
    for j, section in enumerate(page.sections.all()):
        label = _("フェーズ %(n)s") % {"n": j + 1}
        yield _attr(section, "heading", f"sections.{j}.heading", f"{label} {_('見出し')}")
        for k, block in enumerate(section.body):
            key = f"sections.{j}.body.{k}"
            if block.block_type == "text":
                yield _stream_text(section.body, k, key, f"{label} {_('本文')}")
            elif block.block_type == "figure":
                yield _struct_text(
                    section.body, k, "alt", f"{key}.alt", f"{label} {_('代替テキスト')}"
                )
                yield _struct_text(
                    section.body, k, "caption", f"{key}.caption", f"{label} {_('キャプション')}"
                )
    yield _attr(page, "outcomes", "outcomes", _("支援の結果"))
    for j, update in enumerate(page.updates.all()):
        yield _attr(update, "body", f"updates.{j}", _("フォローアップ %(n)s") % {"n": j + 1})
    for tag in page.hashtags.all():
        # Tags are shared between cases: they are scanned but replaced by hand.
        yield TextSlot(f"hashtag.{tag.name}", _("ハッシュタグ"), tag.name, lambda v: None)
    # The 公開設定 tab: what goes into <title> and <meta name="description">.
    yield _attr(page, "seo_title", "seo_title", _("公開設定の SEO タイトル（<title>）"))
    yield _attr(
        page,
        "search_description",
        "search_description",
        _("公開設定の検索用の説明（meta description）"),
    )
    # The slug must stay unique among the cases, so a reviewer changes it by hand.
    yield TextSlot("slug", _("スラッグ（URL の一部）"), page.slug or "", lambda v: None)


def images(page) -> Iterator:
    """The Wagtail images shown in the case's phase bodies."""
    for section in page.sections.all():
        for block in section.body:
            if block.block_type == "figure" and block.value.get("image"):
                yield block.value["image"]
