from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from .vocabularies import Vocabulary

CACHE_KEY = "taxonomy:terms:v1"


class Term(models.Model):
    """One code of a vocabulary (業種 E, 地域 hokuriku, ツール whiteboard …) and its Japanese label."""

    vocabulary = models.CharField(_("分類"), max_length=32, choices=Vocabulary.choices)
    code = models.CharField(
        _("コード"),
        max_length=32,
        help_text=_("事例交換形式で使うコード。データの参照に使うため変更できません。"),
    )
    label = models.CharField(_("表示名"), max_length=100)
    short_label = models.CharField(
        _("短い表示名"),
        max_length=50,
        blank=True,
        help_text=_("一覧やタイムラインなど狭い場所での表示名。空なら表示名を使います。"),
    )
    description = models.TextField(_("説明"), blank=True)
    parent = models.CharField(
        _("上位コード"),
        max_length=32,
        blank=True,
        help_text=_("都道府県が属する地域のコードなど。"),
    )
    sort_order = models.PositiveSmallIntegerField(_("並び順"), default=0)

    panels = [
        FieldPanel("vocabulary", read_only=True),
        FieldPanel("code", read_only=True),
        FieldPanel("label"),
        FieldPanel("short_label"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        verbose_name = _("分類コード")
        verbose_name_plural = _("分類コード")
        ordering = ["vocabulary", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["vocabulary", "code"], name="unique_term_code"),
        ]

    def __str__(self):
        return f"{self.get_vocabulary_display()}: {self.label}"

    # Label lookups are cached; an edit or a deletion must show up on the next request:
    # terms.forget runs on post_save and post_delete (connected in TaxonomyConfig.ready();
    # terms.py imports this module).

    @property
    def display(self) -> str:
        return self.short_label or self.label
