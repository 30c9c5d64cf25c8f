"""Search analytics: an anonymous log of keyword searches, clicks, and the weekly report.

What is kept (search.models.SearchQueryLog, SearchClick): the normalised words, the validated
filters, the number of results, where the search came from, the rank of a result followed, and
the day. Nothing that identifies a visitor (no user, session, address, user agent, time of day).

A keyword search's first page is served from the page cache like any public page: the view asks
the cache to count the search on every serve (pagecache.marks.on_serve → count_search), and the
page's click links carry a signed description of the search (its words, filters and day), the
same for every visitor, instead of one row's id.

Logging is a side effect of a search and must never break or slow one: searches and clicks wait
in this process's buffer (searches alike counted in one row) and are written together (one bulk
INSERT) when SEARCH_LOG_FLUSH_ROWS of them are waiting, SEARCH_LOG_FLUSH_SECONDS after the first
one came, and when the process exits. A process that is killed loses what was waiting (a few
seconds of searches: docs/search.md). A failed write is reported to the logger by exception class only (a database error message can quote the
values, and the words may be personal data).
"""

import atexit
import csv
import io
import json
import logging
import os
import re
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core import signing
from django.db import connections, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from pagecache.marks import on_serve

from .analysis import normalise
from .models import SearchClick, SearchQueryLog

logger = logging.getLogger(__name__)

MAX_TEXT = SearchQueryLog._meta.get_field("text").max_length
REPORT_ROWS = 50  # per list of the weekly report: what a person reads in one sitting
_SPACES = re.compile(r"\s+")
# The row-id tokens of before the page cache used "search.analytics.click": they no longer verify.
_CLICK_SALT = "search.analytics.click.search"
# A click link's search is at most this many days old: a cached page lives an hour at most
# (PAGE_CACHE_SECONDS), so an older one is a bookmark or a tab left open, not a search's click.
CLICK_DAYS = 1
_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")


def normalise_query(text: str) -> str:
    """The words as the report groups them: NFKC, lower case, single spaces, bounded."""
    return _SPACES.sub(" ", normalise(text)).strip()[:MAX_TEXT]


# --- the buffer --------------------------------------------------------------------------------
# (words, filters as JSON, result count, source, day): the searches a SearchQueryLog row counts.
SearchKey = tuple[str, str, int, str, date]


class _Buffer:
    """Searches and clicks waiting to be written, shared by the threads of one process.

    Written in bulk: one INSERT per cached keyword page served would cost more than serving it.
    Searches alike are counted in one row (a popular query served 200 times is one row, not
    200), so a hit costs a dictionary increment.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._searches: Counter[SearchKey] = Counter()
        self._clicks: list[SearchClick] = []
        self._waiting = 0  # searches and clicks
        self._timer: threading.Timer | None = None

    def add_search(self, key: SearchKey) -> None:
        with self._lock:
            self._searches[key] += 1
            full = self._added()
        if full:
            self.flush()

    def add_click(self, click: SearchClick) -> None:
        with self._lock:
            self._clicks.append(click)
            full = self._added()
        if full:
            self.flush()

    def _added(self) -> bool:
        """Under the lock: True when it is time to write; else starts the timer if none runs."""
        self._waiting += 1
        if self._waiting >= settings.SEARCH_LOG_FLUSH_ROWS:
            return True
        seconds = settings.SEARCH_LOG_FLUSH_SECONDS
        if self._timer is None and seconds > 0:
            # A quiet site still sees its searches within seconds, not at the next restart.
            self._timer = threading.Timer(seconds, self._flush_from_timer)
            self._timer.daemon = True
            self._timer.start()
        return False

    def take(self) -> tuple[Counter[SearchKey], list[SearchClick]]:
        with self._lock:
            taken = (self._searches, self._clicks)
            self._searches, self._clicks, self._waiting = Counter(), [], 0
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        return taken

    def flush(self) -> int:
        """Write what is waiting; the number of searches and clicks written. Never raises."""
        searches, clicks = self.take()
        count = searches.total() + len(clicks)
        if not count:
            return 0
        rows = [
            SearchQueryLog(
                text=text,
                filters=json.loads(filters),
                result_count=result_count,
                source=source,
                created_on=day,
                searches=n,
            )
            for (text, filters, result_count, source, day), n in searches.items()
        ]
        try:
            with transaction.atomic():
                SearchQueryLog.objects.bulk_create(rows, batch_size=500)
                SearchClick.objects.bulk_create(clicks, batch_size=500)
        except Exception as exc:
            logger.warning("%d searches and clicks not logged (%s)", count, type(exc).__name__)
            return 0
        return count

    def _flush_from_timer(self) -> None:
        try:
            self.flush()
        finally:
            connections.close_all()  # this thread's own connections, not the requests'

    def forget(self) -> None:
        """Drop what is waiting (a forked child: its parent writes those rows)."""
        self.__init__()


_buffer = _Buffer()
flush = _buffer.flush
# A worker that stops (gunicorn's TERM or QUIT, max_requests) writes its rows; a killed one cannot.
atexit.register(_buffer.flush)
os.register_at_fork(after_in_child=_buffer.forget)


# --- logging -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClickTracking:
    """What a result list needs to send its links through the click view."""

    token: str  # the search's words, filters and day, signed: the same for every visitor


@dataclass(frozen=True)
class ClickedSearch:
    """The search a click link was made for (from its token)."""

    text: str
    filters: dict[str, list[str]]
    day: date


def log_search(
    *,
    source: str,
    text: str,
    filters: Mapping[str, Sequence[str]],
    page: int,
    result_count: int,
) -> ClickTracking | None:
    """Have this keyword search counted on every serve of its answer, from the page cache too;
    None (nothing counted) for an empty query or a later page.

    Only the first page is a new search: paging through the same results would count the query
    again. Never raises.
    """
    words = normalise_query(text)
    if not words or page != 1:
        return None
    chosen = {name: sorted(codes) for name, codes in sorted(filters.items()) if codes}
    on_serve(
        "search.analytics.count_search",
        {"text": words, "filters": chosen, "result_count": result_count, "source": source},
    )
    day = timezone.localdate().isoformat()
    token = signing.dumps([words, chosen, day], salt=_CLICK_SALT, compress=True)
    return ClickTracking(token=token)


def count_search(payload: dict) -> None:
    """One serve of a logged search's answer (run by the page cache on every hit: keep it
    cheap). The day is the day it was served, not rendered."""
    _buffer.add_search(
        (
            payload["text"],
            json.dumps(payload["filters"], ensure_ascii=False, sort_keys=True),
            payload["result_count"],
            payload["source"],
            timezone.localdate(),
        )
    )


def search_from_token(token: str) -> ClickedSearch | None:
    """The search a click token was signed for; None for anything forged or malformed."""
    try:
        text, filters, day = signing.loads(token, salt=_CLICK_SALT)
        return ClickedSearch(text=text, filters=filters, day=date.fromisoformat(day))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def record_click(*, search: ClickedSearch, rank: int) -> None:
    """Count one result followed from this search (nothing when its page is older than
    CLICK_DAYS). Every click counts (a visitor who comes back and opens another result clicks
    twice): the page is shared, so nothing can tell a first click from a second one.
    Never raises."""
    today = timezone.localdate()
    if not today - timedelta(days=CLICK_DAYS) <= search.day <= today:
        return
    try:
        _buffer.add_click(
            SearchClick(
                text=search.text,
                filters=search.filters,
                rank=rank,
                created_on=today,
            )
        )
    except Exception as exc:
        logger.warning("search click not recorded (%s)", type(exc).__name__)


def purge(*, today: date | None = None, days: int | None = None) -> int:
    """Delete rows older than the retention period; the number deleted (0 when run again)."""
    days = settings.SEARCH_LOG_RETENTION_DAYS if days is None else days
    cutoff = (today or timezone.localdate()) - timedelta(days=days)
    deleted = 0
    for model in (SearchQueryLog, SearchClick):
        deleted += model.objects.filter(created_on__lt=cutoff).delete()[0]
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
    clicks: int  # results followed (one search can lead to several)

    @property
    def click_rate(self) -> int | None:
        """Clicks per 100 clickable searches, at most 100; None when none was clickable."""
        return min(100, round(100 * self.clicks / self.clickable)) if self.clickable else None


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
    week = (monday, monday + timedelta(days=6))
    per_text = (
        SearchQueryLog.objects.filter(created_on__range=week)
        .values("text")
        .annotate(
            n_searches=Sum("searches"),
            zero_results=Sum("searches", filter=Q(result_count=0), default=0),
            clickable=Sum(
                "searches",
                filter=Q(source=SearchQueryLog.Source.LIST, result_count__gt=0),
                default=0,
            ),
        )
    )
    clicks = dict(
        SearchClick.objects.filter(created_on__range=week)
        .values("text")
        .annotate(clicks=Count("id"))
        .values_list("text", "clicks")
    )
    # A click without a search of that week (searched on Sunday night, clicked on Monday)
    # stays out: the report is about the week's searches.
    rows = [
        QueryRow(
            text=values["text"],
            searches=values["n_searches"],
            zero_results=values["zero_results"],
            clickable=values["clickable"],
            clicks=clicks.get(values["text"], 0),
        )
        for values in per_text
    ]
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
