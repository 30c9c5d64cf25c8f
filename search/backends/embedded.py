"""The embedded backend: tantivy with Sudachi tokens (mode A) plus a character-bigram field.

Layout on disk: <root>/builds/<build-id>/ holds one index generation and <root>/current is a
symlink to the active one, so a rebuild swaps atomically. Only one process writes (tantivy's lock
file enforces it); web processes open the index read-only and follow the symlink.
"""

import html
import logging
import os
import re
import shutil
import threading
import time
import uuid
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from struct import pack, unpack
from typing import NamedTuple

import tantivy
from tantivy import Occur, Query

from .. import analysis
from ..feedback import WordStatistics
from ..query_words import FACET_BOOST
from ..types import (
    FACET_FIELDS,
    FacetCount,
    Hit,
    SearchDocument,
    SearchRequest,
    SearchResponse,
    SearchUnavailable,
    Suggestion,
)

logger = logging.getLogger(__name__)
SCHEMA_VERSION = "4"  # 2: summary_ja; 3: phase_set, tool_set; 4: every facet of facets.py
SUGGEST_SEP = "\x1f"
SNIPPET_BYTES = 300  # about 100 Japanese characters
# A multi-valued facet is also stored as the one sorted combination of its values: counting
# combinations and adding them up per value is several times faster than counting the values.
SET_FIELDS = {"phase": "phase_set", "tool": "tool_set"}
SET_BUCKETS = 10_000  # more combinations than this, and the values are counted directly
_FILTER_CODE = re.compile(r"[\w-]+")  # what may go into an aggregation's filter query string


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("id", stored=True, indexed=True, fast=True)
    sb.add_integer_field("version", stored=True, fast=True)
    sb.add_integer_field("published", stored=True, indexed=True, fast=True)
    sb.add_text_field("kind", stored=True, fast=True, tokenizer_name="raw")
    sb.add_text_field("title_ja", tokenizer_name="whitespace", index_option="position")
    sb.add_text_field("summary_ja", tokenizer_name="whitespace", index_option="position")
    sb.add_text_field("body_ja", tokenizer_name="whitespace", index_option="position")
    sb.add_text_field("title", stored=True, tokenizer_name="ja_bigram")
    sb.add_text_field("body", stored=True, tokenizer_name="ja_bigram")
    sb.add_text_field("mlt", stored=True, tokenizer_name="whitespace")
    sb.add_text_field("suggest", tokenizer_name="raw")
    for name in FACET_FIELDS:
        sb.add_text_field(name, stored=True, fast=True, tokenizer_name="raw")
    for name in SET_FIELDS.values():
        sb.add_text_field(name, fast=True, tokenizer_name="raw")
    return sb.build()


SCHEMA = _schema()


def _bigram_analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.ngram(2, 2, False))
        .filter(tantivy.Filter.lowercase())
        .build()
    )


def _prepare(index: tantivy.Index) -> tantivy.Index:
    # Custom tokenizers are not stored in the index: every process registers them itself.
    index.register_tokenizer("ja_bigram", _bigram_analyzer())
    return index


# --- documents for the index ---------------------------------------------------------------
# Writing is split in two so that a rebuild can spread the costly half over processes:
# prepare() (Sudachi analysis; pure Python data, cheap to pickle) runs in worker processes,
# _document() (tantivy objects, which cannot cross a process boundary cheaply) in the writer.
_POS_KINDS: dict[int, tuple[bool, bool]] = {}  # Sudachi POS id -> (skipped, breaks a chunk)


def _pos_kind(pos_id: int) -> tuple[bool, bool]:
    kind = _POS_KINDS.get(pos_id)
    if kind is None:
        pos = analysis._dictionary().pos_of(pos_id)[0]
        kind = _POS_KINDS[pos_id] = (pos in analysis.SKIP_POS, pos in analysis.BREAK_POS)
    return kind


def _index_tokens(text: str) -> list[tuple[str, int, int, bool]]:
    """analysis.tokenize(text) as (text, start, end, is content word) without a Token object
    per word: the same tokens (tests/search/test_bulk_rebuild.py compares them) for less.

    The whole text in one go, as analysis.tokenize does: analysing it line by line would be
    cheaper (the summary's lines are in the body) but cuts some words differently."""
    tokenizer = analysis._tokenizer()
    out = []
    for offset, piece in analysis._pieces(text):
        for m in tokenizer.tokenize(piece):
            skipped, breaks = _pos_kind(m.part_of_speech_id())
            if not skipped:
                start = offset + m.begin()
                out.append((m.normalized_form().lower(), start, offset + m.end(), not breaks))
    return out


def _field(text: str, tokens) -> tuple[str, list[str], bytes]:
    """(text, words, their start and end offsets as int32s): a compact, quickly pickled form."""
    offsets = array("i")
    for _word, start, end, _content_word in tokens:
        offsets.append(start)
        offsets.append(end)
    return text, [t[0] for t in tokens], offsets.tobytes()


def prepare(doc: SearchDocument) -> tuple:
    """Everything Sudachi contributes to the document, as plain data (see _document)."""
    title, body = analysis.normalise(doc.title), analysis.normalise(doc.body)
    summary = analysis.normalise(doc.summary)
    title_tokens, body_tokens = _index_tokens(title), _index_tokens(body)
    # Content words only (not particles and symbols), for more_like_this.
    mlt = (
        " ".join(t[0] for t in title_tokens if t[3])
        + " "
        + " ".join(t[0] for t in body_tokens if t[3])
    )
    suggest = [
        (analysis.normalise(phrase), analysis.reading(phrase), phrase)
        for phrase in dict.fromkeys(doc.suggest)
    ]
    return (
        doc.id,
        doc.version,
        doc.published,
        doc.kind,
        _field(title, title_tokens),
        _field(summary, _index_tokens(summary)),
        _field(body, body_tokens),
        analysis.nfkc(doc.title),
        analysis.nfkc(doc.body),
        mlt,
        {name: doc.facet(name) for name in FACET_FIELDS},
        suggest,
    )


def _pre_tokenized(field: tuple[str, list[str], bytes]) -> tantivy.PreTokenizedString:
    text, words, packed = field
    offsets = array("i")
    offsets.frombytes(packed)
    bounds = iter(offsets)
    return tantivy.PreTokenizedString(
        text,
        [
            tantivy.Token(word, i, start, end)
            for i, (word, start, end) in enumerate(zip(words, bounds, bounds, strict=True))
        ],
    )


def _document(prepared: tuple) -> tantivy.Document:
    (
        doc_id,
        version,
        published,
        kind,
        title_ja,
        summary_ja,
        body_ja,
        title,
        body,
        mlt,
        facets,
        suggest,
    ) = prepared
    d = tantivy.Document()
    d.add_unsigned("id", doc_id)
    d.add_integer("version", version)
    d.add_integer("published", published)
    d.add_text("kind", kind)
    d.add_pre_tokenized_text("title_ja", _pre_tokenized(title_ja))
    d.add_pre_tokenized_text("summary_ja", _pre_tokenized(summary_ja))
    d.add_pre_tokenized_text("body_ja", _pre_tokenized(body_ja))
    # Stored for snippets in its own case; the bigram tokenizer lower-cases what it indexes.
    d.add_text("title", title)
    d.add_text("body", body)
    d.add_text("mlt", mlt)
    for name in FACET_FIELDS:
        codes = facets[name]
        for code in codes:
            d.add_text(name, code)
        if name in SET_FIELDS and codes:
            d.add_text(SET_FIELDS[name], " ".join(sorted(set(codes))))
    for key, reading, phrase in suggest:
        d.add_text("suggest", f"{key}{SUGGEST_SEP}{phrase}")
        d.add_text("suggest", f"{reading}{SUGGEST_SEP}{phrase}")
    return d


def to_tantivy(doc: SearchDocument) -> tantivy.Document:
    return _document(prepare(doc))


class EmbeddedBackend:
    """tantivy + SudachiPy, no server."""

    name = "embedded"

    def __init__(self, root: Path | str):
        self.root = Path(root)
        self._lock = threading.Lock()
        self._reader: tantivy.Index | None = None
        self._reader_target: str | None = None
        # The searcher of the last reload and the meta.json it saw (see _searcher).
        self._searcher_meta: bytes | None = None
        self._cached_searcher: tantivy.Searcher | None = None

    # --- files and generations -------------------------------------------------------------
    @property
    def current(self) -> Path:
        return self.root / "current"

    def _new_build(self) -> Path:
        path = self.root / "builds" / f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
        path.mkdir(parents=True)
        (path / "SCHEMA_VERSION").write_text(SCHEMA_VERSION)
        return path

    def _swap(self, build: Path) -> None:
        tmp = self.root / f".current-{uuid.uuid4().hex}"
        os.symlink(build.relative_to(self.root), tmp)
        os.replace(tmp, self.current)  # atomic on POSIX
        for old in sorted((self.root / "builds").iterdir())[:-2]:
            if old.resolve() != build.resolve():
                shutil.rmtree(old, ignore_errors=True)

    def _index_at_current(self, *, create: bool) -> tantivy.Index:
        if not self.current.exists():
            if not create:
                raise SearchUnavailable("検索インデックスがまだ作成されていません")
            self.root.mkdir(parents=True, exist_ok=True)
            self._swap(self._new_build())
        if (self.current / "SCHEMA_VERSION").read_text() != SCHEMA_VERSION:
            raise SearchUnavailable("検索インデックスの形式が古いため再構築が必要です")
        return _prepare(tantivy.Index(SCHEMA, path=str(self.current.resolve())))

    def _searcher(self) -> tantivy.Searcher:
        try:
            target = os.readlink(self.current)
        except OSError as exc:
            raise SearchUnavailable("検索インデックスがまだ作成されていません") from exc
        try:
            # Every commit rewrites meta.json (its segments and opstamp): while its bytes are
            # those of the last reload, the index is unchanged and that searcher still answers.
            # Comparing them costs a small read instead of a reload and a new searcher per call.
            meta = (self.current / "meta.json").read_bytes()
        except OSError:
            meta = None
        with self._lock:
            if target != self._reader_target:
                try:
                    self._reader = self._index_at_current(create=False)
                except ValueError as exc:
                    raise SearchUnavailable(f"検索インデックスを開けません: {exc}") from exc
                self._reader_target = target
                self._cached_searcher = None
            if meta is None or meta != self._searcher_meta or self._cached_searcher is None:
                self._reader.reload()
                self._cached_searcher = self._reader.searcher()
                self._searcher_meta = meta
            return self._cached_searcher

    def _writer(self, index: tantivy.Index) -> tantivy.IndexWriter:
        try:
            return index.writer(heap_size=50_000_000, num_threads=1)
        except ValueError as exc:  # LockBusy: another process is writing
            raise SearchUnavailable(f"検索インデックスは別のプロセスが更新中です: {exc}") from exc

    # --- writing -------------------------------------------------------------------------------
    def index(self, docs: Iterable[SearchDocument]) -> None:
        self._write(docs, ())

    def delete(self, ids: Iterable[int]) -> None:
        self._write((), ids)

    def apply(self, docs: Iterable[SearchDocument], delete_ids: Iterable[int]) -> None:
        """Upserts and deletions in one commit."""
        self._write(docs, delete_ids)

    def _write(self, docs: Iterable[SearchDocument], delete_ids: Iterable[int]) -> None:
        index = self._index_at_current(create=True)
        writer = self._writer(index)
        try:
            # By query: a term built from a Python int is not the u64 term of the id field.
            for doc_id in delete_ids:
                writer.delete_documents_by_query(Query.term_query(SCHEMA, "id", doc_id))
            for doc in docs:
                writer.delete_documents_by_query(Query.term_query(SCHEMA, "id", doc.id))
                writer.add_document(to_tantivy(doc))
            writer.commit()
        except BaseException:
            writer.rollback()
            raise
        finally:
            del writer  # releases the lock file

    # A rebuild's writer: tantivy indexes in a thread of its own while Python feeds it, with
    # a heap large enough for few segments. One thread: with two, the documents land in the
    # segments in an order that varies from run to run, and so does the order of equal scores.
    REBUILD_HEAP = 256_000_000

    prepare = staticmethod(prepare)  # SearchDocument -> plain data; run in worker processes

    def rebuild(
        self, docs: Iterable[SearchDocument] | Iterable[tuple], *, progress=None, prepared=False
    ) -> int:
        """Build a new generation beside the live one, then swap; returns the document count.

        `docs` are SearchDocuments, or with `prepared` what self.prepare made of them (in
        worker processes: search.documents.prepared_documents).
        """
        build = self._new_build()
        index = _prepare(tantivy.Index(SCHEMA, path=str(build)))
        try:
            writer = index.writer(heap_size=self.REBUILD_HEAP, num_threads=1)
        except ValueError as exc:
            shutil.rmtree(build, ignore_errors=True)
            raise SearchUnavailable(f"検索インデックスを作成できません: {exc}") from exc
        count = 0
        try:
            for doc in docs:
                writer.add_document(_document(doc) if prepared else to_tantivy(doc))
                count += 1
                if progress:
                    progress()
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            shutil.rmtree(build, ignore_errors=True)
            raise
        self.root.mkdir(parents=True, exist_ok=True)
        self._swap(build)
        return count

    # --- reading -------------------------------------------------------------------------------
    def versions(self) -> Mapping[int, int]:
        searcher = self._searcher()
        if searcher.num_docs == 0:
            return {}
        hits = searcher.search(Query.all_query(), limit=searcher.num_docs, count=False).hits
        addresses = [address for _, address in hits]
        ids = searcher.fast_field_values("id", addresses)
        versions = searcher.fast_field_values("version", addresses)
        return dict(zip(ids, versions, strict=True))

    def search(self, request: SearchRequest) -> SearchResponse:
        searcher = self._searcher()
        # Analysed once (Sudachi and the synonyms): the search, the highlights and the facets.
        parsed = (
            analysis.parse_query(
                request.text,
                request.synonyms,
                dictionary_synonyms=request.dictionary_synonyms,
            )
            if analysis.split_query(request.text)
            else None
        )
        text_query, highlight_terms, relaxed = self._text_query(
            parsed, request.expansion, finds=request.expansion_finds
        )
        kind = (Occur.Must, _any_of("kind", request.kinds))
        base = [kind] if text_query is None else [kind, (Occur.Must, text_query)]
        filters = {name: list(values) for name, values in request.filters.items() if values}
        boosts = _boosts(request.boosts)
        query = self._with_filters(base + boosts, filters)
        facets = None
        if request.facets and relaxed is None:
            # The page is searched in a helper thread while the facets are counted here: tantivy
            # lets go of the GIL while it searches, so one request's two passes over the index
            # take about the time of the longer one (docs/search.md: a little more CPU).
            page = _helper().submit(self._page, searcher, query, request, text_query)
            facets = self._facets_of(
                searcher, parsed, request, base, filters, total=lambda: page.result().count
            )
            result = page.result()
        else:
            result = self._page(searcher, query, request, text_query)
        if relaxed is not None and result.count == 0:
            # Only now: counting the strict query separately would cost a second full pass.
            base = [kind, (Occur.Must, relaxed)]
            parsed = parsed.relaxed()
            query = self._with_filters(base + boosts, filters)
            result = self._page(searcher, query, request, text_query)
        addresses = [address for _, address in result.hits]
        ids = searcher.fast_field_values("id", addresses) if addresses else []
        stored = [searcher.doc(a) for a in addresses]  # read once: kind here, body for snippets
        kinds = [d.get_first("kind") for d in stored]
        snippets = (
            self._snippets(searcher, stored, highlight_terms)
            if request.highlight and highlight_terms
            else [()] * len(stored)
        )
        hits = [
            Hit(
                id=int(i),
                kind=k,
                score=float(score),
                # tantivy's marks (see _snippet), those that hold a whole term (as elastic's).
                highlights=tuple(analysis.whole_marks(h, highlight_terms) for h in s),
            )
            for (score, _), i, k, s in zip(result.hits, ids, kinds, snippets, strict=True)
        ]
        if request.facets and facets is None:
            facets = self._facets_of(
                searcher, parsed, request, base, filters, total=lambda: result.count
            )
        return SearchResponse(total=result.count, hits=hits, facets=facets or {}, backend=self.name)

    def _facets_of(
        self, searcher, parsed, request: SearchRequest, base, filters, *, total: Callable[[], int]
    ) -> dict[str, list[FacetCount]]:
        """The facet counts of the search; `total()` gives the number it found (it may wait for
        the page), read only to check the lighter queries of _matching against it."""
        feedback, finds = request.expansion, request.expansion_finds
        matching = _matching(parsed, feedback=feedback, finds=finds) if parsed else None
        # Lighter still, and exact only where the count can tell: without filters.
        surface = (
            _matching(parsed, surface=True, feedback=feedback, finds=finds)
            if matching and not filters
            else None
        )
        return self._facets(
            searcher, base, filters, matching=matching, surface=surface, total=total
        )

    @staticmethod
    def _page(searcher, query: Query, request: SearchRequest, text_query) -> tantivy.SearchResult:
        # tantivy allocates room for offset + limit hits before it searches, and a failed
        # allocation aborts the process: never more than MAX_RESULT_WINDOW, whoever the caller.
        request = request.within_window()
        offset = request.offset
        if request.sort == "relevance" and text_query is not None:
            return searcher.search(query, limit=request.page_size, offset=offset)
        order = tantivy.Order.Asc if request.sort == "published" else tantivy.Order.Desc
        return searcher.search(
            query,
            limit=request.page_size,
            offset=offset,
            order_by_field="published",
            order=order,
        )

    def _with_filters(
        self, base, filters: Mapping[str, list[str]], skip: str | None = None
    ) -> Query:
        clauses = list(base)
        for name, values in filters.items():
            if name != skip:
                clauses.append((Occur.Must, _any_of(name, values)))
        return Query.boolean_query(clauses)

    def _facets(
        self, searcher, base, filters, *, matching=None, surface=None, total=None
    ) -> dict[str, list[FacetCount]]:
        """Each facet counted under every filter but its own, so a multi-select keeps its counts.

        One aggregation pass over the unfiltered query serves all facets: the filter combinations
        become filter sub-aggregations, so the text query, the costly part, is evaluated once
        however many filters are set. `matching` (see _matching) finds the documents of the text
        query for less. As a guard against it drifting from _text_query, it is used only if it
        counts the number the search found, `total()` (with filters, only the filtered ones can
        be compared; tests/search/test_embedded_facets.py compares the rest).

        `surface` (_matching(..., surface=True)), tried first when there are no filters, may miss
        some of the documents; it finds no other ones, so when it counts `total` it found exactly
        the search's documents. When it counts fewer, `matching` counts them instead.
        """
        attempts = [(base, True, None, True), (base, False, None, True)]
        if matching is not None:
            attempts.insert(0, ([base[0], (Occur.Must, matching)], True, total, True))
        if surface is not None and not filters:
            attempts.insert(0, ([base[0], (Occur.Must, surface)], True, total, False))
        for clauses, combined, expected, warn in attempts:
            counts = self._facet_counts(searcher, clauses, filters, combined, expected, warn=warn)
            if counts is not None:
                break
        return {
            name: [
                FacetCount(value, count, value in filters.get(name, ()))
                for value, count in counts[name]
            ]
            for name in FACET_FIELDS
        }

    def _facet_counts(
        self,
        searcher,
        base,
        filters,
        combined: bool,
        expected: Callable[[], int] | None,
        *,
        warn: bool = True,
    ):
        """facet -> [(value, count)] by count; None if the combinations did not all fit, or if
        the documents under all filters are not the `expected()` number (or cannot be counted;
        logged with `warn`: a query that should have found them all did not)."""

        def terms(name: str) -> dict:
            if combined and name in SET_FIELDS:
                return {"terms": {"field": SET_FIELDS[name], "size": SET_BUCKETS}}
            return {"terms": {"field": name, "size": 200}}

        # Facets that share the filters they are counted under share one (sub-)aggregation.
        groups = {None: [n for n in FACET_FIELDS if n not in filters]}
        groups.update({name: [name] for name in filters})
        spec, separate = {}, []
        if expected is not None:
            spec["matched"] = {"value_count": {"field": "id"}}  # every document has one id
        for skip, names in groups.items():
            if not names:
                continue
            aggs = {name: terms(name) for name in names}
            others = {n: v for n, v in filters.items() if n != skip}
            if not others:
                spec.update(aggs)
            elif (where := _where(others)) is not None:
                spec[f"filtered-{skip}"] = {"filter": where, "aggs": aggs}
            else:
                separate.append((self._with_filters(base, filters, skip=skip), aggs))
        if expected is not None and filters:
            if (where := _where(filters)) is None:
                return None
            spec["matched"] = {"filter": where}
        results = {}
        for query, aggs in [(Query.boolean_query(list(base)), spec), *separate]:
            for key, value in (searcher.aggregate(query, aggs) if aggs else {}).items():
                if key == "matched":
                    if value.get("doc_count", value.get("value")) != expected():
                        if warn:
                            logger.warning("facets: the lighter query found other documents")
                        return None
                elif key.startswith("filtered-"):
                    results.update((n, r) for n, r in value.items() if n in FACET_FIELDS)
                else:
                    results[key] = value
        counts = {}
        for name, result in results.items():
            if not (combined and name in SET_FIELDS):
                counts[name] = [(b["key"], b["doc_count"]) for b in result["buckets"]]
                continue
            if result.get("sum_other_doc_count"):
                return None
            per_value: dict[str, int] = {}
            for bucket in result["buckets"]:
                for value in bucket["key"].split(" "):
                    per_value[value] = per_value.get(value, 0) + bucket["doc_count"]
            counts[name] = sorted(per_value.items(), key=lambda item: (-item[1], item[0]))
        return counts

    # --- query building ------------------------------------------------------------------------
    def _text_query(
        self,
        parsed: analysis.ParsedQuery | None,
        feedback: Sequence[tuple[str, float]] = (),
        *,
        finds: bool = True,
    ) -> tuple[Query | None, list[str], Query | None]:
        """(query, words to highlight, relaxed query for when the query finds nothing);
        `parsed` is None for a query without words. Only a query with a quoted phrase (which
        must match) can find nothing while one of its words occurs: its relaxed form drops that
        requirement. `feedback`: the words of SearchRequest.expansion (not highlighted)."""
        if parsed is None:
            return None, [], None
        if not parsed.units:
            return Query.empty_query(), [], None
        relaxed = _query(parsed.relaxed(), feedback, finds) if parsed.relaxable else None
        return _query(parsed, feedback, finds), parsed.highlight_terms(), relaxed

    def _snippets(self, searcher, stored, terms: list[str]) -> list[tuple[str, ...]]:
        grams = sorted({g for t in terms for g in analysis.bigrams(t)})
        if not grams:
            return [()] * len(stored)
        # What tantivy's SnippetGenerator weighs each term by: 1 / (1 + its document frequency),
        # in 32-bit floats; a term the index does not have is not highlighted. Only two-character
        # grams: the bigram tokenizer makes no other token.
        weights = {}
        for gram in grams:
            frequency = searcher.doc_freq("body", gram)
            if len(gram) == 2 and frequency > 0:
                weights[gram] = _f32(1.0 / (1.0 + frequency))
        generator = None
        out = []
        for document in stored:
            text = " ".join(document.get_all("body"))  # as snippet_from_doc joins the values
            snippet = _snippet(text, weights) if weights else ("", [])
            if snippet is None:  # a text whose lower case tantivy and Python differ on
                if generator is None:
                    query = Query.boolean_query(
                        [(Occur.Should, Query.term_query(SCHEMA, "body", g)) for g in grams]
                    )
                    generator = tantivy.SnippetGenerator.create(searcher, query, SCHEMA, "body")
                    generator.set_max_num_chars(SNIPPET_BYTES)
                found = generator.snippet_from_doc(tantivy.Document(body=[text]))
                snippet = found.fragment(), found.highlighted()
            fragment, ranges = snippet
            out.append((_marked(fragment, ranges),) if fragment else ())
        return out

    def more_like_this(self, doc_id: int, *, limit: int = 3) -> Sequence[Hit]:
        searcher = self._searcher()
        source = searcher.search(Query.term_query(SCHEMA, "id", doc_id), limit=1, count=False).hits
        if not source:
            return []
        document = searcher.doc(source[0][1])
        like = Query.more_like_this_document_fields_query(
            SCHEMA,
            {"mlt": [document.get_first("mlt") or ""]},
            min_doc_frequency=2,
            min_term_frequency=2,
            max_query_terms=30,
            min_word_length=2,
        )
        query = Query.boolean_query(
            [
                (Occur.Must, like),
                (Occur.Must, Query.term_query(SCHEMA, "kind", document.get_first("kind"))),
                (Occur.MustNot, Query.term_query(SCHEMA, "id", doc_id)),
            ]
        )
        result = searcher.search(query, limit=limit, count=False)
        addresses = [a for _, a in result.hits]
        ids = searcher.fast_field_values("id", addresses) if addresses else []
        return [
            Hit(id=int(i), kind=document.get_first("kind"), score=float(s))
            for (s, _), i in zip(result.hits, ids, strict=True)
        ]

    def word_statistics(self, ids: Sequence[int]) -> WordStatistics:
        """The content words of each document (its stored `mlt` field, in the order of `ids`;
        a document not in the index is left out) and the index's document frequencies."""
        searcher = self._searcher()
        documents = []
        for doc_id in ids:
            query = Query.term_query(SCHEMA, "id", doc_id)
            found = searcher.search(query, limit=1, count=False).hits
            if found:
                words = (searcher.doc(found[0][1]).get_first("mlt") or "").split()
                documents.append(Counter(words))
        return WordStatistics(
            tuple(documents), lambda word: searcher.doc_freq("mlt", word), searcher.num_docs
        )

    def suggest(self, prefix: str, *, limit: int = 8) -> Sequence[Suggestion]:
        prefix = analysis.to_katakana(analysis.normalise(prefix.strip()))
        if not prefix:
            return []
        searcher = self._searcher()
        seen: dict[str, int] = {}
        for term, count in searcher.terms_with_prefix("suggest", prefix, limit=limit * 4):
            phrase = term.split(SUGGEST_SEP, 1)[-1]
            seen[phrase] = max(seen.get(phrase, 0), count)
        ranked = sorted(seen.items(), key=lambda item: (-item[1], len(item[0])))
        return [Suggestion(text, count) for text, count in ranked[:limit]]


_helpers: dict[int, ThreadPoolExecutor] = {}
_helpers_lock = threading.Lock()


def _helper() -> ThreadPoolExecutor:
    """This process's threads for a search's second pass over the index (one per core). Made
    on first use in each process: a pool made before a fork has no threads in the child."""
    pid = os.getpid()
    with _helpers_lock:
        if pid not in _helpers:
            _helpers.clear()
            _helpers[pid] = ThreadPoolExecutor(os.cpu_count() or 1, "search-helper")
        return _helpers[pid]


def _any_of(field: str, values: Sequence[str]) -> Query:
    """The documents with one of `values` in `field` (a raw, untokenized field), each scored
    1.0: what Query.term_set_query finds and scores, for less.

    tantivy evaluates a term set by marking every matching document of the index in a bitset
    before the search starts, whatever the rest of the query leaves: a fixed cost that grows
    with the index (measured at 10,000 cases, about 0.2 ms per search or facet count for the
    kind alone). Term queries are read lazily, as the intersection advances; the constant
    score keeps each document's total score, and so the order of the results, as it was."""
    terms = [Query.term_query(SCHEMA, field, value) for value in dict.fromkeys(values)]
    either = (
        terms[0] if len(terms) == 1 else Query.boolean_query([(Occur.Should, t) for t in terms])
    )
    return Query.const_score_query(either, 1.0)


def _boosts(boosts: Mapping[str, Sequence[str]]) -> list:
    """A should clause per boosted facet: FACET_BOOST for a document with one of its values
    (the same as elastic._boosts)."""
    return [
        (
            Occur.Should,
            Query.const_score_query(_any_of(name, codes), FACET_BOOST),
        )
        for name, codes in boosts.items()
        if codes
    ]


def _sequence(field: str, tokens: list[str]) -> Query:
    if len(tokens) == 1:
        return Query.term_query(SCHEMA, field, tokens[0])
    return Query.phrase_query(SCHEMA, field, tokens)


def _feedback(words: Sequence[tuple[str, float]], minimum: int = 0) -> Query:
    """The feedback words (search/feedback.py) in the content words of the title and body, each
    weighted; with `minimum`, a document must have that many of them."""
    terms = [
        (Occur.Should, Query.boost_query(Query.term_query(SCHEMA, "mlt", word), weight))
        for word, weight in words
    ]
    return Query.boolean_query(terms, minimum) if minimum else Query.boolean_query(terms)


def _query(
    parsed: analysis.ParsedQuery, feedback: Sequence[tuple[str, float]] = (), finds: bool = True
) -> Query:
    """Every unit counts (OR); coverage, all the words and their order add to the score.

    The same structure as elastic._query (docs/search.md, "One query model"). `feedback` words
    (SearchRequest.expansion) add their score times analysis.FEEDBACK_WEIGHT, and find a
    document with none of the units that has analysis.FEEDBACK_MATCH of them.
    """
    units = [_unit_query(unit) for unit in parsed.units]
    any_unit = (
        units[0] if len(units) == 1 else Query.boolean_query([(Occur.Should, q) for q in units])
    )
    found = any_unit
    if _finds(feedback, finds):
        alone = Query.const_score_query(_feedback(feedback, analysis.FEEDBACK_MATCH), 0.0)
        found = Query.boolean_query([(Occur.Should, any_unit), (Occur.Should, alone)])
    clauses = [(Occur.Must, found)]
    if feedback:
        clauses.append(
            (Occur.Should, Query.boost_query(_feedback(feedback), analysis.FEEDBACK_WEIGHT))
        )
    # A quoted phrase must match; it filters, its score is already in any_unit.
    clauses += [
        (Occur.Must, Query.const_score_query(_unit_query(unit.exact), 0.0))
        for unit in parsed.units
        if unit.required
    ]
    counted = [_unit_query(u) for u in parsed.counted_units] if parsed.sentence else units
    if parsed.coverage:
        most = Query.boolean_query([(Occur.Should, q) for q in counted], parsed.coverage)
        clauses.append((Occur.Should, Query.boost_query(most, analysis.COVERAGE_BOOST)))
    if parsed.coverage and parsed.coverage < len(units):
        every = Query.boolean_query([(Occur.Must, q) for q in counted])
        clauses.append((Occur.Should, Query.boost_query(every, analysis.ALL_WORDS_BOOST)))
    if parsed.phrase:
        near = [
            Query.boost_query(
                Query.phrase_query(SCHEMA, field, list(parsed.phrase), analysis.PHRASE_SLOP), boost
            )
            for field, boost in _WORD_FIELDS
        ]
        clauses.append(
            (
                Occur.Should,
                Query.boost_query(
                    Query.disjunction_max_query(near, analysis.TIE_BREAKER), analysis.PHRASE_BOOST
                ),
            )
        )
    if len(clauses) == 1:
        return any_unit
    return Query.boolean_query(clauses)


def _finds(feedback: Sequence[tuple[str, float]], finds: bool = True) -> bool:
    """Whether the feedback words find documents alone: FEEDBACK_MATCH of them (0: never;
    SearchRequest.expansion_finds False: they only reorder)."""
    return finds and 0 < analysis.FEEDBACK_MATCH <= len(feedback)


_WORD_FIELDS = (
    ("title_ja", analysis.TITLE_BOOST),
    ("summary_ja", analysis.SUMMARY_BOOST),
    ("body_ja", analysis.BODY_BOOST),
)
_GRAM_FIELDS = (("title", analysis.TITLE_GRAMS_BOOST), ("body", analysis.BODY_GRAMS_BOOST))


def _unit_query(unit: analysis.Unit) -> Query:
    """Any spelling of the unit as a phrase in the title or body, or failing that, loosely, plus
    each of its parts alone."""
    clauses = []
    for spelling in unit.spellings:
        for field, boost in _WORD_FIELDS:
            phrase = _sequence(field, list(spelling.words))
            clauses.append(Query.boost_query(phrase, spelling.boost(boost)))
        grams = analysis.bigrams(spelling.text)
        for field, boost in _GRAM_FIELDS if grams else ():
            every_gram = Query.boolean_query(
                [(Occur.Must, Query.term_query(SCHEMA, field, g)) for g in grams]
            )
            # Per gram: a long word has many grams, and their sum would outweigh a real match.
            clauses.append(Query.boost_query(every_gram, spelling.boost(boost / len(grams))))
    for field, boost in _WORD_FIELDS if unit.loose else ():
        every_word = Query.boolean_query(
            [(Occur.Must, Query.term_query(SCHEMA, field, w)) for w in unit.loose]
        )
        clauses.append(Query.boost_query(every_word, boost * analysis.LOOSE_FACTOR))
    best = Query.disjunction_max_query(clauses, analysis.TIE_BREAKER)
    if not unit.parts:
        return best
    # Each part of a compound alone, summed, and again for most of them: a document with more
    # of them ranks higher.
    each = [
        Query.disjunction_max_query(
            [
                Query.boost_query(_sequence(field, list(part.words)), boost)
                for field, boost in _WORD_FIELDS
            ],
            analysis.TIE_BREAKER,
        )
        for part in unit.parts
    ]
    clauses = [(Occur.Should, q) for q in each]
    if unit.part_coverage:
        most = Query.boolean_query([(Occur.Should, q) for q in each], unit.part_coverage)
        clauses.append((Occur.Should, Query.boost_query(most, analysis.COVERAGE_BOOST)))
    parts = Query.boolean_query(clauses)
    return Query.boolean_query(
        [(Occur.Should, best), (Occur.Should, Query.boost_query(parts, analysis.PART_FACTOR))]
    )


def _matching(
    parsed: analysis.ParsedQuery,
    *,
    surface: bool = False,
    feedback: Sequence[tuple[str, float]] = (),
    finds: bool = True,
) -> Query:
    """The documents _query(parsed) finds, found for less.

    For counting facets, where scores do not matter. A clause that needs a word which is a part
    of the unit on its own (a phrase of a spelling, the loose words) can only match where that
    part matches, so it adds no document and is left out: those phrases are the costliest
    clauses to evaluate (the positions of frequent words such as 化). _facets checks the count
    against the search's.

    With `surface`, a spelling is looked for as written only (its character bigrams in the title
    and body), not also as Sudachi's words: a page that has the words has the text too, unless
    Sudachi normalised a variant spelling (ヴァイオリン read as バイオリン). Only clauses are left
    out, so this finds a subset of the documents, all of them when it counts as many as the
    search. For ロカベン (its synonym ローカルベンチマーク is in most benchmark pages: the phrase of
    frequent words is the dear part) it counted in 0.6 ms instead of 1.6 at 10,000 cases, in
    about a quarter of the time at 100,000 (CPU, benchmarks/http_load.py's database).
    """

    def unit_matching(unit: analysis.Unit) -> Query:
        parts_alone = {part.words[0] for part in unit.parts if len(part.words) == 1}
        alone = parts_alone | ({unit.loose[0]} if len(unit.loose) == 1 else set())
        clauses = []
        for spelling in unit.spellings:
            grams = analysis.bigrams(spelling.text)
            # A one-character word has no bigram: the index has no term for it alone.
            as_written = surface and grams and all(len(g) == 2 for g in grams)
            if not alone & set(spelling.words) and not as_written:
                clauses += [_sequence(field, list(spelling.words)) for field, _ in _WORD_FIELDS]
            for field, _ in _GRAM_FIELDS if grams else ():
                clauses.append(
                    Query.boolean_query(
                        [(Occur.Must, Query.term_query(SCHEMA, field, g)) for g in grams]
                    )
                )
        for field, _ in _WORD_FIELDS if unit.loose and not parts_alone & set(unit.loose) else ():
            clauses.append(
                Query.boolean_query(
                    [(Occur.Must, Query.term_query(SCHEMA, field, w)) for w in unit.loose]
                )
            )
        for part in unit.parts:
            if len(part.words) == 1 or not parts_alone & set(part.words):
                clauses += [_sequence(field, list(part.words)) for field, _ in _WORD_FIELDS]
        return Query.boolean_query([(Occur.Should, q) for q in clauses])

    units = [unit_matching(unit) for unit in parsed.units]
    if _finds(feedback, finds):
        units.append(_feedback(feedback, analysis.FEEDBACK_MATCH))  # as _query finds them
    clauses = [(Occur.Must, Query.boolean_query([(Occur.Should, q) for q in units]))]
    clauses += [(Occur.Must, unit_matching(unit.exact)) for unit in parsed.units if unit.required]
    return Query.boolean_query(clauses)


def _where(filters: Mapping[str, Sequence[str]]) -> str | None:
    """The filters as a query string for a filter aggregation, or None if a code cannot be one."""
    if not all(_FILTER_CODE.fullmatch(v) for values in filters.values() for v in values):
        return None
    return " AND ".join(
        "(" + " OR ".join(f'{name}:"{value}"' for value in values) + ")"
        for name, values in filters.items()
    )


class _Span(NamedTuple):
    start: int  # byte offsets, as tantivy's Snippet.highlighted() gives them
    end: int


def _f32(value: float) -> float:
    """`value` rounded to a 32-bit float (tantivy's Score): sums and quotients of 32-bit floats
    computed in 64 bits and rounded once give the 32-bit result."""
    return unpack("f", pack("f", value))[0]


def _next_char(raw: bytes, offset: int) -> int:
    """The first character boundary of UTF-8 `raw` at or after `offset` (or its end)."""
    while offset < len(raw) and raw[offset] & 0xC0 == 0x80:
        offset += 1
    return min(offset, len(raw))


def _previous_char(raw: bytes, offset: int) -> int:
    """The boundary of the character that ends at `offset`."""
    offset -= 1
    while offset > 0 and raw[offset] & 0xC0 == 0x80:
        offset -= 1
    return offset


def _snippet(text: str, weights: Mapping[str, float]) -> tuple[str, list[_Span]] | None:
    """What tantivy's SnippetGenerator.snippet_from_doc gives for the body field (its bigram
    tokenizer, SNIPPET_BYTES), found with str.find instead of a token per character: the
    fragment and its highlighted byte ranges; None where Python's lower case could differ
    from tantivy's (a character whose lower case is longer, a capital sigma).

    tantivy cuts the text into consecutive fragments: one starts at the token (two characters)
    whose end would take the fragment past SNIPPET_BYTES bytes, and ends where its last token
    ends. A fragment scores the sum of the weights of its tokens that are terms (in token
    order, 32-bit floats); the best scoring one wins, the first of equals. Cheaper here: the
    boundaries take a few byte steps each, the terms are found by str.find, and only fragments
    with a term are scored. tests/search/test_snippets.py compares it with tantivy.
    """
    lower = text.lower()
    if len(lower) != len(text) or "Σ" in text:
        return None
    found = []  # (character offset, term): every token that is a term, overlaps included
    for term in weights:
        at = lower.find(term)
        while at >= 0:
            found.append((at, term))
            at = lower.find(term, at + 1)
    if not found:
        return "", []
    found.sort()
    raw = text.encode()
    # Fragment starts (byte offsets), up to the one that holds the last term.
    starts, stops = [0], []
    last_byte = len(text[: found[-1][0]].encode())
    while starts[-1] + SNIPPET_BYTES < len(raw) and starts[-1] <= last_byte:
        overflow = _next_char(raw, starts[-1] + SNIPPET_BYTES + 1)  # the token's end
        stops.append(_previous_char(raw, overflow))  # the previous token's end
        starts.append(_previous_char(raw, stops[-1]))  # the token's start
    stops.append(len(raw))
    scores: dict[int, float] = {}
    spans: dict[int, list[_Span]] = {}
    chars, offset = 0, 0
    for at, term in found:
        offset += len(text[chars:at].encode())
        chars = at
        end = offset + len(text[at : at + 2].encode())  # the token as written
        fragment = bisect_right(starts, offset) - 1
        scores[fragment] = _f32(scores.get(fragment, 0.0) + weights[term])
        spans.setdefault(fragment, []).append(_Span(offset, end))
    best = min(scores, key=lambda f: (-scores[f], f))
    start = starts[best]
    fragment_text = raw[start : stops[best]].decode()
    return fragment_text, [_Span(s.start - start, s.end - start) for s in spans[best]]


def _marked(fragment: str, ranges) -> str:
    """Escape a fragment and wrap its highlighted byte ranges in <mark>."""
    raw = fragment.encode()
    merged: list[list[int]] = []
    for r in sorted(ranges, key=lambda r: r.start):
        # Bigram hits overlap or touch (経営|デザ|イン); mark the whole run once.
        if merged and r.start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], r.end)
        else:
            merged.append([r.start, r.end])
    out, last = [], 0
    for start, end in merged:
        out.append(html.escape(raw[last:start].decode(errors="ignore")))
        out.append(f"<mark>{html.escape(raw[start:end].decode(errors='ignore'))}</mark>")
        last = end
    out.append(html.escape(raw[last:].decode(errors="ignore")))
    return "".join(out)
