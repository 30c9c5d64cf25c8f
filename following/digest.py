"""The digest mails of saved searches: what was published since the last one, once.

`manage.py send_search_digests --frequency daily|weekly` calls send_digests(). For each saved
search of that frequency, in a transaction of its own (a crash mid-run loses or repeats at most
the one search being mailed, never the whole run):

1. the candidates are the live, public pages first published in (checked_until − LOOKBACK, now],
   less those this search has mailed already (SentItem);
2. the search service decides which of them match (following/queries.which_match);
3. one mail lists them; the SentItems and the new checked_until are written with it.

Running twice sends nothing the second time: everything is either mailed (SentItem) or judged
(checked_until). LOOKBACK re-reads the last hour because a page's first_published_at is set
before its transaction commits: a run in between would not see it yet. A page still waiting for
the search index (search outbox) is not judged yet; checked_until stops before it, so the next
run judges it. When the engine cannot answer (degraded), the search is left for the next run.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from core.mail import absolute_url, send_notification
from search import registry
from search.models import SearchOutbox

from .models import SavedSearch, SentItem
from .queries import Query, case_list_url, items, which_match
from .services import unsubscribe_token

logger = logging.getLogger(__name__)

LOOKBACK = timedelta(hours=1)
# More would not be read in a mail; the rest are behind the link to the search.
MAX_ITEMS_PER_MAIL = 30


@dataclass
class Report:
    sent: int = 0  # mails
    items: int = 0  # pages in them
    nothing_new: int = 0
    postponed: list[str] = field(default_factory=list)  # the engine could not answer
    failed: list[str] = field(default_factory=list)  # the mail could not be sent


def candidates(since: datetime, until: datetime) -> dict[int, datetime]:
    """{page id: first published} of the live, public pages first published in (since, until]."""
    found: dict[int, datetime] = {}
    for indexed in registry.indexed_types():
        found.update(
            indexed.pages()
            .filter(first_published_at__gt=since, first_published_at__lte=until)
            .values_list("pk", "first_published_at")
        )
    return found


def _waiting_for_index(page_ids) -> set[int]:
    """Pages the index has not taken yet. A held row (refused by the engine, waiting for a
    person) does not count: the page is not findable, and waiting for it would stop every
    digest behind it."""
    return set(
        SearchOutbox.objects.filter(page_id__in=list(page_ids), held=False).values_list(
            "page_id", flat=True
        )
    )


def send_digest(saved: SavedSearch, *, now: datetime) -> tuple[str, int]:
    """Mails one saved search's new pages; returns what happened ("sent", "nothing" or
    "postponed") and how many pages were mailed. A failed mail raises, and nothing of this
    search is recorded."""
    with transaction.atomic():
        saved = SavedSearch.objects.select_for_update().select_related("user").get(pk=saved.pk)
        since = max(saved.checked_until - LOOKBACK, saved.created_at)
        new = candidates(since, now)
        for page_id in SentItem.objects.filter(
            saved_search=saved, page_id__in=list(new)
        ).values_list("page_id", flat=True):
            del new[page_id]
        waiting = _waiting_for_index(new)
        judged = {pk: at for pk, at in new.items() if pk not in waiting}
        matched = which_match(Query.of(saved.text, saved.filters), set(judged)) if judged else set()
        if matched is None:
            return "postponed", 0
        checked_until = min([now, *(new[pk] - timedelta(microseconds=1) for pk in waiting)])
        saved.checked_until = max(saved.checked_until, checked_until)
        found = items(sorted(matched, key=lambda pk: judged[pk], reverse=True))
        if not found:
            saved.save(update_fields=["checked_until"])
            return "nothing", 0
        _mail(saved, found)
        SentItem.objects.bulk_create(
            [SentItem(saved_search=saved, page_id=item.page_id, sent_at=now) for item in found]
        )
        # What was mailed before the oldest page a later run can look at is never asked again.
        SentItem.objects.filter(
            saved_search=saved, sent_at__lt=saved.checked_until - 2 * LOOKBACK
        ).delete()
        saved.last_sent_at = now
        saved.save(update_fields=["checked_until", "last_sent_at"])
        return "sent", len(found)


def _mail(saved: SavedSearch, found) -> None:
    query = Query.of(saved.text, saved.filters)
    unsubscribe_url = absolute_url(
        reverse("following:unsubscribe", args=[unsubscribe_token(saved)])
    )
    qs = query.query_string()
    context = {
        "saved": saved,
        "search": query.describe(),
        "items": found[:MAX_ITEMS_PER_MAIL],
        "more": max(0, len(found) - MAX_ITEMS_PER_MAIL),
        "search_url": case_list_url() + (f"?{qs}" if qs else ""),
        "feed_url": absolute_url(reverse("following:case_feed") + (f"?{qs}" if qs else "")),
        "saved_list_url": absolute_url(reverse("following:saved_list")),
        "unsubscribe_url": unsubscribe_url,
        "frequency": saved.get_frequency_display(),
    }
    send_notification(
        saved.user,
        subject=ngettext(
            "保存した検索「%(name)s」の新着 %(count)d 件",
            "保存した検索「%(name)s」の新着 %(count)d 件",
            len(found),
        )
        % {"name": saved.name, "count": len(found)},
        template="following/email/digest",
        context=context,
        # RFC 2369 and RFC 8058: mail programs offer their own one-click unsubscribe button,
        # which POSTs "List-Unsubscribe=One-Click" to the same link.
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def send_digests(*, frequency: str, now: datetime | None = None) -> Report:
    """One mail per saved search of `frequency` with something new (see the module docstring)."""
    now = now or timezone.now()
    report = Report()
    searches = SavedSearch.objects.filter(frequency=frequency, user__is_active=True).order_by("pk")
    for saved in searches.iterator():
        try:
            outcome, count = send_digest(saved, now=now)
        except Exception:  # one search's failure (SMTP refused it) must not stop the others
            logger.exception("digest of saved search %s failed", saved.pk)
            report.failed.append(saved.name)
            continue
        if outcome == "sent":
            report.sent += 1
            report.items += count
        elif outcome == "postponed":
            report.postponed.append(saved.name)
        else:
            report.nothing_new += 1
    return report
