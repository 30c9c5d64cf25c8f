"""Pseudo-relevance feedback: find the cases that share no word with the query but are about the
same thing as its best hits (docs/search.md, "Pseudo-relevance feedback").

A supporter types 傾聴 and the cases that say 話を聴く, or 新規事業 and those that say 新しい事業の柱,
use none of the query's words: no weighting of the query's words can find them. The first
search's best hits can: the words they share (their content words that are rare in the index:
tf-idf) say what the query is about in the words the cases use. `search_with_feedback` asks the
engine twice:

1. the query as it is: its answer, and its FEEDBACK_DOCS best hits (for a later page, asked for
   apart: no facets, no highlights; for a filtered query that finds nothing, the best hits
   without the filters); an answer with most of the index is kept as it is;
2. the query again with those hits' shared words added (`SearchRequest.expansion`). The query's
   own words still dominate: the feedback words score analysis.FEEDBACK_WEIGHT of their BM25
   score, and a document found by them alone must have analysis.FEEDBACK_MATCH of them.

The words of each document are computed by this project's code at index time, the same for both
backends (the content words of the title and body as Sudachi normalises them: the embedded
index's `mlt` field, Elasticsearch's `mlt` field); their document frequencies are the index's
own, read at query time (`word_statistics` of each backend). Both backends then build the same
query from the same words. `feedback_words` is pure.
"""

import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from . import analysis
from .types import SearchRequest, SearchResponse

FEEDBACK_DOCS = 3  # the first search's best hits that are read
# The words taken from them. 15 and FEEDBACK_MATCH 2, against 10 and 3 (nDCG@10 / recall@10):
# blind set even lines (tuned on) 0.872 / 0.833 → 0.876 / 0.837, odd lines 0.872 / 0.832 →
# 0.881 / 0.850, second blind set (never tuned on) 0.829 / 0.776 → 0.836 / 0.791; the project's
# own set 0.897 / 0.828 → 0.896 / 0.820. CPU at 100,000 cases: equal (most answers skip feedback).
FEEDBACK_TERMS = 15
# A word must be in this many of them (fewer if fewer were found): one hit's own peculiar word
# (a company's product) says nothing about the query.
FEEDBACK_MIN_DOCS = 2
FEEDBACK_MIN_LENGTH = 2  # characters: a one-character word is an affix (者, 化) or a number
# A word in more than this share of the index's documents (居る, こと, 支援) tells them apart from
# nothing; as a feedback word it would find most of the index and make the search slower. An
# answer with more than this share gets no feedback: there is little left to find, and the
# costliest queries (those that score most of the index) would run twice. On the blind set's
# even half: 0.849 nDCG@10 with feedback always, 0.850 with this cut, 0.846 at 0.2, 0.838 at 0.1.
FEEDBACK_MAX_SHARE = 0.5
# How much the feedback words count, and how many find a document alone, are weights of the
# query: analysis.FEEDBACK_WEIGHT and analysis.FEEDBACK_MATCH.

# The feedback words find documents without the query's words only for an answer smaller than
# this (a page of the case list); a larger one they only reorder. Pages the words themselves fill
# need no related pages after them, which would only swell the count and the facets (傾聴 found
# 25 of the demo's 44 cases and feedback 14 more). Equal nDCG@10 / recall@10 on the blind set's
# even and odd lines.
FEEDBACK_FIND_BELOW = 20


@dataclass(frozen=True)
class WordStatistics:
    """What a backend reads for feedback: each document's words and the index's statistics."""

    documents: tuple[Mapping[str, int], ...]  # per document: its content words and their counts
    doc_freq: Callable[[str], int]  # documents of the index that have the word
    total: int  # documents in the index


class FeedbackEngine(Protocol):
    def search(self, request: SearchRequest) -> SearchResponse: ...

    def word_statistics(self, ids: Sequence[int]) -> WordStatistics: ...


def _idf(doc_freq: int, total: int) -> float:
    """BM25's idf (Lucene's and tantivy's)."""
    return math.log(1 + (total - doc_freq + 0.5) / (doc_freq + 0.5))


def feedback_words(
    statistics: WordStatistics, *, exclude: Collection[str] = ()
) -> tuple[tuple[str, float], ...]:
    """The words that characterise the documents, best first, each with a weight in (0, 1].

    A word's score is its mean share of each document's words times its idf (tf-idf over the
    documents). Left out: the query's own words (`exclude`: they are searched already), words
    shorter than FEEDBACK_MIN_LENGTH or made of digits, and words in fewer than
    FEEDBACK_MIN_DOCS of the documents. The weight is the score over the best word's.
    """
    documents = [d for d in statistics.documents if d]
    if not documents or statistics.total <= 0:
        return ()
    needed = min(FEEDBACK_MIN_DOCS, len(documents))
    shares: dict[str, float] = {}
    in_docs: dict[str, int] = {}
    for counts in documents:
        length = sum(counts.values())
        for word, count in counts.items():
            shares[word] = shares.get(word, 0.0) + count / length
            in_docs[word] = in_docs.get(word, 0) + 1
    scores = {}
    for word, share in shares.items():
        if in_docs[word] < needed or word in exclude:
            continue
        if len(word) < FEEDBACK_MIN_LENGTH or word.isdigit():
            continue
        frequency = statistics.doc_freq(word)
        if frequency <= 0 or frequency > FEEDBACK_MAX_SHARE * statistics.total:
            continue
        scores[word] = share / len(documents) * _idf(frequency, statistics.total)
    best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:FEEDBACK_TERMS]
    if not best or best[0][1] <= 0:
        return ()
    top = best[0][1]
    return tuple((word, round(score / top, 4)) for word, score in best if score > 0)


def query_words(request: SearchRequest) -> set[str]:
    """Every word the query searches already: its units' spellings, loose words and parts."""
    parsed = analysis.parse_query(
        request.text, request.synonyms, dictionary_synonyms=request.dictionary_synonyms
    )
    return {
        word
        for unit in parsed.units
        for spelling in (*unit.spellings, *unit.parts)
        for word in (*spelling.words, *unit.loose)
    }


def applies(request: SearchRequest) -> bool:
    """Feedback reorders by relevance: only a search by words, ranked by relevance."""
    return (
        request.feedback
        and request.sort == "relevance"
        and not request.expansion
        and bool(analysis.split_query(request.text))
    )


def search_with_feedback(engine: FeedbackEngine, request: SearchRequest) -> SearchResponse:
    """`engine`'s answer to the request with the words its best hits share added (see the
    module docstring); the plain answer when it finds nothing to learn from, or already finds
    more than FEEDBACK_MAX_SHARE of the index.

    A filtered query that finds nothing learns from its best hits without the filters, and
    what their words find under the filters is all `related`: a supporter who filters sees the
    cases of that industry or region about the same thing as the query's best hits elsewhere
    (the page says so and offers the search without the filters), not an empty page. On the
    second blind set this answers its one filtered query that found nothing: nDCG@10 0.836 →
    0.840, its facet_combined queries 0.910 → 0.943 (the other judged sets have no such query).
    """
    answer = engine.search(request)
    if not applies(request):
        return answer
    if not answer.total and any(request.filters.values()):
        best = _best_ids(engine, replace(request, filters={}))
        response = (
            _with_words_of(engine, request, engine.word_statistics(best), True) if best else None
        )
        return replace(response, related=response.total) if response else answer
    if not answer.hits:
        return answer
    statistics = engine.word_statistics([hit.id for hit in answer.hits[:FEEDBACK_DOCS]])
    if answer.total > FEEDBACK_MAX_SHARE * statistics.total:
        return answer
    if request.page != 1:
        # The words of the whole answer's best hits, whichever page is shown.
        statistics = engine.word_statistics(_best_ids(engine, request))
    finds = answer.total < FEEDBACK_FIND_BELOW
    response = _with_words_of(engine, request, statistics, finds)
    if response is None:
        return answer
    # The second search finds what the first did (same words, same filters) and what the
    # feedback words find alone.
    return replace(response, related=max(0, response.total - answer.total))


def _best_ids(engine: FeedbackEngine, request: SearchRequest) -> list[int]:
    """The ids of the request's FEEDBACK_DOCS best hits, asked for apart (first page, no facets,
    no highlights)."""
    best = engine.search(
        replace(request, page=1, page_size=FEEDBACK_DOCS, facets=False, highlight=False)
    )
    return [hit.id for hit in best.hits]


def _with_words_of(
    engine: FeedbackEngine, request: SearchRequest, statistics: WordStatistics, finds: bool
) -> SearchResponse | None:
    """The request again with the words the documents of `statistics` share (None when they
    share none); with `finds`, those words find pages alone."""
    words = feedback_words(statistics, exclude=query_words(request))
    if not words:
        return None
    return engine.search(replace(request, expansion=words, expansion_finds=finds))
