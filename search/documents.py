"""Search documents built from published pages: the only way content reaches an index.

The engine does not know the page types: each content app registers how to build its
documents (search/registry.py; cases/documents.py, knowhow/documents.py). This module holds the
helpers they share and walks every registered type.
"""

import multiprocessing
import os
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from django.db import connection, connections
from wagtail.models import Page

from . import registry
from .types import SearchDocument

_MARKDOWN_MARKS = re.compile(r"^\s{0,3}(?:#{1,6}|[-*+]|\d+\.|>)\s+|[*_`|]+", re.MULTILINE)


def plain(markdown_text: str) -> str:
    return _MARKDOWN_MARKS.sub("", markdown_text)


def page_version(page: Page) -> int:
    """What the index stores to tell a stale document from a current one."""
    stamp = page.last_published_at or page.latest_revision_created_at
    return int(stamp.timestamp()) if stamp else 0


def searchable_pages(ids: Iterable[int] | None = None) -> list[tuple[registry.IndexedType, object]]:
    """(type, its live public pages) for every registered type: what may be in the index."""
    if ids is not None:
        ids = list(ids)
    found = []
    for indexed in registry.indexed_types():
        pages = indexed.pages()
        if indexed.prefetch:
            pages = pages.prefetch_related(*indexed.prefetch)
        if ids is not None:
            pages = pages.filter(pk__in=ids)
        found.append((indexed, pages))
    return found


def documents(ids: Iterable[int] | None = None) -> Iterator[SearchDocument]:
    for indexed, pages in searchable_pages(ids):
        for page in pages.iterator(chunk_size=200):
            yield indexed.document(page)


def count(ids: Iterable[int] | None = None) -> int:
    return sum(pages.count() for _, pages in searchable_pages(ids))


# --- many documents at once: the rebuild -------------------------------------------------------
CHUNK = 250  # pages per task: big enough to amortise a query and a pickle, small for progress


def default_workers() -> int:
    """Both cores of the 2-core production machine (never more than the machine has)."""
    return max(1, min(2, os.cpu_count() or 1))


def database_shared() -> bool:
    """Whether another process sees what this connection sees: not in a transaction (its rows
    are invisible to others until it commits) and not an in-memory SQLite database."""
    if connection.in_atomic_block:
        return False
    if connection.vendor == "sqlite":
        return not connection.is_in_memory_db()
    return True


def prepared_documents(
    prepare: Callable[[SearchDocument], Any], *, workers: int | None = None
) -> Iterator[Any]:
    """prepare(document) for every document of documents(), in the same order.

    With more than one worker, the work (the page queries, building the document and
    `prepare`, the costly analysis) runs in that many forked processes, CHUNK pages per task;
    the caller only writes. If other processes cannot read this database (see database_shared),
    this process reads it and the workers only prepare. At most 2 tasks per worker are in
    flight, so a slow writer never makes the results pile up in memory.
    """
    workers = default_workers() if workers is None else workers
    if workers <= 1:
        yield from map(prepare, documents())
        return
    shared = database_shared()
    if shared:
        tasks = ((indexed.kind, ids) for indexed, ids in _id_chunks())
        # The workers open their own connections; a forked copy of an open one is unsafe.
        connections.close_all()
    else:
        tasks = (("", chunk) for chunk in _chunks(documents(), CHUNK))
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_start_worker, initargs=(prepare,)) as pool:
        pending: deque = deque()
        for task in islice(tasks, 2 * workers):
            pending.append(pool.apply_async(_prepare_chunk, task))
        while pending:
            chunk = pending.popleft().get()
            for task in islice(tasks, 1):
                pending.append(pool.apply_async(_prepare_chunk, task))
            yield from chunk


def _id_chunks() -> Iterator[tuple[registry.IndexedType, list[int]]]:
    for indexed, pages in searchable_pages():
        ids = pages.values_list("pk", flat=True)  # in the order documents() reads them
        for chunk in _chunks(ids.iterator(chunk_size=2000), CHUNK):
            yield indexed, chunk


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


_worker_prepare: Callable[[SearchDocument], Any] | None = None


# Connections a worker inherited from its parent: kept, never used and never closed (closing one
# would end the parent's session on the server: the socket is the parent's).
_inherited: list[Any] = []


def _start_worker(prepare: Callable[[SearchDocument], Any]) -> None:
    global _worker_prepare
    _worker_prepare = prepare
    # Two processes reading from one socket get each other's answers: rows of the wrong query
    # (an IndexError in Django's converters) or none (pages silently left out), as a full
    # PostgreSQL run showed twice. The parent forks with a connection open when it is inside a
    # transaction (it then reads the pages itself); a worker that queries anything (the labels,
    # when their local copy expires) opens its own. SQLite has no server to share: its inherited
    # connection reads the forked copy, the only way to an in-memory database.
    for wrapper in connections.all(initialized_only=True):
        if wrapper.connection is not None and wrapper.vendor != "sqlite":
            _inherited.append(wrapper.connection)
            wrapper.connection = None


def _prepare_chunk(kind: str, items: list) -> list:
    """In a worker: the prepared documents of a chunk of page ids of `kind` (read here), or of
    SearchDocuments (kind "")."""
    if kind:
        indexed = registry.get(kind)
        pages = indexed.pages().filter(pk__in=items)
        if indexed.prefetch:
            pages = pages.prefetch_related(*indexed.prefetch)
        by_id = {page.pk: page for page in pages}
        # A page unpublished since the ids were listed is left out: its outbox row, newer than
        # the rebuild's start, is replayed after the swap.
        items = [indexed.document(by_id[pk]) for pk in items if pk in by_id]
    return [_worker_prepare(doc) for doc in items]
