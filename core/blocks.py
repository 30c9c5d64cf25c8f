from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock


class MarkdownBlock(blocks.TextBlock):
    """Body text in Markdown, sanitised when rendered."""

    class Meta:
        icon = "doc-full"
        template = "blocks/markdown.html"
        label = _("本文（Markdown）")
        description = _("段落・箇条書き・表を Markdown で書きます。HTML は表示されません。")


class FigureBlock(blocks.StructBlock):
    """A photo (e.g. a whiteboard) with alternative text and a caption."""

    image = ImageChooserBlock(label=_("画像"))
    alt = blocks.CharBlock(
        label=_("代替テキスト"),
        max_length=200,
        help_text=_("画像を見られない人に内容を伝える文。ホワイトボードなら書かれている要点を。"),
    )
    caption = blocks.CharBlock(label=_("キャプション"), required=False, max_length=200)

    class Meta:
        icon = "image"
        template = "blocks/figure.html"
        label = _("写真と説明")
        description = _("ホワイトボードの写真などを、代替テキストとキャプション付きで載せます。")


class BodyBlock(blocks.StreamBlock):
    text = MarkdownBlock()
    figure = FigureBlock()
