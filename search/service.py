"""The one entry point the site uses for search: backend choice, outbox, degraded fallback."""

import functools
import logging
import operator
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import replace

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Count, F, Max, Q, Value, When

from pagecache.generation import invalidate
from pagecache.marks import dont_store
from taxonomy import terms

from . import (
    analysis,
    backends,
    documents,
    facet_values,
    feedback,
    query_words,
    readings,
    registry,
    tasks,
)
from .backends import configured as backend
from .facets import FACETS
from .models import SearchOutbox, Synonym
from .synonyms import domain_groups
from .types import (
    FacetCount,
    Hit,
    SearchRequest,
    SearchResponse,
    SearchUnavailable,
    Suggestion,
)

logger = logging.getLogger(__name__)


class CircuitBreaker:
    """Keeps a broken engine from being called on every request.

    After FAILURES failures in a row, calls skip the engine for PAUSE seconds, so the caller's
    fallback answers at once; then the next call tries the engine again, and one more failure
    opens the breaker again at once (a success closes it). Fast failures count as well as slow
    ones: a refused connection or a version mismatch (400 on every request) costs little per
    call, but each one is a request the degraded site did not need to make, and a cluster that
    refused three in a row will refuse the next one too.
    """

    FAILURES, PAUSE = 3, 30.0

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.lock = threading.Lock()
        self.failures = 0
        self.open_until = 0.0

    @property
    def is_open(self) -> bool:
        return self.clock() < self.open_until

    def call(self, fn, *args, **kwargs):
        """fn's result; SearchUnavailable without calling fn while the breaker is open."""
        if self.is_open:
            raise SearchUnavailable("検索エンジンが応答しないため、しばらく呼び出しを控えています")
        try:
            result = fn(*args, **kwargs)
        except Exception:
            with self.lock:
                self.failures += 1
                if self.failures >= self.FAILURES:
                    # The count is not reset: after the pause, one failure re-opens at once.
                    self.open_until = self.clock() + self.PAUSE
                    logger.error(
                        "search engine failed %s times in a row: not called for %.0f s",
                        self.failures,
                        self.PAUSE,
                    )
            raise
        with self.lock:
            self.failures = 0
        return result


_breaker = CircuitBreaker()
_synonyms: dict = {"stamp": None, "groups": {}}


def reset_backend() -> None:
    """Forget the backend and its breaker: the next call starts from the settings as they are."""
    global _breaker
    backends.reset()
    _breaker = CircuitBreaker()


def synonym_groups() -> dict[str, list[str]]:
    """Synonym groups from the database, re-read when one is edited."""
    # The count too: deleting a group other than the newest changes neither maximum.
    stamp = Synonym.objects.aggregate(stamp=Max("updated_at"), last=Max("id"), n=Count("id"))
    if stamp != _synonyms["stamp"]:
        _synonyms["groups"] = {str(s.pk): s.term_list for s in Synonym.objects.all()}
        _synonyms["stamp"] = stamp
    return _synonyms["groups"]


# --- keeping the index in step with the database ---------------------------------------------
_scheduled = threading.local()


def enqueue(page_ids: Iterable[int]) -> None:
    """Record pages to refresh, inside the caller's transaction; drain after it commits."""
    SearchOutbox.objects.bulk_create([SearchOutbox(page_id=pk) for pk in page_ids])
    if not getattr(_scheduled, "pending", False):
        _scheduled.pending = True
        transaction.on_commit(_schedule_drain)


def _schedule_drain() -> None:
    _scheduled.pending = False
    tasks.drain_search_outbox.enqueue()


def drain_outbox(*, batch: int = 500, now=None) -> int:
    """Apply the due outbox rows to the index (search/tasks.py keeps what fails)."""
    return tasks.drain_outbox(batch=batch, now=now)


def rebuild(*, progress=None, workers: int | None = None) -> int:
    """Rebuild into a new generation, swap, then replay what changed meanwhile.

    The documents are read and analysed in `workers` processes (default: both cores; 1: in
    this process), written by this one (documents.prepared_documents).
    """
    started_at = SearchOutbox.objects.aggregate(m=Max("id"))["m"] or 0
    engine = backend()
    prepared = documents.prepared_documents(engine.prepare, workers=workers)
    count = engine.rebuild(prepared, progress=progress, prepared=True)
    SearchOutbox.objects.filter(id__lte=started_at).delete()
    drain_outbox()
    invalidate(reason="search index rebuilt")  # a new index answers the lists from now on
    return count


def reconcile(*, repair: bool) -> dict[str, list[int]]:
    """Compare the index with the database; with repair, queue every difference."""
    indexed = backend().versions()
    expected = {d.id: d.version for d in documents.documents()}
    drift = {
        "missing": sorted(set(expected) - set(indexed)),
        "stale": sorted(i for i in set(expected) & set(indexed) if expected[i] != indexed[i]),
        "extra": sorted(set(indexed) - set(expected)),
    }
    if repair and any(drift.values()):
        with transaction.atomic():
            enqueue([i for ids in drift.values() for i in ids])
        drain_outbox()
    return drift


# --- searching -------------------------------------------------------------------------------
def search(request: SearchRequest) -> SearchResponse:
    """Search with the engine; if it cannot answer, fall back to the database (degraded).

    A page beyond MAX_RESULT_WINDOW is served as the last page inside it, so no backend is ever
    asked for offset + limit > MAX_RESULT_WINDOW (see types.py). With `facet_words`, the words of
    the query that name a facet value become filters or boosts (search/query_words.py); if the
    filters leave nothing, they are asked again as boosts, so a query never comes back empty
    while one of its words occurs in a page. With `broaden`, a query that still finds nothing is
    asked again with its narrower words replaced by their broader ones (OJT -> 人材育成), and
    failing that with its kana read as the words of the vocabulary (ろかべん -> ロカベン,
    ローカルベンチマク -> ローカルベンチマーク) and its abbreviations as the words they shorten
    (経デザ -> 経営デザインシート, search/readings.py). A term in hiragana only is read
    first (じぎょうしょうけい -> 事業承継): as typed, it matches pieces of other words. The response
    says which query found the pages (`broadened`, `read_as`).
    """
    request = replace(request, synonyms=synonym_groups()).within_window()
    words: list[str] = []  # the vocabulary kana may read as, asked for once
    first_read = ""
    if request.broaden and readings.has_unconverted(request.text):
        # Hiragana sent before conversion: searched as typed, it finds pieces of other words.
        words = _vocabulary_words(request)
        first_read = readings.reading_query(
            request.text, words, unconverted_only=True, literal=request.literal
        )
        if first_read and (found := _with_words(replace(request, text=first_read))).total:
            return replace(found, read_as=first_read)
    response = _with_words(request)
    if response.total or not (request.broaden and request.text.strip()):
        return response
    wider = analysis.broader_query(
        request.text, request.synonyms, dictionary_synonyms=request.dictionary_synonyms
    )
    if wider and (found := _with_words(replace(request, text=wider))).total:
        return replace(found, broadened=wider)
    read = readings.reading_query(
        request.text, words or _vocabulary_words(request), literal=request.literal
    )
    if read and read != first_read and (found := _with_words(replace(request, text=read))).total:
        return replace(found, read_as=read)
    return response


def _vocabulary_words(request: SearchRequest) -> list[str]:
    """The words a query in kana may read as: those of the synonym groups (the secretariat's
    and, with the dictionaries, the domain's), the labels of the facet values (tools, phases,
    industries …), the other words that name them, and the hashtags of the published cases
    (補助金, 資金繰り, 見える化), the most used first."""
    groups = [*request.synonyms.values(), *(domain_groups() if request.dictionary_synonyms else ())]
    labels = [label for facet in FACETS for label in facet_values.options(facet).values()]
    used = _search(SearchRequest(kinds=("case",), page_size=1, highlight=False, feedback=False))
    hashtags = [count.value for count in used.facets.get("hashtag", ())]
    return [*(word for group in groups for word in group), *labels, *facet_vocabulary(), *hashtags]


def _with_words(request: SearchRequest) -> SearchResponse:
    if not (request.facet_words and request.text.strip()):
        return _search(request)
    return query_words.search_with_words(_search, request, facet_vocabulary())


# The taxonomy vocabularies query_words.vocabulary() reads (the facets' and the prefectures').
_LABEL_VOCABULARIES = tuple(
    sorted({f.vocabulary for f in FACETS if f.vocabulary and f.query_words} | {"prefecture"})
)
_vocabulary: dict = {"labels": (), "words": None}


def facet_vocabulary() -> dict:
    """query_words.vocabulary(), built again only when the labels change.

    Building it reads every label of the facets and cost about 5 ms of each keyword search.
    taxonomy.terms hands out the same mappings until a label is edited, then new ones: holding
    on to the mappings it was built from and comparing them by identity tells whether it is
    still right, in this process, as the labels themselves are."""
    labels = tuple(terms.terms(name) for name in _LABEL_VOCABULARIES)
    seen = _vocabulary["labels"]
    if (
        _vocabulary["words"] is None
        or len(seen) != len(labels)
        or any(a is not b for a, b in zip(seen, labels, strict=False))
    ):
        words = query_words.vocabulary()
        _vocabulary.update(labels=labels, words=words)
        return words
    return _vocabulary["words"]


def _engine_search(request: SearchRequest) -> SearchResponse:
    """The engine's answer: with pseudo-relevance feedback (settings.SEARCH_FEEDBACK), two
    searches (search/feedback.py) in one breaker call."""
    if settings.SEARCH_FEEDBACK:
        return feedback.search_with_feedback(backend(), request)
    return backend().search(request)


def _search(request: SearchRequest) -> SearchResponse:
    try:
        return _breaker.call(_engine_search, request)
    except SearchUnavailable as exc:
        logger.warning("search engine unavailable, using the database: %s", exc)
    except Exception:
        logger.exception("search engine failed, using the database")
    dont_store("degraded search")  # a cached page would outlive the outage
    return database_search(request)


def fallback_words(text: str) -> list[str]:
    """The words the database looks for: each run of content words of each term, as the engine's
    units (analysis.parse_query; 後継者が理念を言語化 → 後継者, 理念, 言語化), as written (NFKC)."""
    words: list[str] = []
    for term, _phrase in analysis.split_query(text):
        normal = analysis.normalise(term)
        for chunk in analysis.chunk_tokens(term):
            word = normal[chunk[0].start : chunk[-1].end]
            if word not in words:
                words.append(word)
    return words


def database_search(request: SearchRequest) -> SearchResponse:
    """Plain database search: substring match on each type's text fields (cases: title and
    lead; know-how: title and summary), same filters and facets; the types one after the other
    in the order of KINDS (cases first, then know-how). Each content app registers its queries
    (search/registry.py).

    As in the engine, every word counts (OR): a page with any of the query's words is found, and
    pages with more of them come first (then the newest). Boosts are not applied here."""
    request = request.within_window()  # a slice far past the end overflows the database's integer
    selected = {k: list(v) for k, v in request.filters.items() if v}
    start, end = request.offset, request.offset + request.page_size
    hits: list[Hit] = []
    facets: dict[str, list[FacetCount]] = {}
    total = 0  # of the types before this one: where its results start
    words = fallback_words(request.text)
    for indexed in registry.indexed_types():
        base = indexed.pages()
        matches = []
        for word in words:
            match = Q()
            for name in indexed.text_fields:
                match |= Q(**{f"{name}__icontains": word})
            matches.append(match)
        if matches:
            base = base.filter(functools.reduce(operator.or_, matches))
        elif analysis.split_query(request.text):
            base = base.none()  # words, but none a page could contain (only particles, symbols)
        if indexed.kind not in request.kinds:
            base = base.none()
        if indexed.apply_filters is not None:
            found = indexed.apply_filters(base, selected)
        elif selected:
            found = base.none()  # a type without facets has nothing a filter could choose
        else:
            found = base
        if request.sort == "published":
            found = found.order_by(*indexed.oldest_first)
        elif request.sort == "relevance" and len(matches) > 1:
            coverage = sum(
                (Case(When(match, then=Value(1)), default=Value(0)) for match in matches),
                start=Value(0),
            )
            found = found.alias(coverage=coverage).order_by(
                F("coverage").desc(), *indexed.newest_first
            )
        else:
            found = found.order_by(*indexed.newest_first)
        count = found.count()
        if len(hits) < request.page_size:
            ids = found.values_list("pk", flat=True)[max(0, start - total) : end - total]
            hits += [Hit(id=i, kind=indexed.kind, score=0.0) for i in ids]
        if request.facets and indexed.facet_counts is not None:
            facets.update(indexed.facet_counts(base, selected))
        total += count
    return SearchResponse(
        total=total,
        hits=hits,
        facets=facets,
        backend="database",
        degraded=True,
    )


def more_like_this(page_id: int, *, limit: int = 3) -> Sequence[Hit] | None:
    """Similar pages, or None when the engine cannot answer (the caller falls back)."""
    try:
        return _breaker.call(backend().more_like_this, page_id, limit=limit)
    except Exception:
        logger.warning("more_like_this unavailable", exc_info=True)
        dont_store("related pages from the fallback")
        return None


def suggest(prefix: str, *, limit: int = 8) -> Sequence[Suggestion]:
    """Completions for what is being typed; none when the engine cannot answer (optional help)."""
    try:
        return _breaker.call(backend().suggest, prefix, limit=limit)
    except Exception:
        logger.warning("suggest unavailable", exc_info=True)
        dont_store("no suggestions")
        return []
