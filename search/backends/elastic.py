"""The production backend: Elasticsearch with kuromoji behind ICU normalisation.

Analysis follows ../shared/notes/search.md §3: kuromoji search mode (compounds split, the
compound itself discarded), base forms, katakana stemming, NFKC case folding in front, a bigram
sub-field for recall, kana-aware completion. Synonyms are expanded at query time from the same
data the embedded backend uses, so both backends read one dictionary. Writes go to an alias; a
rebuild fills a new index and moves the alias in one request.
"""

import time
from collections.abc import Iterable, Mapping, Sequence

from elasticsearch import Elasticsearch, NotFoundError, helpers
from elasticsearch import TransportError as ESTransportError
from elasticsearch.dsl import A, Q, Search

from .. import analysis
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

SETTINGS = {
    "number_of_shards": 1,
    "analysis": {
        "char_filter": {"nfkc_cf": {"type": "icu_normalizer", "name": "nfkc_cf"}},
        "tokenizer": {
            "ja_search": {
                "type": "kuromoji_tokenizer",
                "mode": "search",
                "discard_compound_token": True,
            },
            "bigram": {
                "type": "ngram",
                "min_gram": 2,
                "max_gram": 2,
                "token_chars": ["letter", "digit"],
            },
        },
        "analyzer": {
            "ja": {
                "type": "custom",
                "char_filter": ["nfkc_cf"],
                "tokenizer": "ja_search",
                "filter": [
                    "kuromoji_baseform",
                    "kuromoji_part_of_speech",
                    "cjk_width",
                    "ja_stop",
                    "kuromoji_stemmer",
                    "lowercase",
                ],
            },
            "ja_bigram": {
                "type": "custom",
                "char_filter": ["nfkc_cf"],
                "tokenizer": "bigram",
                "filter": ["lowercase"],
            },
            "ja_completion_index": {"type": "kuromoji_completion", "mode": "index"},
            "ja_completion_query": {"type": "kuromoji_completion", "mode": "query"},
        },
    },
}
_TEXT = {
    "type": "text",
    "analyzer": "ja",
    "term_vector": "with_positions_offsets",
    "fields": {
        "ngram": {"type": "text", "analyzer": "ja_bigram", "term_vector": "with_positions_offsets"}
    },
}
MAPPINGS = {
    "dynamic": "strict",
    "properties": {
        "id": {"type": "long"},
        "version": {"type": "long"},
        "published": {"type": "long"},
        "kind": {"type": "keyword"},
        "title": _TEXT,
        "summary": {"type": "text", "analyzer": "ja"},
        "body": _TEXT,
        "suggest": {
            "type": "completion",
            "analyzer": "ja_completion_index",
            "search_analyzer": "ja_completion_query",
        },
        **{name: {"type": "keyword"} for name in FACET_FIELDS},
    },
}


WRITE_TIMEOUT = 60.0


class ElasticsearchBackend:
    """Elasticsearch through elasticsearch.dsl (kuromoji + ICU plugins required)."""

    name = "elasticsearch"

    def __init__(self, url: str, index: str = "banso-cases", timeout: float = 2.0):
        # Short and not retried on timeout: a search waits at most `timeout` for a hung server
        # before the site answers from the database (service.CircuitBreaker then stops asking).
        self.client = Elasticsearch(
            url, request_timeout=timeout, max_retries=1, retry_on_timeout=False
        )
        # Bulk writes, index creation and scans run in the indexer, not in a request: they may
        # take their time.
        self.writes = self.client.options(request_timeout=WRITE_TIMEOUT)
        self.alias = index

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (ESTransportError, ConnectionError) as exc:
            raise SearchUnavailable(f"Elasticsearch に接続できません: {exc}") from exc

    # --- writing ---------------------------------------------------------------------------
    @staticmethod
    def _source(doc: SearchDocument) -> dict:
        source = {
            "id": doc.id,
            "version": doc.version,
            "published": doc.published,
            "kind": doc.kind,
            "title": doc.title,
            "summary": doc.summary,
            "body": doc.body,
            "suggest": [{"input": [s]} for s in dict.fromkeys(doc.suggest)],
            "phase": list(doc.phase),
            "tool": list(doc.tool),
        }
        for name in ("industry", "region", "employees", "scale_phase"):
            if getattr(doc, name):
                source[name] = getattr(doc, name)
        return source

    def _ensure_alias(self) -> None:
        if not self._call(self.client.indices.exists_alias, name=self.alias):
            name = f"{self.alias}-{time.strftime('%Y%m%d%H%M%S')}"
            self._call(
                self.writes.indices.create,
                index=name,
                settings=SETTINGS,
                mappings=MAPPINGS,
                aliases={self.alias: {}},
            )

    def apply(self, docs: Iterable[SearchDocument], delete_ids: Iterable[int]) -> None:
        self._ensure_alias()
        actions = [{"_op_type": "delete", "_index": self.alias, "_id": i} for i in delete_ids]
        actions += [
            {"_op_type": "index", "_index": self.alias, "_id": d.id, "_source": self._source(d)}
            for d in docs
        ]
        if actions:
            self._call(helpers.bulk, self.writes, actions, refresh="wait_for", raise_on_error=False)

    def index(self, docs: Iterable[SearchDocument]) -> None:
        self.apply(docs, ())

    def delete(self, ids: Iterable[int]) -> None:
        self.apply((), ids)

    def rebuild(self, docs: Iterable[SearchDocument], *, progress=None) -> int:
        name = f"{self.alias}-{time.strftime('%Y%m%d%H%M%S')}-{time.monotonic_ns() % 10_000}"
        self._call(self.writes.indices.create, index=name, settings=SETTINGS, mappings=MAPPINGS)

        def actions():
            for doc in docs:
                if progress:
                    progress()
                yield {"_index": name, "_id": doc.id, "_source": self._source(doc)}

        count, _ = self._call(helpers.bulk, self.writes, actions(), refresh=True)
        try:
            old = list(self._call(self.client.indices.get_alias, name=self.alias))
        except NotFoundError:
            old = []
        moves = [{"remove": {"index": i, "alias": self.alias}} for i in old]
        self._call(
            self.writes.indices.update_aliases,
            actions=[*moves, {"add": {"index": name, "alias": self.alias}}],
        )
        for index in old:
            self._call(self.writes.indices.delete, index=index)
        return count

    def drop(self) -> None:
        try:
            for index in self.client.indices.get_alias(name=self.alias):
                self.client.indices.delete(index=index)
        except NotFoundError:
            pass

    def versions(self) -> Mapping[int, int]:
        hits = helpers.scan(self.writes, index=self.alias, _source=["id", "version"])
        return {h["_source"]["id"]: h["_source"]["version"] for h in self._call(list, hits)}

    # --- reading ---------------------------------------------------------------------------
    def text_query(self, request: SearchRequest, *, relaxed: bool = False):
        """Every whitespace term must match, as the embedded backend does (analysis.query_terms).

        With relaxed, half of all the words are enough: the retry when nothing matched.
        """
        if not analysis.split_query(request.text):
            return None
        terms = analysis.query_terms(request.text, request.synonyms)
        if relaxed:
            units = [_unit_query(unit) for term in terms for unit in term.units]
            return Q("bool", should=units, minimum_should_match=len(units) // 2)
        if not terms:
            return Q("match_none")
        return Q("bool", must=[_term_query(term) for term in terms])

    def relaxable(self, request: SearchRequest) -> bool:
        terms = analysis.query_terms(request.text, request.synonyms)
        return sum(len(term.units) for term in terms) > 1

    def build(self, request: SearchRequest, *, relaxed: bool = False) -> Search:
        search = Search(using=self.client, index=self.alias)
        text = self.text_query(request, relaxed=relaxed)
        search = search.query(
            Q(
                "bool",
                must=[text] if text else [Q("match_all")],
                filter=[Q("terms", kind=list(request.kinds))],
            )
        )
        filters = {n: list(v) for n, v in request.filters.items() if v}
        if filters:
            search = search.post_filter(
                Q("bool", filter=[Q("terms", **{n: v}) for n, v in filters.items()])
            )
        if request.facets:
            for name in FACET_FIELDS:
                others = [Q("terms", **{n: v}) for n, v in filters.items() if n != name]
                agg = (
                    A("filter", Q("bool", filter=others)) if others else A("filter", Q("match_all"))
                )
                agg.bucket("values", "terms", field=name, size=200)
                search.aggs.bucket(name, agg)
        if request.sort != "relevance" or text is None:
            search = search.sort(
                {"published": {"order": "asc" if request.sort == "published" else "desc"}}
            )
        if request.highlight and text is not None:
            search = search.highlight_options(
                encoder="html",
                pre_tags=["<mark>"],
                post_tags=["</mark>"],
                fragment_size=120,
                number_of_fragments=1,
                type="fvh",
            )
            search = search.highlight("body", matched_fields=["body", "body.ngram"])
        start = (request.page - 1) * request.page_size
        return search.extra(track_total_hits=True, _source=["id", "kind"])[
            start : start + request.page_size
        ]

    def search(self, request: SearchRequest) -> SearchResponse:
        result = self._call(self.build(request).execute)
        if result.hits.total.value == 0 and self.relaxable(request):
            result = self._call(self.build(request, relaxed=True).execute)
        hits = [
            Hit(
                id=h.id,
                kind=h.kind,
                score=h.meta.score or 0.0,
                highlights=tuple(getattr(getattr(h.meta, "highlight", None), "body", ()) or ()),
            )
            for h in result
        ]
        selected = {n: set(v) for n, v in request.filters.items()}
        facets = {}
        if request.facets:
            for name in FACET_FIELDS:
                buckets = result.aggregations[name]["values"]["buckets"]
                facets[name] = [
                    FacetCount(b["key"], b["doc_count"], b["key"] in selected.get(name, ()))
                    for b in buckets
                ]
        return SearchResponse(
            total=result.hits.total.value, hits=hits, facets=facets, backend=self.name
        )

    def more_like_this(self, doc_id: int, *, limit: int = 3) -> Sequence[Hit]:
        source = self._call(self.client.get, index=self.alias, id=doc_id)["_source"]
        search = (
            Search(using=self.client, index=self.alias)
            .query(
                Q(
                    "bool",
                    must=[
                        Q(
                            "more_like_this",
                            fields=["title", "body"],
                            like=[{"_index": self.alias, "_id": doc_id}],
                            min_term_freq=1,
                            min_doc_freq=2,
                            max_query_terms=25,
                        )
                    ],
                    filter=[Q("term", kind=source["kind"])],
                    must_not=[Q("ids", values=[str(doc_id)])],
                )
            )
            .extra(_source=["id", "kind"])[:limit]
        )
        return [Hit(id=h.id, kind=h.kind, score=h.meta.score) for h in self._call(search.execute)]

    def suggest(self, prefix: str, *, limit: int = 8) -> Sequence[Suggestion]:
        prefix = analysis.to_katakana(analysis.nfkc(prefix.strip()))
        if not prefix:
            return []
        body = {
            "suggest": {
                "s": {
                    "prefix": prefix,
                    "completion": {"field": "suggest", "size": limit, "skip_duplicates": True},
                }
            }
        }
        result = self._call(self.client.search, index=self.alias, body=body, _source=False)
        return [Suggestion(o["text"], 1) for o in result["suggest"]["s"][0]["options"]]


def _term_query(term: analysis.Term):
    units = [_unit_query(unit) for unit in term.units]
    if len(units) == 1:
        return units[0]
    if term.needed >= len(units):
        return Q("bool", must=units)
    return Q(
        "bool",
        must=[Q("bool", should=units, minimum_should_match=term.needed)],
        should=[Q("bool", must=units, boost=analysis.ALL_WORDS_BOOST)],
    )


_WORD_FIELDS = (
    ("title", analysis.TITLE_BOOST),
    ("summary", analysis.SUMMARY_BOOST),
    ("body", analysis.BODY_BOOST),
)
_GRAM_FIELDS = (
    ("title.ngram", analysis.TITLE_GRAMS_BOOST),
    ("body.ngram", analysis.BODY_GRAMS_BOOST),
)


def _unit_query(unit: analysis.Unit):
    """Any spelling of the unit as a phrase in the title or body, or failing that, loosely."""
    options = []
    for spelling in unit.spellings:
        for field, boost in _WORD_FIELDS:
            options.append(Q("match_phrase", **{field: {"query": spelling.text, "boost": boost}}))
        grams = analysis.bigrams(spelling.text)
        for field, boost in _GRAM_FIELDS if grams else ():
            # Per gram, as in the embedded backend: a phrase scores the sum of its grams.
            query = {"query": spelling.text, "boost": round(boost / len(grams), 4)}
            options.append(Q("match_phrase", **{field: query}))
    for field, boost in _WORD_FIELDS if unit.loose else ():
        query = {
            "query": " ".join(unit.loose),
            "operator": "and",
            "boost": boost * analysis.LOOSE_FACTOR,
        }
        options.append(Q("match", **{field: query}))
    return Q("dis_max", queries=options, tie_breaker=analysis.TIE_BREAKER)
