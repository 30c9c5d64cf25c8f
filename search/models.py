import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from .analysis import ONE_WAY


class SearchOutbox(models.Model):
    """A page whose index entry must be refreshed; written in the same transaction as the change.

    The indexer reloads the page when it drains the row, so the row needs no operation: a live,
    public page is (re)indexed, anything else is removed from the index. A row leaves the table
    only once the engine has confirmed its page; a failed one stays with its error and waits
    until next_attempt_at (exponential backoff), or, when the engine refused the document itself
    (held), until the page changes again, a rebuild, or `search_worker --retry-held`.
    """

    page_id = models.PositiveBigIntegerField(_("ページ ID"), db_index=True)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(_("試行回数"), default=0)
    last_error = models.TextField(_("最後のエラー"), blank=True)
    next_attempt_at = models.DateTimeField(_("次の試行日時"), null=True, blank=True)
    held = models.BooleanField(
        _("保留"),
        default=False,
        help_text=_(
            "検索エンジンがこの文書を受け付けませんでした（再試行しても同じ結果になるエラー）。"
        ),
    )

    class Meta:
        verbose_name = _("検索インデックス更新待ち")
        verbose_name_plural = _("検索インデックス更新待ち")
        ordering = ["id"]
        indexes = [models.Index(fields=["held", "next_attempt_at"], name="search_outbox_due")]

    def __str__(self):
        return f"page {self.page_id}"


MAX_SYNONYM_TERMS = 500


class Synonym(models.Model):
    """A group of words that mean the same in a search (ロカベン = ローカルベンチマーク)."""

    terms = models.CharField(
        _("同義語"),
        max_length=MAX_SYNONYM_TERMS,
        help_text=_(
            "同じ意味で検索したい語を読点（、）かカンマで区切って入力します。"
            "例: ロカベン、ローカルベンチマーク。"
            "一方向にしたいときは「=>」で区切ります。例: 一次産業 => 農業、林業、漁業"
            "（一次産業で検索すると農業・林業・漁業も探しますが、農業で一次産業は探しません）"
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
        """The words, with analysis.ONE_WAY between the two sides of a one-way group."""
        sides = self._sides()
        return [w for i, side in enumerate(sides) for w in ([ONE_WAY] if i else []) + side]

    def clean(self):
        sides = self._sides()
        if len(sides) > 2:
            raise ValidationError({"terms": _("「=>」は 1 つだけにしてください。")})
        if len(sides) == 2 and not all(sides):
            raise ValidationError(
                {"terms": _("「=>」の左右どちらにも 1 語以上を入力してください。")}
            )
        if len(sides) == 1 and len(sides[0]) < 2:
            raise ValidationError({"terms": _("2 語以上を区切って入力してください。")})

    def _sides(self) -> list[list[str]]:
        """The words of each side of the arrow (one side for a two-way group)."""
        return [
            [word.strip() for word in re.split(r"[、,，]", side) if word.strip()]
            for side in re.split(r"=>|＝＞|→", self.terms)
        ]


class SearchQueryLog(models.Model):
    """Keyword searches on the public case list or the API, for the secretariat's report: one
    row counts the `searches` alike (same words, filters, result count, source and day) that one
    process wrote together (search/analytics.py buffers them).

    Deliberately anonymous: no user, session, IP address or user agent, and the date only (not
    the time), so a row cannot be tied to a person by joining it with another log. The text
    itself may still hold whatever a visitor typed (a name, a company): rows are deleted after
    SEARCH_LOG_RETENTION_DAYS by `manage.py purge_search_log` (docs/security.md).
    Clicks are rows of their own (SearchClick): a search served from the page cache is shared
    by every visitor, so a click cannot name the row of "its" search.
    """

    class Source(models.TextChoices):
        LIST = "list", _("事例一覧")
        API = "api", _("API")

    text = models.CharField(_("検索語（正規化済み）"), max_length=200)
    filters = models.JSONField(_("絞り込み"), default=dict, blank=True)
    result_count = models.PositiveIntegerField(_("結果件数"))
    searches = models.PositiveIntegerField(_("検索回数"), default=1)
    source = models.CharField(_("検索元"), max_length=10, choices=Source.choices)
    created_on = models.DateField(_("検索日"), db_index=True)

    class Meta:
        verbose_name = _("検索ログ")
        verbose_name_plural = _("検索ログ")
        ordering = ["-created_on", "-id"]

    def __str__(self):
        return f"{self.created_on} {self.text}"


class SearchClick(models.Model):
    """One result followed from the case list's first page of a keyword search.

    As anonymous as the search log (same fields, same retention): the search's words and
    filters, the rank of the result (1 = first) and the day.
    """

    text = models.CharField(_("検索語（正規化済み）"), max_length=200)
    filters = models.JSONField(_("絞り込み"), default=dict, blank=True)
    rank = models.PositiveIntegerField(_("クリックされた順位"))
    created_on = models.DateField(_("クリック日"), db_index=True)

    class Meta:
        verbose_name = _("検索結果のクリック")
        verbose_name_plural = _("検索結果のクリック")
        ordering = ["-created_on", "-id"]

    def __str__(self):
        return f"{self.created_on} {self.text} #{self.rank}"
