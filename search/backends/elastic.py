"""The production backend: Elasticsearch with kuromoji behind ICU normalisation.

Analysis (docs/search.md, "Elasticsearch"): kuromoji search mode (compounds split, the compound
itself discarded), base forms, katakana stemming, NFKC case folding in front, a bigram
sub-field for recall, kana-aware completion, and the Sudachi normalised forms the embedded
backend searches (the *_norm fields), so both backends find the same spelling variants. Synonyms
are expanded at query time from the same data the embedded backend uses. Writes go to an alias;
a rebuild fills a new index and moves the alias in one request.

Every request goes through _call: whatever the client raises (a refused connection, a timeout,
any 4xx/5xx answer) becomes SearchUnavailable, which the site answers with its database search
and the outbox worker with a backoff. A write reports each refused document (IndexingFailed).
"""

import email.utils
import logging
import threading
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence

import elastic_transport
from elasticsearch import ApiError, Elasticsearch, NotFoundError, helpers
from elasticsearch import __versionstr__ as CLIENT_VERSION
from elasticsearch.dsl import A, Q, Search
from elasticsearch.helpers import BulkIndexError, ScanError

from .. import analysis
from ..facets import MULTI_FIELDS, PAGE_FIELDS
from ..feedback import WordStatistics
from ..query_words import FACET_BOOST
from ..types import (
    FACET_FIELDS,
    FacetCount,
    Hit,
    IndexingFailed,
    ItemFailure,
    SearchDocument,
    SearchRequest,
    SearchResponse,
    SearchUnavailable,
    Suggestion,
)

logger = logging.getLogger(__name__)

# Raised whenever MAPPINGS or SETTINGS change in a way that needs a search_rebuild; stored in
# the index (_meta) so that search_check can tell an index built by older code.
# 2: the *_norm fields (Sudachi normalised forms); 3: every facet; 4: mlt (feedback words)
MAPPING_VERSION = 4
REQUIRED_PLUGINS = ("analysis-icu", "analysis-kuromoji")
# Elasticsearch refuses from + size beyond index.max_result_window (10,000 by default); a request
# past it would be a 400, which the breaker would count against a healthy cluster.
MAX_RESULT_WINDOW = 10_000
# A bulk item with one of these statuses may go through later (overloaded, conflict, timeout);
# other 4xx refusals (a mapping error) would come back on every retry.
RETRYABLE_STATUSES = {408, 409, 429}

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
            # The Sudachi normalised forms, already split and lower-cased by analysis.tokenize.
            "ja_norm": {"type": "custom", "tokenizer": "whitespace"},
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
_NORM = {"type": "text", "analyzer": "ja_norm"}
NORM_FIELDS = {"title": "title_norm", "summary": "summary_norm", "body": "body_norm"}
MAPPINGS = {
    "dynamic": "strict",
    "_meta": {"mapping_version": MAPPING_VERSION},
    "properties": {
        "id": {"type": "long"},
        "version": {"type": "long"},
        "published": {"type": "long"},
        "kind": {"type": "keyword"},
        "title": _TEXT,
        "summary": {"type": "text", "analyzer": "ja"},
        "body": _TEXT,
        **dict.fromkeys(NORM_FIELDS.values(), _NORM),
        # The content words of the title and body (Sudachi normalised forms), as the embedded
        # index's `mlt` field: the words of pseudo-relevance feedback (search/feedback.py). Its
        # term vectors (words and counts, no positions) are stored: word_statistics reads them.
        "mlt": {**_NORM, "term_vector": "yes"},
        "suggest": {
            "type": "completion",
            "analyzer": "ja_completion_index",
            "search_analyzer": "ja_completion_query",
        },
        **{name: {"type": "keyword"} for name in FACET_FIELDS},
    },
}


WRITE_TIMEOUT = 60.0
VERSIONS_TIMEOUT = 60.0  # each page of the scan behind versions(), not the whole scan


def compatible(server: str, client: str = CLIENT_VERSION) -> bool:
    """A client works with servers of its major version and its minor or a later one."""
    try:
        s_major, s_minor = (int(x) for x in server.split(".")[:2])
        c_major, c_minor = (int(x) for x in client.split(".")[:2])
    except ValueError:
        return False
    return s_major == c_major and s_minor >= c_minor


def error_type(exc: BaseException) -> str:
    """Elasticsearch's name for an error answer (media_type_header_exception, …), or ''."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return str(body["error"].get("type", ""))
    return ""


def retry_after(exc: BaseException) -> float | None:
    """Seconds from the Retry-After header of an error answer (seconds or an HTTP date)."""
    meta = getattr(exc, "meta", None)
    value = meta.headers.get("retry-after") if meta is not None else None
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        return max(email.utils.parsedate_to_datetime(value).timestamp() - time.time(), 0.0)
    except (TypeError, ValueError):
        return None


def describe(exc: BaseException) -> str:
    if isinstance(exc, elastic_transport.ConnectionTimeout):
        return f"Elasticsearch が時間内に応答しませんでした: {exc}"
    if isinstance(exc, elastic_transport.ConnectionError):
        return f"Elasticsearch に接続できません: {exc}"
    if error_type(exc) == "media_type_header_exception":
        return (
            f"Elasticsearch がクライアント {CLIENT_VERSION} の要求形式を受け付けません"
            f"（サーバーのメジャーバージョンが違います）: {exc}"
        )
    if isinstance(exc, ApiError):
        return f"Elasticsearch がエラーを返しました: {exc}"
    if isinstance(exc, BulkIndexError):
        return (
            f"Elasticsearch が {len(exc.errors)} 件の文書を受け付けませんでした: {exc.errors[:1]}"
        )
    return f"Elasticsearch を呼び出せません: {exc}"


# Everything the client raises for an answer it did not like or a server it could not reach.
# ApiError (4xx/5xx) is not a TransportError in elastic-transport 9, so both are named.
CLIENT_ERRORS = (
    elastic_transport.TransportError,
    elastic_transport.ApiError,
    BulkIndexError,
    ScanError,
)


def normalised_words(tokens: Sequence[analysis.Token]) -> str:
    """The Sudachi normalised forms of a text's tokens, space-separated: what the embedded
    backend indexes.

    シュミレーション is stored as シミュレーション and 引越し as 引っ越し, so a query's own normalised
    forms (analysis.Spelling.words) find every spelling, as they do in the embedded backend.
    """
    return " ".join("".join(t.text.split()) for t in tokens)


def content_words(tokens: Sequence[analysis.Token]) -> str:
    """The normalised forms of the content words (no particles, auxiliaries or symbols) among a
    text's tokens, space-separated: what the embedded backend stores as its `mlt` field."""
    return " ".join(t.text for t in tokens if t.pos[0] not in analysis.BREAK_POS)


def item_failure(result: Mapping) -> ItemFailure:
    """What went wrong with one item of a bulk answer."""
    status = int(result.get("status", 500))
    error = result.get("error") or {}
    kind = error.get("type", "") if isinstance(error, Mapping) else str(error)
    reason = error.get("reason", "") if isinstance(error, Mapping) else ""
    retryable = (
        status in RETRYABLE_STATUSES
        or status >= 500
        # The alias went away (a rebuild in between, or dropped): it is created again next time.
        or (status == 404 and kind == "index_not_found_exception")
    )
    return ItemFailure(f"[{status}] {kind}: {reason}".strip(), retryable=retryable)


class ElasticsearchBackend:
    """Elasticsearch through elasticsearch.dsl (kuromoji + ICU plugins required)."""

    name = "elasticsearch"

    def __init__(
        self,
        url: str,
        index: str = "banso-cases",
        timeout: float = 2.0,
        *,
        write_timeout: float = WRITE_TIMEOUT,
        replicas: int = 0,
    ):
        # Short and not retried on timeout: a search waits at most `timeout` for a hung server
        # before the site answers from the database (service.CircuitBreaker then stops asking).
        self.url = url
        self.client = Elasticsearch(
            url, request_timeout=timeout, max_retries=1, retry_on_timeout=False
        )
        # Bulk writes, index creation and scans run in the indexer, not in a request: they may
        # take their time. Never retried by the client: the outbox retries with a backoff and
        # knows which documents the engine took.
        self.writes = self.client.options(request_timeout=write_timeout, max_retries=0)
        self.alias = index
        # One node (docker-compose.yml) cannot hold a replica: with 1 the index stays yellow.
        self.replicas = replicas
        self._compatible = False
        self._alias_ready = False
        self._lock = threading.Lock()

    def _unavailable(self, exc: BaseException) -> SearchUnavailable:
        if isinstance(exc, ApiError) and exc.meta.status == 400:
            # The cluster may have been replaced by one of another version: check again on
            # the next call, which then says so instead of repeating a bare 400.
            self._compatible = False
        unavailable = SearchUnavailable(describe(exc))
        unavailable.retry_after = retry_after(exc)  # read by the outbox's backoff
        return unavailable

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except CLIENT_ERRORS as exc:
            raise self._unavailable(exc) from exc

    # --- the cluster -----------------------------------------------------------------------
    def server_version(self) -> str:
        """The cluster's version number, even from a server that refuses this client's format."""
        try:
            return self.client.info()["version"]["number"]
        except ApiError as exc:
            if error_type(exc) != "media_type_header_exception":
                raise
        # A server of another major version answers 400 to the client's versioned media type;
        # asked in plain JSON, it still says what it is.
        _meta, body = self.client.transport.perform_request(
            "GET", "/", headers={"accept": "application/json"}
        )
        if isinstance(body, Mapping) and isinstance(body.get("version"), Mapping):
            return str(body["version"].get("number", "?"))
        return "?"

    def version_problem(self) -> str | None:
        """Why this client cannot work with the cluster, in Japanese, or None."""
        server = self._call(self.server_version)
        if compatible(server):
            return None
        major_minor = ".".join(server.split(".")[:2])
        return (
            f"Elasticsearch のバージョンが合いません: サーバー {server}、クライアント "
            f"{CLIENT_VERSION}（クライアントは同じメジャーの同じか古いマイナーである必要が"
            f"あります。pyproject.toml の elasticsearch を {major_minor}.x に合わせてください）"
        )

    def _ready(self) -> None:
        """Checks the cluster's version once, on first use; raises SearchUnavailable if wrong.

        A failed check is not remembered: the next call checks again, so a cluster that was
        down or is upgraded is used as soon as it fits.
        """
        if self._compatible:
            return
        with self._lock:
            if self._compatible:
                return
            problem = self.version_problem()
            if problem:
                logger.error("%s", problem)
                raise SearchUnavailable(problem)
            self._compatible = True

    def _settings(self, *, building: bool = False) -> dict:
        if building:
            # Filled in one go: no refresh and no replica until the index is complete.
            return {**SETTINGS, "number_of_replicas": 0, "refresh_interval": "-1"}
        return {**SETTINGS, "number_of_replicas": self.replicas}

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
            **{name: list(doc.facet(name)) for name in MULTI_FIELDS},
        }
        tokens = {
            field: analysis.tokenize(analysis.normalise(getattr(doc, field)))
            for field in NORM_FIELDS
        }
        for field, norm in NORM_FIELDS.items():
            source[norm] = normalised_words(tokens[field])
        source["mlt"] = content_words(tokens["title"]) + " " + content_words(tokens["body"])
        for name in PAGE_FIELDS:
            if doc.facet(name):
                source[name] = doc.facet(name)[0]
        return source

    @property
    def first_index(self) -> str:
        # One fixed name: two indexers that find no alias both try to create this index with
        # the alias, and the second is told it exists (never two indices behind the alias).
        return f"{self.alias}-first"

    def _ensure_alias(self) -> None:
        """Create the first index with the alias unless the alias exists (checked once)."""
        if self._alias_ready:
            return
        if self._call(self.writes.indices.exists_alias, name=self.alias):
            self._alias_ready = True
            return
        try:
            self.writes.indices.create(
                index=self.first_index,
                settings=self._settings(),
                mappings=MAPPINGS,
                aliases={self.alias: {}},
            )
        except ApiError as exc:
            if error_type(exc) != "resource_already_exists_exception":
                raise self._unavailable(exc) from exc
        except CLIENT_ERRORS as exc:
            raise self._unavailable(exc) from exc
        self._alias_ready = True

    def apply(self, docs: Iterable[SearchDocument], delete_ids: Iterable[int]) -> None:
        """Index docs and delete delete_ids in one bulk request.

        Raises IndexingFailed naming every document that was not applied (all of them when the
        request itself failed); the others are in the index and searchable.
        """
        docs, delete_ids = list(docs), list(delete_ids)
        if not docs and not delete_ids:
            return
        self._ready()
        self._ensure_alias()
        operations: list[dict] = []
        for pk in delete_ids:
            operations.append({"delete": {"_index": self.alias, "_id": str(pk)}})
        for doc in docs:
            operations += [{"index": {"_index": self.alias, "_id": str(doc.id)}}, self._source(doc)]
        try:
            # require_alias: if the alias vanished, refuse instead of auto-creating an index
            # with a guessed mapping under its name.
            response = self.writes.bulk(
                operations=operations, refresh="wait_for", require_alias=True
            )
        except CLIENT_ERRORS as exc:
            self._unavailable(exc)  # forget what may have changed
            failure = ItemFailure(describe(exc), retryable=True, retry_after=retry_after(exc))
            raise IndexingFailed(
                dict.fromkeys([*delete_ids, *(d.id for d in docs)], failure)
            ) from exc
        failures = {}
        for item in response["items"]:
            ((operation, result),) = item.items()
            status = int(result.get("status", 500))
            gone = operation == "delete" and status == 404 and result.get("result") == "not_found"
            if not (200 <= status < 300 or gone):
                failures[int(result["_id"])] = item_failure(result)
                if status == 404:
                    self._alias_ready = False  # the alias went away: create it next time
        if failures:
            raise IndexingFailed(failures)

    def index(self, docs: Iterable[SearchDocument]) -> None:
        self.apply(docs, ())

    def delete(self, ids: Iterable[int]) -> None:
        self.apply((), ids)

    @staticmethod
    def prepare(doc: SearchDocument) -> tuple[str, dict]:
        """(id, source): the Sudachi work of a document, done in a rebuild's worker processes."""
        return str(doc.id), ElasticsearchBackend._source(doc)

    def rebuild(
        self,
        docs: Iterable[SearchDocument] | Iterable[tuple[str, dict]],
        *,
        progress=None,
        prepared=False,
    ) -> int:
        """Fill a new index, check it, then move the alias to it in one request.

        `docs` are SearchDocuments, or with `prepared` what prepare() made of them. A failed
        build deletes its half-built index; the alias and the old index are untouched.
        """
        self._ready()
        name = f"{self.alias}-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
        self._call(
            self.writes.indices.create,
            index=name,
            settings=self._settings(building=True),
            mappings=MAPPINGS,
        )

        def actions():
            for doc in docs:
                if progress:
                    progress()
                doc_id, source = doc if prepared else self.prepare(doc)
                yield {"_index": name, "_id": doc_id, "_source": source}

        try:
            # No refresh per chunk (refresh_interval -1): one refresh below, before the swap.
            # A 429 is retried by the helper with its own backoff; any refused document fails
            # the build (BulkIndexError), as an index that lacks it must not go live.
            count, _ = self._call(
                helpers.bulk, self.writes, actions(), max_retries=3, initial_backoff=2
            )
            self._call(
                self.writes.indices.put_settings,
                index=name,
                # None restores the default refresh (and lets an idle index skip refreshes).
                settings={"index": {"refresh_interval": None, "number_of_replicas": self.replicas}},
            )
            self._call(self.writes.indices.refresh, index=name)
            indexed = self._call(self.writes.count, index=name)["count"]
            if indexed != count:
                raise SearchUnavailable(
                    f"新しい索引の件数が合いません（送信 {count} 件、索引 {indexed} 件）"
                )
            old = self._aliased_indices()
            moves = [{"remove": {"index": i, "alias": self.alias}} for i in old]
            self._call(
                self.writes.indices.update_aliases,
                actions=[*moves, {"add": {"index": name, "alias": self.alias}}],
            )
        except BaseException:
            try:
                self.writes.indices.delete(index=name)
            except CLIENT_ERRORS:
                logger.exception("could not delete the half-built index %s", name)
            raise
        for index in old:
            try:
                self.writes.indices.delete(index=index)
            except CLIENT_ERRORS:  # the new index is live: an old one left over is only waste
                logger.exception("could not delete the old index %s", index)
        return count

    def _aliased_indices(self) -> list[str]:
        try:
            return list(self.writes.indices.get_alias(name=self.alias))
        except NotFoundError:
            return []
        except CLIENT_ERRORS as exc:
            raise SearchUnavailable(describe(exc)) from exc

    def drop(self) -> None:
        for index in self._aliased_indices():
            self._call(self.writes.indices.delete, index=index)

    def versions(self) -> Mapping[int, int]:
        """id -> version of every indexed document; empty when there is no index yet."""
        self._ready()
        hits = helpers.scan(
            self.writes,
            index=self.alias,
            _source=["id", "version"],
            size=1000,
            scroll="2m",
            request_timeout=VERSIONS_TIMEOUT,
        )
        try:
            return {h["_source"]["id"]: h["_source"]["version"] for h in hits}
        except NotFoundError as exc:
            if error_type(exc) == "index_not_found_exception":
                return {}
            raise SearchUnavailable(describe(exc)) from exc
        except CLIENT_ERRORS as exc:
            raise SearchUnavailable(describe(exc)) from exc

    # --- health (manage.py search_check) ---------------------------------------------------
    def check(self) -> list[tuple[bool, str]]:
        """(ok, what) for each thing search_check looks at, in Japanese; stops at a blocker."""
        results: list[tuple[bool, str]] = []
        try:
            server = self.server_version()
        except CLIENT_ERRORS as exc:
            return [(False, f"{self.url} の {describe(exc)}")]
        if not compatible(server):
            return [(False, self.version_problem() or "")]
        results.append(
            (True, f"Elasticsearch {server} に接続しました（クライアント {CLIENT_VERSION}）")
        )
        try:
            nodes = self.client.nodes.info(metric="plugins")["nodes"]
            for node in nodes.values():
                have = {p.get("name") for p in node.get("plugins", ())}
                missing = [p for p in REQUIRED_PLUGINS if p not in have]
                if missing:
                    results.append(
                        (
                            False,
                            f"ノード {node.get('name', '?')} にプラグイン {', '.join(missing)} "
                            "がありません（docker/elasticsearch/Dockerfile でインストールします）",
                        )
                    )
            if not any(not ok for ok, _ in results):
                results.append((True, f"プラグイン {', '.join(REQUIRED_PLUGINS)} があります"))
            indices = self._aliased_indices()
            if not indices:
                results.append(
                    (
                        False,
                        f"エイリアス {self.alias} がありません"
                        "（manage.py search_rebuild で索引を作ります）",
                    )
                )
                return results
            if len(indices) > 1:
                results.append(
                    (False, f"エイリアス {self.alias} が複数の索引を指しています: {indices}")
                )
            mappings = self.client.indices.get_mapping(index=self.alias)
            for index, body in mappings.items():
                found = body.get("mappings", {}).get("_meta", {}).get("mapping_version")
                if found != MAPPING_VERSION:
                    results.append(
                        (
                            False,
                            f"索引 {index} の形式（版 {found}）がこのプログラムの版 "
                            f"{MAPPING_VERSION} と違います（manage.py search_rebuild が必要です）",
                        )
                    )
                else:
                    results.append((True, f"索引 {index}（形式の版 {found}）"))
            health = self.client.cluster.health(index=self.alias)["status"]
            if health == "red":
                results.append((False, "索引の状態が red です（シャードが割り当てられていません）"))
            else:
                results.append((True, f"索引の状態: {health}"))
        except CLIENT_ERRORS as exc:
            results.append((False, describe(exc)))
        return results

    # --- reading ---------------------------------------------------------------------------
    def parse(self, request: SearchRequest) -> analysis.ParsedQuery:
        return analysis.parse_query(
            request.text, request.synonyms, dictionary_synonyms=request.dictionary_synonyms
        )

    def text_query(self, request: SearchRequest, *, relaxed: bool = False):
        """Every word counts, as in the embedded backend (analysis.parse_query, _query), and the
        feedback words (SearchRequest.expansion) too.

        With relaxed, a quoted phrase need not match: the retry when nothing matched.
        """
        if not analysis.split_query(request.text):
            return None
        parsed = self.parse(request)
        if not parsed.units:
            return Q("match_none")
        return _query(
            parsed.relaxed() if relaxed else parsed, request.expansion, request.expansion_finds
        )

    def relaxable(self, request: SearchRequest) -> bool:
        return self.parse(request).relaxable

    def build(self, request: SearchRequest, *, relaxed: bool = False) -> Search:
        search = Search(using=self.client, index=self.alias)
        text = self.text_query(request, relaxed=relaxed)
        boosts = _boosts(request.boosts)
        search = search.query(
            Q(
                "bool",
                must=[text] if text else [Q("match_all")],
                filter=[Q("terms", kind=list(request.kinds))],
                **({"should": boosts} if boosts else {}),
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
                # Japanese has no spaces: cut at sentence ends (。！？), not mid-sentence.
                boundary_scanner="sentence",
                boundary_scanner_locale="ja-JP",
            )
            search = search.highlight("body", matched_fields=["body", "body.ngram"])
        # Past the result window a page is empty (the total and facets still count): asking
        # Elasticsearch for it would be a 400, which is the caller's mistake, not the engine's.
        start = (request.page - 1) * request.page_size
        end = min(start + request.page_size, MAX_RESULT_WINDOW)
        return search.extra(track_total_hits=True, _source=["id", "kind"])[min(start, end) : end]

    def search(self, request: SearchRequest) -> SearchResponse:
        self._ready()
        result = self._call(self.build(request).execute)
        if result.hits.total.value == 0 and self.relaxable(request):
            result = self._call(self.build(request, relaxed=True).execute)
        terms = self.parse(request).highlight_terms() if request.text.strip() else []
        hits = [
            Hit(
                id=h.id,
                kind=h.kind,
                score=h.meta.score or 0.0,
                highlights=tuple(
                    analysis.whole_marks(fragment, terms)
                    for fragment in getattr(getattr(h.meta, "highlight", None), "body", ()) or ()
                ),
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
        self._ready()
        try:
            source = self.client.get(index=self.alias, id=doc_id, source_includes=["kind"])
        except NotFoundError as exc:
            if error_type(exc):  # index_not_found_exception: no index behind the alias
                raise SearchUnavailable(describe(exc)) from exc
            return []  # the page is not indexed (yet): nothing to compare with
        except CLIENT_ERRORS as exc:
            raise SearchUnavailable(describe(exc)) from exc
        source = source["_source"]
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

    def word_statistics(self, ids: Sequence[int]) -> WordStatistics:
        """The content words of each document (the `mlt` field's term vectors, in the order of
        `ids`; a document not in the index is left out) and the index's document frequencies,
        in one multi-term-vectors request."""
        if not ids:
            return WordStatistics((), lambda word: 0, 0)
        self._ready()
        result = self._call(
            self.client.mtermvectors,
            index=self.alias,
            ids=[str(i) for i in ids],
            fields=["mlt"],
            term_statistics=True,
            field_statistics=True,
            positions=False,
            offsets=False,
            payloads=False,
        )
        documents, frequencies, total = [], {}, 0
        for found in result["docs"]:
            vector = (found.get("term_vectors") or {}).get("mlt")
            if not found.get("found") or not vector:
                continue
            total = max(total, vector.get("field_statistics", {}).get("doc_count", 0))
            terms = vector.get("terms", {})
            documents.append({word: t["term_freq"] for word, t in terms.items()})
            frequencies.update({word: t.get("doc_freq", 0) for word, t in terms.items()})
        return WordStatistics(tuple(documents), lambda word: frequencies.get(word, 0), total)

    def suggest(self, prefix: str, *, limit: int = 8) -> Sequence[Suggestion]:
        prefix = analysis.to_katakana(analysis.nfkc(prefix.strip()))
        if not prefix:
            return []
        self._ready()
        # Only the suggestions: no hits (size 0) and no stored documents (source False).
        result = self._call(
            self.client.search,
            index=self.alias,
            suggest={
                "s": {
                    "prefix": prefix,
                    "completion": {"field": "suggest", "size": limit, "skip_duplicates": True},
                }
            },
            size=0,
            source=False,
        )
        return [Suggestion(o["text"], 1) for o in result["suggest"]["s"][0]["options"]]


def _boosts(boosts: Mapping[str, Sequence[str]]) -> list:
    """A should clause per boosted facet: FACET_BOOST for a document with one of its values
    (the same as embedded._boosts)."""
    return [
        Q("constant_score", filter=Q("terms", **{name: list(codes)}), boost=FACET_BOOST)
        for name, codes in boosts.items()
        if codes
    ]


def _feedback(words: Sequence[tuple[str, float]], minimum: int = 0):
    """The feedback words (search/feedback.py) in the content words of the title and body, each
    weighted; with `minimum`, a document must have that many of them (as embedded._feedback)."""
    return Q("bool", should=_feedback_terms(words), minimum_should_match=minimum or 1)


def _feedback_terms(words: Sequence[tuple[str, float]]) -> list:
    return [Q("term", mlt={"value": word, "boost": weight}) for word, weight in words]


def _query(
    parsed: analysis.ParsedQuery, feedback: Sequence[tuple[str, float]] = (), finds: bool = True
):
    """Every unit counts (OR); coverage, all the words and their order add to the score.

    The same structure as embedded._query: a bool query whose should clauses are the units
    (one is enough), a quoted phrase as a filter, and boosts for documents with most of the
    units (minimum_should_match), all of them, and the words near each other in order.
    `feedback` words add their score times analysis.FEEDBACK_WEIGHT, and find a document with
    none of the units that has analysis.FEEDBACK_MATCH of them.
    """
    units = [_unit_query(unit) for unit in parsed.units]
    any_unit = units[0] if len(units) == 1 else Q("bool", should=units, minimum_should_match=1)
    # A quoted phrase must match as written: a filter, its score is already in any_unit.
    required = [_unit_query(unit.exact) for unit in parsed.units if unit.required]
    should = []
    if feedback:
        if finds and 0 < analysis.FEEDBACK_MATCH <= len(feedback):
            # Found by FEEDBACK_MATCH feedback words alone: a filter, scoring nothing here.
            alone = Q("bool", filter=[_feedback(feedback, analysis.FEEDBACK_MATCH)])
            any_unit = Q("bool", should=[any_unit, alone], minimum_should_match=1)
        should.append(Q("bool", should=_feedback_terms(feedback), boost=analysis.FEEDBACK_WEIGHT))
    counted = [_unit_query(u) for u in parsed.counted_units] if parsed.sentence else units
    if parsed.coverage:
        should.append(
            Q(
                "bool",
                should=counted,
                minimum_should_match=parsed.coverage,
                boost=analysis.COVERAGE_BOOST,
            )
        )
    if parsed.coverage and parsed.coverage < len(units):
        should.append(Q("bool", must=counted, boost=analysis.ALL_WORDS_BOOST))
    if parsed.phrase:
        words = " ".join(parsed.phrase)
        near = [
            Q(
                "match_phrase",
                **{NORM_FIELDS[field]: {"query": words, "slop": analysis.PHRASE_SLOP, "boost": b}},
            )
            for field, b in _WORD_FIELDS
        ]
        should.append(
            Q(
                "dis_max",
                queries=near,
                tie_breaker=analysis.TIE_BREAKER,
                boost=analysis.PHRASE_BOOST,
            )
        )
    if not required and not should:
        return any_unit
    return Q("bool", must=[any_unit], filter=required, should=should)


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
    """Any spelling of the unit as a phrase in the title or body, or failing that, loosely, plus
    each of its parts alone (matched on the Sudachi fields: kuromoji splits compounds its own way).
    """
    options = []
    for spelling in unit.spellings:
        for field, boost in _WORD_FIELDS:
            phrase = {"query": spelling.text, "boost": spelling.boost(boost)}
            options.append(Q("match_phrase", **{field: phrase}))
            # Sudachi's normalised forms, as the embedded backend matches them: シュミレーション
            # finds シミュレーション, 引っ越し finds 引越し (kuromoji knows neither variant).
            words = {"query": " ".join(spelling.words), "boost": spelling.boost(boost)}
            options.append(Q("match_phrase", **{NORM_FIELDS[field]: words}))
        grams = analysis.bigrams(spelling.text)
        for field, boost in _GRAM_FIELDS if grams else ():
            # Per gram, as in the embedded backend: a phrase scores the sum of its grams.
            query = {"query": spelling.text, "boost": spelling.boost(boost / len(grams))}
            options.append(Q("match_phrase", **{field: query}))
    for field, boost in _WORD_FIELDS if unit.loose else ():
        query = {
            "query": " ".join(unit.loose),
            "operator": "and",
            "boost": boost * analysis.LOOSE_FACTOR,
        }
        options.append(Q("match", **{field: query}))
        options.append(Q("match", **{NORM_FIELDS[field]: query}))
    best = Q("dis_max", queries=options, tie_breaker=analysis.TIE_BREAKER)
    if not unit.parts:
        return best
    # Each part of a compound alone, summed, and again for most of them: a document with more
    # of them ranks higher.
    parts = [
        Q(
            "dis_max",
            queries=[
                Q(
                    "match_phrase",
                    **{NORM_FIELDS[field]: {"query": " ".join(part.words), "boost": boost}},
                )
                for field, boost in _WORD_FIELDS
            ],
            tie_breaker=analysis.TIE_BREAKER,
        )
        for part in unit.parts
    ]
    if unit.part_coverage:
        most = Q(
            "bool",
            should=list(parts),
            minimum_should_match=unit.part_coverage,
            boost=analysis.COVERAGE_BOOST,
        )
        parts.append(most)
    return Q(
        "bool",
        should=[best, Q("bool", should=parts, boost=analysis.PART_FACTOR)],
        minimum_should_match=1,
    )
