"""Search analytics: an anonymous log of keyword searches, click ranks, and the weekly report.

What is kept (search.models.SearchQueryLog): the normalised words, the validated filters, the
number of results, the rank of the first result followed, where the search came from and the
day. Nothing that identifies a visitor (no user, session, address, user agent, time of day).

Logging is a side effect of a search and must never break or slow one: every write is one small
INSERT/UPDATE in its own savepoint, and a failure is reported to the logger by exception class
only (a database error message can quote the values, and the words may be personal data).
"""

import csv
import io
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pagecache.marks import dont_store

from .analysis import normalise
from .models import SearchQueryLog

logger = logging.getLogger(__name__)

MAX_TEXT = SearchQueryLog._meta.get_field("text").max_length
REPORT_ROWS = 50  # per list of the weekly report: what a person reads in one sitting
_SPACES = re.compile(r"\s+")
_CLICK_SALT = "search.analytics.click"
_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")


def normalise_query(text: str) -> str:
    """The words as the report groups them: NFKC, lower case, single spaces, bounded."""
    return _SPACES.sub(" ", normalise(text)).strip()[:MAX_TEXT]


# --- logging -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClickTracking:
    """What a result list needs to send its links through the click view."""

    token: str  # the log row's id, signed: a visitor cannot mark another search's row


def log_search(
    *,
    source: str,
    text: str,
    filters: Mapping[str, Sequence[str]],
    page: int,
    result_count: int,
) -> ClickTracking | None:
    """Log one keyword search; None (nothing written) for an empty query or a later page.

    Only the first page is a new search: paging through the same results would count the query
    again. Never raises.
    """
    words = normalise_query(text)
    if not words or page != 1:
        return None
    try:
        with transaction.atomic():
            row = SearchQueryLog.objects.create(
                text=words,
                filters={name: sorted(codes) for name, codes in sorted(filters.items()) if codes},
                result_count=result_count,
                source=source,
                created_on=timezone.localdate(),
            )
    except Exception as exc:
        logger.warning("search log row not written (%s)", type(exc).__name__)
        return None
    # A cached copy of this answer would log nothing more and hand every visitor the same click
    # token: the first page of a keyword search is served fresh (later pages and browsing stay
    # cacheable).
    dont_store("search log")
    return ClickTracking(token=signing.Signer(salt=_CLICK_SALT).sign(str(row.pk)))


def log_id_from_token(token: str) -> int | None:
    """The log row id a click token was signed for; None for anything forged or malformed."""
    try:
        value = signing.Signer(salt=_CLICK_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isascii() and value.isdigit() else None


def record_click(*, log_id: int, rank: int) -> None:
    """Keep the rank of the first result followed from this search (later clicks, e.g. back and
    another result, do not overwrite it: the report asks whether a search led anywhere, and
    the first choice says most about the ranking). Never raises."""
    try:
        with transaction.atomic():
            SearchQueryLog.objects.filter(pk=log_id, clicked_rank__isnull=True).update(
                clicked_rank=rank
            )
    except Exception as exc:
        logger.warning("search click not recorded (%s)", type(exc).__name__)


def purge(*, today: date | None = None, days: int | None = None) -> int:
    """Delete rows older than the retention period; the number deleted (0 when run again)."""
    days = settings.SEARCH_LOG_RETENTION_DAYS if days is None else days
    cutoff = (today or timezone.localdate()) - timedelta(days=days)
    deleted, _counts = SearchQueryLog.objects.filter(created_on__lt=cutoff).delete()
    return deleted


# --- the weekly report -------------------------------------------------------------------------
def week_start(value: str | None, *, today: date | None = None) -> date:
    """The Monday of an ISO week written as 2026-W49 (the format of <input type="week">);
    the current week when empty. ValueError (Japanese) for anything else."""
    if not value:
        today = today or timezone.localdate()
        return today - timedelta(days=today.weekday())
    match = _WEEK.match(value.strip())
    try:
        if not match:
            raise ValueError
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise ValueError(_("週は 2026-W49 の形式で指定してください（年-W週番号）。")) from None


def week_label(monday: date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class QueryRow:
    text: str
    searches: int  # all sources
    zero_results: int  # searches that found nothing
    clickable: int  # searches on the case list that found something (only those can be clicked)
    clicks: int

    @property
    def click_rate(self) -> int | None:
        """Percentage of clickable searches followed by a click; None when none was clickable."""
        return round(100 * self.clicks / self.clickable) if self.clickable else None


@dataclass(frozen=True)
class WeeklyReport:
    monday: date
    frequent: list[QueryRow]
    zero_result: list[QueryRow]
    low_click: list[QueryRow]
    min_searches: int
    max_rate: int

    @property
    def label(self) -> str:
        return week_label(self.monday)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)


def weekly_report(*, monday: date) -> WeeklyReport:
    """The most frequent, zero-result and low-click queries of one ISO week."""
    per_text = (
        SearchQueryLog.objects.filter(created_on__range=(monday, monday + timedelta(days=6)))
        .values("text")
        .annotate(
            searches=Count("id"),
            zero_results=Count("id", filter=Q(result_count=0)),
            clickable=Count("id", filter=Q(source=SearchQueryLog.Source.LIST, result_count__gt=0)),
            clicks=Count("id", filter=Q(clicked_rank__isnull=False)),
        )
    )
    rows = [QueryRow(**values) for values in per_text]
    min_searches = settings.SEARCH_LOW_CLICK_MIN_SEARCHES
    max_rate = settings.SEARCH_LOW_CLICK_MAX_RATE
    return WeeklyReport(
        monday=monday,
        frequent=sorted(rows, key=lambda r: (-r.searches, r.text))[:REPORT_ROWS],
        zero_result=sorted(
            (r for r in rows if r.zero_results), key=lambda r: (-r.zero_results, r.text)
        )[:REPORT_ROWS],
        low_click=sorted(
            (
                r
                for r in rows
                if r.clickable >= min_searches and r.clicks * 100 < max_rate * r.clickable
            ),
            key=lambda r: (r.click_rate or 0, -r.clickable, r.text),
        )[:REPORT_ROWS],
        min_searches=min_searches,
        max_rate=max_rate,
    )


# --- CSV ---------------------------------------------------------------------------------------
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A cell a spreadsheet shows as text: a leading = + - @ (or tab, CR) would start a formula,
    so such a cell gets a leading apostrophe (the OWASP advice for CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def report_csv(report: WeeklyReport) -> str:
    """The report as CSV text, UTF-8 with a BOM so that Excel reads the Japanese correctly."""
    sections = (
        (_("よく検索された語"), report.frequent),
        (_("結果が0件の語"), report.zero_result),
        (_("クリックの少ない語"), report.low_click),
    )
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            _("週"),
            _("区分"),
            _("検索語"),
            _("検索回数"),
            _("結果0件の回数"),
            _("結果のあった一覧での検索回数"),
            _("クリックされた回数"),
            _("クリック率（%）"),
        ]
    )
    for name, rows in sections:
        for row in rows:
            writer.writerow(
                [
                    csv_cell(v)
                    for v in (
                        report.label,
                        name,
                        row.text,
                        row.searches,
                        row.zero_results,
                        row.clickable,
                        row.clicks,
                        row.click_rate,
                    )
                ]
            )
    return out.getvalue()
