"""Draining the search outbox: the only code that writes to the search index.

A row leaves the outbox only after the engine confirmed its page. A refused page keeps its rows,
with the error, the attempt count and the time of the next attempt (exponential backoff, longer
if the engine asked for it with Retry-After). A page the engine refuses for a reason that would
come back on every retry (a mapping error) is held: kept and reported, not retried in a hot loop.
See docs/search.md, "Outbox".
"""

import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from pagecache.generation import invalidate

from . import documents
from .backends import configured as backend
from .models import SearchOutbox
from .types import IndexingFailed, ItemFailure

logger = logging.getLogger(__name__)

# The first retry waits BACKOFF_FIRST seconds, each next one twice as long, never more than
# BACKOFF_MAX: an engine that is down for an hour is asked about every quarter of an hour.
BACKOFF_FIRST = 2.0
BACKOFF_MAX = 15 * 60.0
MAX_ATTEMPTS_STORED = 32_767  # the column's limit; the count stops there, the retries do not


def backoff(attempts: int, retry_after: float | None = None) -> float:
    """Seconds to wait after the attempts-th failure; at least what the engine asked for."""
    delay = min(BACKOFF_FIRST * 2 ** max(attempts - 1, 0), BACKOFF_MAX)
    if retry_after:
        delay = max(delay, min(retry_after, BACKOFF_MAX))
    return delay


@dataclass
class DrainReport:
    applied: int = 0  # pages the engine confirmed
    retrying: int = 0  # pages that failed and wait for their next attempt
    held: int = 0  # pages the engine refused for good (kept for a person to look at)


def due_rows(now: datetime):
    """Rows whose time has come: never tried, or their backoff is over; held rows never."""
    return SearchOutbox.objects.filter(held=False).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def drain(*, batch: int = 500, now: datetime | None = None) -> DrainReport:
    """One pass over the due rows, oldest first.

    Raises when a whole batch failed for a reason that may pass (the engine is down, overloaded
    or too slow): its rows are recorded first, and the caller backs off. A batch where only some
    pages failed is recorded and the pass goes on.
    """
    now = now or timezone.now()
    report = DrainReport()
    after = 0  # each row at most once per pass, even if its retry would already be due
    while True:
        rows = list(due_rows(now).filter(id__gt=after).order_by("id")[:batch])
        if not rows:
            return report
        after = rows[-1].id
        ids = {row.page_id for row in rows}
        try:
            docs = list(documents.documents(ids))
            gone = ids - {d.id for d in docs}
            backend().apply(docs, gone)
            failures: dict[int, ItemFailure] = {}
        except IndexingFailed as exc:
            failures = {pk: f for pk, f in exc.failures.items() if pk in ids}
            whole_batch = set(failures) == ids and all(f.retryable for f in failures.values())
            if whole_batch:
                _record(rows, failures, now)
                raise
        except Exception as exc:
            # Not the engine's word on single pages (a crash, the database, an unknown error):
            # every page of the batch is kept and retried later.
            wait = getattr(exc, "retry_after", None)  # set by a backend that was told
            _record(rows, {pk: ItemFailure(_describe(exc), retry_after=wait) for pk in ids}, now)
            raise
        applied = ids - set(failures)
        # Rows of an applied page queued before this batch was read go too (an older retry, a
        # held row): the page was indexed as it is now. Later rows stay: the page changed since.
        SearchOutbox.objects.filter(id__lte=after, page_id__in=applied).delete()
        _record(rows, failures, now)
        report.applied += len(applied)
        if applied:
            # The lists, the API and related cases read the index: a page cached before this
            # batch (or between a publish and now) may lack what was just indexed.
            invalidate(reason=f"search index: {len(applied)} pages")
        report.held += sum(not f.retryable for f in failures.values())
        report.retrying += sum(f.retryable for f in failures.values())


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _record(rows: Sequence[SearchOutbox], failures: Mapping[int, ItemFailure], now) -> None:
    """Keep the failed pages' rows with why, how often, and when to try again."""
    by_page: dict[int, list[SearchOutbox]] = defaultdict(list)
    for row in rows:
        by_page[row.page_id].append(row)
    for page_id, failure in failures.items():
        page_rows = by_page[page_id]
        attempts = min(max(r.attempts for r in page_rows) + 1, MAX_ATTEMPTS_STORED)
        wait = backoff(attempts, failure.retry_after)
        SearchOutbox.objects.filter(pk__in=[r.pk for r in page_rows]).update(
            attempts=attempts,
            last_error=failure.error[:2000],
            held=not failure.retryable,
            next_attempt_at=now + timedelta(seconds=wait) if failure.retryable else None,
        )
        if failure.retryable:
            logger.warning(
                "search index: page %s failed (attempt %s, next in %.0f s): %s",
                page_id,
                attempts,
                wait,
                failure.error,
            )
        else:
            logger.error("search index refused page %s (held): %s", page_id, failure.error)


def retry_held() -> int:
    """Make held rows due again (after the cause was fixed); returns how many."""
    return SearchOutbox.objects.filter(held=True).update(held=False, next_attempt_at=None)


def drain_outbox(*, batch: int = 500, now: datetime | None = None) -> int:
    """Pages applied by one pass (see drain)."""
    return drain(batch=batch, now=now).applied


@task()
def drain_search_outbox() -> int:
    """Bring the search index up to date with the outbox (run by the single task worker)."""
    return drain_outbox()
