"""What the search engine indexes, as the content apps describe it.

search/ is an engine: it never imports a content app. Each content app describes its page type
in its own `documents.py` and registers it here from `AppConfig.ready()` (as cfgov's per-app
documents and django-modelsearch's `get_indexed_models()` do). The engine then reads the
registry to build documents, to keep the index in step with page changes, to name results in
the API, and to answer from the database when the engine cannot.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from .types import KINDS, FacetCount, SearchDocument


@dataclass(frozen=True)
class IndexedType:
    kind: str  # one of types.KINDS: the document's kind and the API's `type`
    model: type  # the Wagtail page model
    public_id: str  # the field that names a page outside the site (the API's `id`)
    document: Callable[[Any], SearchDocument]  # one live, public page -> its document
    prefetch: tuple[str, ...] = ()  # what `document` reads from related tables
    # The database fallback (service.database_search): a substring match on these fields,
    text_fields: tuple[str, ...] = ("title",)
    # in this order for "newest first" (relevance too: the database has none) and "oldest first".
    newest_first: tuple[Any, ...] = ("-first_published_at", "-pk")  # field names or expressions
    oldest_first: tuple[str, ...] = ("first_published_at", "pk")
    # (pages, selected codes) -> the pages with the facet filters applied. None: the type has no
    # facets, so a search with any filter finds none of it.
    apply_filters: Callable[[QuerySet, Mapping[str, Sequence[str]]], QuerySet] | None = None
    # (pages before the filters, selected codes) -> counts per facet, each under the other filters.
    facet_counts: (
        Callable[[QuerySet, Mapping[str, Sequence[str]]], Mapping[str, Sequence[FacetCount]]] | None
    ) = None

    @property
    def label(self) -> str:
        return self.model._meta.label

    def pages(self) -> QuerySet:
        """The pages that may be in the index: live and public (the rest must not be)."""
        return self.model.objects.live().public()


_types: dict[str, IndexedType] = {}


def register(indexed: IndexedType) -> None:
    """Called from a content app's AppConfig.ready(); registering the same type again is a
    no-op (ready() may run twice in tests), another type under a taken kind is an error."""
    if indexed.kind not in KINDS:
        raise ValueError(f"未知の種類です: {indexed.kind}（search.types.KINDS に加えてください）")
    known = _types.get(indexed.kind)
    if known is not None and known.model is not indexed.model:
        raise ValueError(f"種類 {indexed.kind} は {known.label} が登録済みです")
    _types[indexed.kind] = indexed


def indexed_types() -> list[IndexedType]:
    """The registered types in the order of KINDS (cases first: the order of the fallback)."""
    return [_types[kind] for kind in KINDS if kind in _types]


def get(kind: str) -> IndexedType:
    return _types[kind]


def labels() -> set[str]:
    """ "app.Model" of every indexed page model."""
    return {indexed.label for indexed in _types.values()}
