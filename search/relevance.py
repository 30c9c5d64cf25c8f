"""Judged relevance sets: nDCG@10 and recall@10 of the live search, and of a plain BM25-OR.

Two formats are read (`load_judged`):

- fixtures/relevance.json, the project's own set: {"queries": [{"q", "filters", "judgements":
  {name: grade}}]};
- JSON Lines, one query a line: {"query", "kind", "relevant": {name: grade}, "filters"?}
  (fixtures/search/judged_blind.jsonl, judged without looking at any ranking).

A name is a case's external id (demo-001) or a know-how page's slug; grades are 1-3 (0 or absent:
not relevant). A query with no relevant document (`"relevant": {}`, a check that the search does
not answer with confident nonsense) has no nDCG or recall: `summary` leaves it out.

`split` keeps a held-out half: "even" or "odd" keeps the queries on even or odd lines (0-based)
of a JSON Lines set (the n-th query of a .json set). Weights are tuned on "even" only; "odd" is
the figure nobody tuned on. `bm25_or` is the reference the issue measures the search against: Okapi BM25
(k1 1.2, b 0.75) over Sudachi mode-C plus mode-A normalised tokens of the same documents, the
query's tokens ORed, no field weights, phrases or synonyms: what Elasticsearch's default `match`
query does. `WordVectors` is an off-the-shelf semantic reference beside it: ja_ginza's word
vectors (chiVe), which find a document without any of the query's words.
"""

import functools
import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy
import spacy
from django.conf import settings
from sudachipy import SplitMode

from . import analysis, registry, service
from .types import FACET_FIELDS, MAX_PAGE_SIZE, SearchDocument, SearchRequest

K = 10
JUDGEMENTS = Path(settings.BASE_DIR) / "fixtures" / "relevance.json"


SPLITS = ("all", "even", "odd")


@dataclass(frozen=True)
class Judged:
    query: str
    relevant: Mapping[str, int]  # name -> grade
    kind: str = ""
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)
    # Filters the search cannot apply (no such facet yet): left out, for both the site's search
    # and BM25, and reported by benchmarks/relevance.py.
    dropped: tuple[str, ...] = ()


def _judged(query: str, relevant, kind: str, filters) -> Judged:
    filters = filters or {}
    known = {name: values for name, values in filters.items() if name in FACET_FIELDS}
    return Judged(query, relevant, kind, known, tuple(sorted(set(filters) - set(known))))


@dataclass(frozen=True)
class QueryScore:
    query: str
    ndcg: float
    recall: float
    top: list[str]
    kind: str = ""
    found: int = 0  # results in all, not only the first K
    judged: bool = True  # False: no relevant document, no nDCG or recall (summary skips it)


def load_judged(path: Path = JUDGEMENTS, *, split: str = "all") -> list[Judged]:
    """The judged queries of either format (see the module docstring), of one split."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
    text = Path(path).read_text(encoding="utf-8")
    if Path(path).suffix == ".jsonl":
        # Numbered by line, blank lines included, so that a line keeps its split.
        rows = [(i, json.loads(line)) for i, line in enumerate(text.splitlines()) if line.strip()]
        items = [
            (i, item["query"], item["relevant"], item.get("kind", ""), item.get("filters"))
            for i, item in rows
        ]
    else:
        items = [
            (i, item["q"], item["judgements"], item.get("kind", ""), item.get("filters"))
            for i, item in enumerate(json.loads(text)["queries"])
        ]
    keep = {"all": lambda i: True, "even": lambda i: i % 2 == 0, "odd": lambda i: i % 2 == 1}
    return [_judged(*fields) for i, *fields in items if keep[split](i)]


def _dcg(gains: list[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def score(judged: Judged, top: list[str], found: int) -> QueryScore:
    gains = [judged.relevant.get(name, 0) for name in top[:K]]
    ideal = _dcg(sorted(judged.relevant.values(), reverse=True)[:K])
    relevant = {name for name, grade in judged.relevant.items() if grade >= 1}
    hits = len(relevant & set(top[:K]))
    # Recall is capped at K: a query with 20 relevant documents can still score 1.0.
    return QueryScore(
        judged.query,
        _dcg(gains) / ideal if ideal else 0.0,
        hits / min(len(relevant), K) if relevant else 0.0,
        top[:K],
        judged.kind,
        found,
        bool(relevant),
    )


def _names() -> dict[int, str]:
    """Page id -> its public id (a case's external_id, a know-how page's slug)."""
    names: dict[int, str] = {}
    for indexed in registry.indexed_types():
        names.update(indexed.model.objects.values_list("pk", indexed.public_id))
    return names


def judged_kinds(judged: Iterable[Judged]) -> tuple[str, ...]:
    """The kinds of page a set judges: the blind set grades cases only (it measures the case
    list, which searches cases), so a know-how article in its top 10 would count as a miss
    that the site never shows there. The project's set grades both."""
    kind_of = {}
    for indexed in registry.indexed_types():
        kind_of.update(
            dict.fromkeys(
                indexed.model.objects.values_list(indexed.public_id, flat=True), indexed.kind
            )
        )
    found = {kind_of.get(name) for item in judged for name in item.relevant}
    return tuple(kind for kind in ("case", "knowhow") if kind in found) or ("case", "knowhow")


def _kinds(judged: Judged, kinds: tuple[str, ...]) -> tuple[str, ...]:
    """A query with filters searches cases only (the facets are the cases')."""
    return ("case",) if judged.filters else kinds


def _request(
    judged: Judged, kinds: tuple[str, ...] = ("case", "knowhow"), *, page_size: int = K, **kwargs
) -> SearchRequest:
    return SearchRequest(
        text=judged.query,
        filters=judged.filters,
        kinds=_kinds(judged, kinds),
        page_size=page_size,
        facets=False,
        highlight=False,
        broaden=True,  # as the case list and the API
        **kwargs,
    )


def evaluate(
    path: Path = JUDGEMENTS,
    *,
    dictionary_synonyms: bool = True,
    facet_words: bool = True,
    feedback: bool = True,
    judged=None,
) -> list[QueryScore]:
    """Each judged query through the site's search (service.search, the secretariat's synonyms,
    and, as on the site, the query's words that name a facet value read as filters or boosts;
    pseudo-relevance feedback as settings.SEARCH_FEEDBACK says, never without `feedback`)."""
    names = _names()
    judged = list(judged if judged is not None else load_judged(path))
    kinds = judged_kinds(judged)
    scores = []
    for item in judged:
        request = _request(
            item,
            kinds,
            dictionary_synonyms=dictionary_synonyms,
            facet_words=facet_words,
            feedback=feedback,
        )
        response = service.search(request)
        top = [names.get(hit.id, "?") for hit in response.hits]
        scores.append(score(item, top, response.total))
    return scores


def ranking_ceiling(judged: Iterable[Judged]) -> list[QueryScore]:
    """The search's figures had it put what it finds in the best order (highest grade first).

    What better weights alone could reach: a relevant document the search does not find at all
    (none of the query's words or synonyms occurs in it) keeps the figure below this. Reads the
    first MAX_PAGE_SIZE results, all of them for the demo content.
    """
    names = _names()
    judged = list(judged)
    kinds = judged_kinds(judged)
    scores = []
    for item in judged:
        request = _request(item, kinds, page_size=MAX_PAGE_SIZE, facet_words=True)
        response = service.search(request)
        found = [names.get(hit.id, "?") for hit in response.hits]
        # Highest grade first; sorted() is stable, so equal grades keep the search's order.
        best = sorted(found, key=lambda name: -item.relevant.get(name, 0))
        scores.append(score(item, best, response.total))
    return scores


def summary(scores: list[QueryScore]) -> tuple[float, float]:
    """Mean nDCG@10 and recall@10 of the queries that have a relevant document."""
    scores = [s for s in scores if s.judged]
    if not scores:
        return (0.0, 0.0)
    return (sum(s.ndcg for s in scores) / len(scores), sum(s.recall for s in scores) / len(scores))


# --- the reference: plain BM25 with an OR query ------------------------------------------------
def bm25_tokens(text: str) -> list[str]:
    """Sudachi mode-C normalised forms, plus the mode-A forms of each word that splits.

    Symbols, particles, auxiliaries and the like are dropped, as Elasticsearch's Japanese
    analysers drop them (part-of-speech and stop filters).
    """
    tokens = []
    for _start, piece in analysis._pieces(analysis.normalise(text)):
        for word in analysis._tokenizer("C").tokenize(piece):
            if word.part_of_speech()[0] in analysis.BREAK_POS:
                continue
            tokens.append(word.normalized_form().lower())
            parts = list(word.split(SplitMode.A))
            if len(parts) > 1:
                tokens += [
                    p.normalized_form().lower()
                    for p in parts
                    if p.part_of_speech()[0] not in analysis.BREAK_POS
                ]
    return tokens


class BM25:
    """Okapi BM25 (Lucene's idf) over a fixed set of documents."""

    def __init__(self, docs: Sequence[SearchDocument], *, k1: float = 1.2, b: float = 0.75):
        self.docs = list(docs)
        self.k1, self.b = k1, b
        self.freqs = [Counter(bm25_tokens(f"{d.title}\n{d.body}")) for d in self.docs]
        self.lengths = [sum(f.values()) for f in self.freqs]
        self.average = sum(self.lengths) / max(len(self.lengths), 1)
        df = Counter(t for f in self.freqs for t in f)
        n = len(self.docs)
        self.idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}

    def search(self, text: str, keep: Callable[[SearchDocument], bool]) -> list[SearchDocument]:
        """Documents with at least one of the query's tokens, best first."""
        query = set(bm25_tokens(text))
        scored = []
        for i, (doc, freqs) in enumerate(zip(self.docs, self.freqs, strict=True)):
            if not keep(doc):
                continue
            norm = self.k1 * (1 - self.b + self.b * self.lengths[i] / self.average)
            total = sum(
                self.idf[t] * freqs[t] * (self.k1 + 1) / (freqs[t] + norm)
                for t in query
                if freqs.get(t)
            )
            if total > 0:
                scored.append((-total, i))
        return [self.docs[i] for _, i in sorted(scored)]


def _keep(judged: Judged, kinds: tuple[str, ...]) -> Callable[[SearchDocument], bool]:
    """The same filters and kinds as the site's search (_request)."""
    kinds = _kinds(judged, kinds)

    def keep(doc: SearchDocument) -> bool:
        if doc.kind not in kinds:
            return False
        for name, values in judged.filters.items():
            if values and not set(doc.facet(name)) & set(values):
                return False
        return True

    return keep


def evaluate_bm25(judged: Iterable[Judged], docs: Sequence[SearchDocument]) -> list[QueryScore]:
    return evaluate_reference(judged, BM25(docs))


def evaluate_reference(judged: Iterable[Judged], engine: "BM25 | WordVectors") -> list[QueryScore]:
    """Each judged query through a reference engine (the same kinds and filters as the site)."""
    names = _names()
    judged = list(judged)
    kinds = judged_kinds(judged)
    scores = []
    for item in judged:
        found = engine.search(item.query, _keep(item, kinds))
        scores.append(score(item, [names.get(d.id, "?") for d in found[:K]], len(found)))
    return scores


# --- an off-the-shelf semantic reference: ja_ginza's word vectors -------------------------------
# The word vectors of GiNZA's model (chiVe, trained by Works Applications on a web corpus and
# pruned to 20,000 rows; installed from PyPI for the NER of privacy/ner.py). Its pipes are not run.
VECTOR_MODEL = "ja_ginza"
# The search's first RERANK_DEPTH results reordered by their score over the first's plus
# RERANK_WEIGHT times the cosine: what the vectors would add to the search.
RERANK_DEPTH, RERANK_WEIGHT = 30, 0.5


@functools.lru_cache(maxsize=1)
def _vectors_vocab():
    """ja_ginza's vocabulary with its vectors, none of its pipes loaded (about 1 s, once)."""
    version = spacy.util.get_package_version(VECTOR_MODEL)
    folder = spacy.util.get_package_path(VECTOR_MODEL) / f"{VECTOR_MODEL}-{version}"
    pipes = spacy.util.get_model_meta(folder)["pipeline"]
    return spacy.load(VECTOR_MODEL, exclude=pipes).vocab


class WordVectors:
    """Each document as the mean of its words' unit vectors, weighted by (1 + log tf) · idf;
    documents ranked by the cosine of that mean with the query's. Words are `bm25_tokens`; a word
    the model has no vector for is left out."""

    def __init__(self, docs: Sequence[SearchDocument]):
        self.vocab = _vectors_vocab()
        self.docs = list(docs)
        freqs = [Counter(bm25_tokens(f"{d.title}\n{d.body}")) for d in self.docs]
        df = Counter(t for f in freqs for t in f)
        n = len(self.docs)
        self.idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self.unseen_idf = math.log(1 + (n + 0.5) / 0.5)  # a query word no document has
        self.matrix = numpy.stack([self._mean(f) for f in freqs])

    def _mean(self, counts: Mapping[str, int]) -> numpy.ndarray:
        total = numpy.zeros(self.vocab.vectors.shape[1], dtype=numpy.float32)
        for word, count in counts.items():
            if not self.vocab.has_vector(word):
                continue
            vector = self.vocab.get_vector(word)
            weight = (1 + math.log(count)) * self.idf.get(word, self.unseen_idf)
            total += weight * vector / numpy.linalg.norm(vector)
        norm = numpy.linalg.norm(total)
        return total / norm if norm else total

    def similarities(self, text: str) -> dict[int, float]:
        """Document id -> cosine with the query (0 for a query without any known word)."""
        cosines = self.matrix @ self._mean(Counter(bm25_tokens(text)))
        return {doc.id: float(c) for doc, c in zip(self.docs, cosines, strict=True)}

    def search(self, text: str, keep: Callable[[SearchDocument], bool]) -> list[SearchDocument]:
        """The documents `keep` lets through with a positive cosine, nearest first."""
        cosines = self.similarities(text)
        found = [doc for doc in self.docs if keep(doc) and cosines[doc.id] > 0]
        return sorted(found, key=lambda doc: -cosines[doc.id])


def evaluate_reranked(judged: Iterable[Judged], vectors: WordVectors) -> list[QueryScore]:
    """Each judged query through the site's search, its first RERANK_DEPTH results reordered
    with the word vectors (see RERANK_WEIGHT)."""
    names = _names()
    judged = list(judged)
    kinds = judged_kinds(judged)
    scores = []
    for item in judged:
        response = service.search(_request(item, kinds, page_size=RERANK_DEPTH, facet_words=True))
        hits = list(response.hits)
        if hits and hits[0].score:
            cosines = vectors.similarities(item.query)
            top = hits[0].score
            hits.sort(key=lambda h: -(h.score / top + RERANK_WEIGHT * cosines.get(h.id, 0.0)))
        scores.append(score(item, [names.get(h.id, "?") for h in hits], response.total))
    return scores
