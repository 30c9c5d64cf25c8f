"""Saved searches of the case library and what their digests have already sent."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# More than anyone follows by hand; the cap keeps one account from making the digest run long.
MAX_PER_USER = 20


def new_nonce() -> str:
    return secrets.token_hex(16)


class SavedSearch(models.Model):
    """A case search (words and facet codes, bounded by search.params) a person follows."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("毎日")
        WEEKLY = "weekly", _("毎週")
        NONE = "none", _("メールを送らない")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("利用者"),
        on_delete=models.CASCADE,
        related_name="saved_searches",
    )
    name = models.CharField(_("名前"), max_length=100)
    text = models.CharField(_("検索語"), max_length=200, blank=True)
    # {facet name: [codes]}, as search.params.filter_codes returns them (known codes only).
    filters = models.JSONField(_("絞り込み"), default=dict, blank=True)
    frequency = models.CharField(
        _("新着のお知らせメール"),
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.WEEKLY,
    )
    # Part of the unsubscribe link: a link made for a deleted search never stops another one
    # (SQLite may give a new row the id of a deleted one).
    nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    created_at = models.DateTimeField(_("保存日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    # Content first published up to this moment has been judged by the digest (following/digest.py).
    checked_until = models.DateTimeField(_("確認済みの時点"))
    last_sent_at = models.DateTimeField(_("最後にメールを送った日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("保存した検索")
        verbose_name_plural = _("保存した検索")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["frequency"], name="following_frequency")]

    def __str__(self) -> str:
        return self.name


class SentItem(models.Model):
    """A page a saved search's digest has mailed: never mailed again for that search."""

    saved_search = models.ForeignKey(
        SavedSearch, on_delete=models.CASCADE, related_name="sent_items"
    )
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(_("送信日時"))

    class Meta:
        verbose_name = _("送信済みの新着")
        verbose_name_plural = _("送信済みの新着")
        constraints = [
            models.UniqueConstraint(
                fields=["saved_search", "page"], name="following_sent_once_per_search"
            )
        ]

    def __str__(self) -> str:
        return f"{self.saved_search_id}: page {self.page_id}"
