import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel


class SearchOutbox(models.Model):
    """A page whose index entry must be refreshed; written in the same transaction as the change.

    The indexer reloads the page when it drains the row, so the row needs no operation: a live,
    public page is (re)indexed, anything else is removed from the index.
    """

    page_id = models.PositiveBigIntegerField(_("ページ ID"), db_index=True)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(_("試行回数"), default=0)
    last_error = models.TextField(_("最後のエラー"), blank=True)

    class Meta:
        verbose_name = _("検索インデックス更新待ち")
        verbose_name_plural = _("検索インデックス更新待ち")
        ordering = ["id"]

    def __str__(self):
        return f"page {self.page_id}"


class Synonym(models.Model):
    """A group of words that mean the same in a search (ロカベン = ローカルベンチマーク)."""

    terms = models.CharField(
        _("同義語"),
        max_length=500,
        help_text=_(
            "同じ意味で検索したい語を読点（、）かカンマで区切って入力します。例: ロカベン、ローカルベンチマーク"
        ),
    )
    note = models.CharField(_("メモ"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [FieldPanel("terms"), FieldPanel("note")]

    class Meta:
        verbose_name = _("検索の同義語")
        verbose_name_plural = _("検索の同義語")
        ordering = ["terms"]

    def __str__(self):
        return self.terms

    @property
    def term_list(self) -> list[str]:
        return [t.strip() for t in re.split(r"[、,，]", self.terms) if t.strip()]

    def clean(self):
        if len(self.term_list) < 2:
            raise ValidationError({"terms": _("2 語以上を区切って入力してください。")})
