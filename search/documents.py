"""Search documents built from published pages: the only way content reaches an index.

The engine does not know the page types: each content app registers how to build its
documents (search/registry.py; cases/documents.py, knowhow/documents.py). This module holds the
helpers they share and walks every registered type.
"""

import re
from collections.abc import Iterable, Iterator

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
