"""The search interface both backends implement (see docs/search.md)."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Protocol

# Re-exported: the backends and the API read the facet names from here (search/facets.py).
from .facets import FACET_FIELDS as FACET_FIELDS
from .facets import FACETS

KINDS = ("case", "knowhow")
SORTS = ("relevance", "-published", "published")
MAX_PAGE_SIZE = 100
# The deepest result any search may ask for: offset + limit never exceeds it, on either backend.
# It is Elasticsearch's default index.max_result_window (deeper pages there are an error), and it
# keeps tantivy, which allocates room for offset + limit hits up front, from being asked for an
# impossible amount of memory (page 300,000,000 made it abort the whole process).
MAX_RESULT_WINDOW = 10_000


def max_page(page_size: int) -> int:
    """The last page of `page_size` results that lies wholly inside MAX_RESULT_WINDOW."""
    return MAX_RESULT_WINDOW // page_size


class SearchUnavailable(Exception):
    """The engine cannot answer now (not built, locked, unreachable)."""


@dataclass(frozen=True)
class ItemFailure:
    """Why the engine refused one document of a write (docs/search.md, "Outbox")."""

    error: str
    # False for a refusal that the same document will meet again (a mapping error): the outbox
    # keeps the row for a person to look at instead of retrying it.
    retryable: bool = True
    retry_after: float | None = None  # seconds the engine asked us to wait, if it said


class IndexingFailed(SearchUnavailable):
    """Some documents of a write were refused; the others were applied."""

    def __init__(self, failures: Mapping[int, ItemFailure]):
        self.failures = dict(failures)
        first = next(iter(self.failures.values()), None)
        super().__init__(
            f"{len(self.failures)} 件を索引に反映できませんでした"
            + (f"（例: {first.error}）" if first else "")
        )


@dataclass(frozen=True)
class SearchDocument:
    id: int
    version: int
    kind: str
    title: str
    body: str
    published: int  # date as ordinal; sorts "newest first"
    # Codes per facet of search/facets.py, by its name: at most one for a facet of the page
    # itself, any number for one of its sections or the hashtags. A facet left out has no value.
    facets: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    suggest: tuple[str, ...] = ()
    # What the page is about in a few lines (lead, hashtags, key points); also part of body.
    # A word here counts for more than one somewhere in the body.
    summary: str = ""

    def __post_init__(self):
        unknown = set(self.facets) - set(FACET_FIELDS)
        if unknown:
            raise ValueError(f"未知の絞り込み項目です: {', '.join(sorted(unknown))}")
        for facet in FACETS:
            values = self.facets.get(facet.name, ())
            if isinstance(values, str) or not facet.multi and len(values) > 1:
                raise ValueError(f"{facet.name} の値の形が違います: {values!r}")

    def facet(self, name: str) -> tuple[str, ...]:
        """The document's codes for facet `name` (none when it has none)."""
        return tuple(self.facets.get(name, ()))


@dataclass(frozen=True)
class SearchRequest:
    text: str = ""
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)
    # Facet values that rank a document higher without being required (a word of the query
    # that names a facet value, search/query_words.py): both backends add FACET_BOOST each.
    boosts: Mapping[str, Sequence[str]] = field(default_factory=dict)
    kinds: Sequence[str] = KINDS
    sort: Literal["relevance", "-published", "published"] = "relevance"
    page: int = 1
    page_size: int = 20
    facets: bool = True
    highlight: bool = True
    synonyms: Mapping[str, Sequence[str]] = field(default_factory=dict)
    # Sudachi's abbreviations and spelling variants beside `synonyms` (search/synonyms.py);
    # off only to measure what they bring (benchmarks/relevance.py).
    dictionary_synonyms: bool = True
    # Read the words of `text` that name a facet value as filters or boosts (service.search,
    # search/query_words.py), except the words in `literal` (the visitor's 解除).
    facet_words: bool = False
    literal: tuple[str, ...] = ()
    # When the query finds nothing, search again with its narrower words replaced by their
    # broader ones (service.search, analysis.broader_query: OJT -> 人材育成).
    broaden: bool = False
    # Pseudo-relevance feedback (service.search, search/feedback.py; settings.SEARCH_FEEDBACK):
    # off only to measure what it brings (benchmarks/relevance.py).
    feedback: bool = True
    # Words of the first search's best hits, each with its weight in (0, 1], that the backends
    # add to the query (search/feedback.py): they find documents that share no word with the
    # query and reorder the others weakly.
    expansion: tuple[tuple[str, float], ...] = ()
    # Whether those words also find documents without the query's words (analysis.FEEDBACK_MATCH
    # of them); False: they only reorder (feedback.FEEDBACK_FIND_BELOW).
    expansion_finds: bool = True

    def __post_init__(self):
        unknown = (set(self.filters) | set(self.boosts)) - set(FACET_FIELDS)
        if unknown:
            raise ValueError(f"未知の絞り込み項目です: {', '.join(sorted(unknown))}")
        if self.sort not in SORTS:
            raise ValueError(f"未知の並び順です: {self.sort}")
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size は 1〜{MAX_PAGE_SIZE} にしてください")
        if self.page < 1:
            raise ValueError("page は 1 以上にしてください")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    def within_window(self) -> "SearchRequest":
        """This request, or the same one for the last page inside MAX_RESULT_WINDOW when it
        asks for more (the public pages bound the page before; this is for every other caller)."""
        last = max_page(self.page_size)
        if self.page <= last:
            return self
        return replace(self, page=last)


@dataclass(frozen=True)
class Hit:
    id: int
    kind: str
    score: float
    highlights: Sequence[str] = ()  # escaped HTML, only <mark> tags


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int
    selected: bool


@dataclass(frozen=True)
class FacetWord:
    """A word of the query read as a facet value (search/query_words.py)."""

    word: str  # as it was read in the query (NFKC)
    facet: str
    codes: tuple[str, ...]
    label: str  # the value's name as the list shows it (北陸 for 石川県)
    mode: Literal["filter", "boost"]


@dataclass(frozen=True)
class SearchResponse:
    total: int
    hits: Sequence[Hit]
    facets: Mapping[str, Sequence[FacetCount]]
    backend: str
    degraded: bool = False
    # The query's words that were read as facet values (SearchRequest.facet_words).
    words: tuple[FacetWord, ...] = ()
    # Of `total`, the pages found by pseudo-relevance feedback alone, without any word of the
    # query (search/feedback.py): related pages, not matches.
    related: int = 0
    # The query that was searched instead of the visitor's (SearchRequest.broaden); "" when it
    # was the visitor's own. `broadened`: its broader words, the visitor's having found nothing
    # (OJT -> 人材育成); `read_as`: the words its kana read as (じぎょうしょうけい -> 事業承継,
    # search/readings.py).
    broadened: str = ""
    read_as: str = ""

    @property
    def found_by_words(self) -> int:
        """The pages found by the query's words (or those it was read as): what the search log
        counts. A search whose words found none is on the report's list of words to add to a
        synonym group (search/analytics.py), even if related pages were shown (`related`)."""
        return self.total - self.related


@dataclass(frozen=True)
class Suggestion:
    text: str
    count: int


class SearchBackend(Protocol):
    name: str

    def search(self, request: SearchRequest) -> SearchResponse: ...

    def more_like_this(self, doc_id: int, *, limit: int = 3) -> Sequence[Hit]: ...

    # The content words of the documents and the index's statistics, for feedback
    # (search/feedback.py: a WordStatistics).
    def word_statistics(self, ids: Sequence[int]) -> Any: ...

    def suggest(self, prefix: str, *, limit: int = 8) -> Sequence[Suggestion]: ...

    def index(self, docs: Iterable[SearchDocument]) -> None: ...

    def delete(self, ids: Iterable[int]) -> None: ...

    def apply(self, docs: Iterable[SearchDocument], delete_ids: Iterable[int]) -> None: ...

    # SearchDocument -> what rebuild(..., prepared=True) takes: plain, picklable data, made in
    # worker processes during a rebuild (search.documents.prepared_documents).
    @staticmethod
    def prepare(doc: SearchDocument) -> Any: ...

    def rebuild(
        self, docs: Iterable[SearchDocument] | Iterable[Any], *, progress=None, prepared=False
    ) -> int: ...

    def versions(self) -> Mapping[int, int]: ...
