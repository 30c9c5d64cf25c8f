"""The public content generation: one token that every cached anonymous page is stored with.

Anything that can change what an anonymous visitor sees (a page published, unpublished, moved or
deleted, a privacy setting, an image, a taxonomy label, a synonym, the search index catching up)
calls `invalidate()`. It writes a new random token, so every page stored before is out of reach at
once: one write, nothing to enumerate, nothing a list or a filter combination could miss.

Why a random token and not a counter: a counter needs an atomic increment, and a lost increment
(two bumps reading the same value) would let a page rendered between the two stay reachable. A
fresh token per bump is never equal to one a renderer read before, on any cache backend; and a
token lost from the cache (eviction, restart) is replaced by another fresh one, never by an old
value under which stale pages might still be stored.

Why twice: the token changes at once (the current transaction's own later reads must not get an
old page) and again after the transaction commits. Between the two, another process may read the
first new token, render from the database as it was before the commit, and store that page; the
second bump puts it out of reach. After a rollback the extra bumps only cost a few misses.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

logger = logging.getLogger(__name__)

KEY = "pagecache:generation"


def cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def current() -> str:
    """The token pages are stored under now (a new one if the cache has none)."""
    store = cache()
    token = store.get(KEY)
    if token is None:
        token = uuid.uuid4().hex
        # add(): two processes starting at once agree on one token.
        if not store.add(KEY, token, timeout=None):
            token = store.get(KEY) or token
    return token


def read(key: str) -> tuple[str, object | None]:
    """The current token and the entry stored under `key`, in one round trip to the cache (a
    hit is served with this one read). The entry is the caller's to check against the token."""
    found = cache().get_many([KEY, key])
    token = found.get(KEY) or current()
    return token, found.get(key)


def _bump(reason: str) -> None:
    cache().set(KEY, uuid.uuid4().hex, timeout=None)
    logger.debug("public pages invalidated: %s", reason)


def invalidate(*, reason: str) -> None:
    """Put every cached public page out of reach, now and again once the transaction commits.

    After the commit the caching proxy in front (settings.WAGTAILFRONTENDCACHE) is also asked to
    drop what it holds, so that it fetches pages the second bump made fresh. An import that
    publishes a thousand pages in one transaction registers that once, not a thousand times.
    """
    _bump(reason)
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        func is _after_commit for _sids, func, _robust in connection.run_on_commit
    ):
        return  # already due at this commit (a rolled-back one discards it: checked each time)
    transaction.on_commit(_after_commit)


def _after_commit() -> None:
    _bump("committed")
    if getattr(settings, "WAGTAILFRONTENDCACHE", None):
        from . import proxy  # imports wagtail.contrib.frontend_cache: only where it is set up

        proxy.purge_everything()
