"""Pseudo-relevance feedback's choice of words (search/feedback.py), without an index."""

from collections import Counter
from dataclasses import replace

from search.feedback import (
    FEEDBACK_FIND_BELOW,
    FEEDBACK_MAX_SHARE,
    FEEDBACK_TERMS,
    WordStatistics,
    feedback_words,
    search_with_feedback,
)
from search.types import Hit, SearchRequest, SearchResponse

FREQUENCIES = {"銀行": 4, "返済": 4, "面談": 3, "社長": 40, "試算": 3, "新商品": 2, "2024": 3}


def statistics(*texts: str, total: int = 50) -> WordStatistics:
    return WordStatistics(
        tuple(Counter(text.split()) for text in texts), lambda w: FREQUENCIES.get(w, 0), total
    )


def test_words_the_documents_share_rare_ones_first():
    found = feedback_words(
        statistics(
            "銀行 返済 面談 社長 新商品",
            "銀行 返済 社長 試算",
            "銀行 面談 社長 試算 2024 2024 化",
        )
    )
    words = [w for w, _ in found]
    # 新商品 is in one document only; 2024 is a number and 化 one character; 社長 is in most of
    # the index (40 of 50 documents: more than FEEDBACK_MAX_SHARE).
    # 銀行 is in all three documents; the words in two, by their share of the documents' words.
    assert words == ["銀行", "返済", "試算", "面談"]
    assert found[0][1] == 1.0 and all(0 < weight <= 1.0 for _, weight in found)


def test_the_query_s_own_words_are_left_out_and_the_number_is_bounded():
    found = feedback_words(statistics("銀行 返済", "銀行 返済"), exclude={"銀行"})
    assert [w for w, _ in found] == ["返済"]
    many = " ".join(f"語{i:02}" for i in range(40))
    FREQUENCIES.update({f"語{i:02}": 2 for i in range(40)})
    assert len(feedback_words(statistics(many, many))) == FEEDBACK_TERMS


def test_one_document_gives_its_own_words_and_none_gives_nothing():
    assert [w for w, _ in feedback_words(statistics("新商品 銀行"))] == ["新商品", "銀行"]
    assert feedback_words(statistics()) == ()
    assert feedback_words(statistics("")) == ()


class Engine:
    """An engine that answers `total` documents of an index of 50 and records its searches."""

    def __init__(self, total: int, related: int = 0):
        self.total = total
        self.related = related  # what the feedback words find alone, where they may
        self.searches: list[SearchRequest] = []

    def search(self, request: SearchRequest) -> SearchResponse:
        self.searches.append(request)
        hits = [Hit(id=i, kind="case", score=1.0) for i in range(min(self.total, 3))]
        more = self.related if request.expansion and request.expansion_finds else 0
        return SearchResponse(total=self.total + more, hits=hits, facets={}, backend="test")

    def word_statistics(self, ids):
        return statistics(*["銀行 返済 面談"] * len(ids))


def test_an_answer_with_most_of_the_index_is_kept_and_a_smaller_one_is_asked_again():
    """The costliest queries (most of the index) are not run twice: little is left to find."""
    request = SearchRequest(text="資金繰り", kinds=("case",))
    most = Engine(total=int(FEEDBACK_MAX_SHARE * 50) + 1)
    assert search_with_feedback(most, request).total == most.total
    assert [r.expansion for r in most.searches] == [()]
    few = Engine(total=5)
    search_with_feedback(few, request)
    assert len(few.searches) == 2
    assert {w for w, _ in few.searches[1].expansion} == {"銀行", "返済", "面談"}
    # A later page: the best hits are asked for apart, without facets.
    few.searches.clear()
    search_with_feedback(few, replace(request, page=2))
    assert [(r.page, r.facets, bool(r.expansion)) for r in few.searches] == [
        (2, True, False),
        (1, False, False),
        (2, True, True),
    ]


def test_feedback_finds_related_pages_only_for_an_answer_under_a_page_and_counts_them():
    request = SearchRequest(text="資金繰り", kinds=("case",))
    small = Engine(total=5, related=7)
    response = search_with_feedback(small, request)
    assert small.searches[1].expansion_finds
    assert (response.total, response.related) == (12, 7)
    # The query's words fill a page: the feedback words reorder it and find nothing new.
    full = Engine(total=FEEDBACK_FIND_BELOW, related=7)
    assert FEEDBACK_FIND_BELOW < FEEDBACK_MAX_SHARE * 50  # asked again, not kept as it is
    response = search_with_feedback(full, request)
    assert full.searches[1].expansion and not full.searches[1].expansion_finds
    assert (response.total, response.related) == (FEEDBACK_FIND_BELOW, 0)


def test_a_later_page_of_an_answer_with_most_of_the_index_is_asked_once():
    request = SearchRequest(text="資金繰り", kinds=("case",), page=2)
    most = Engine(total=int(FEEDBACK_MAX_SHARE * 50) + 1)
    search_with_feedback(most, request)
    assert [r.page for r in most.searches] == [2]


class FilteredEngine(Engine):
    """Finds nothing under filters but what the feedback words find there."""

    def search(self, request: SearchRequest) -> SearchResponse:
        response = super().search(request)
        if not request.filters:
            return response
        found = self.related if request.expansion and request.expansion_finds else 0
        hits = [Hit(id=i, kind="case", score=1.0) for i in range(found)]
        return SearchResponse(total=found, hits=hits, facets={}, backend="test")


def test_a_filtered_query_that_finds_nothing_learns_from_its_hits_without_the_filters():
    request = SearchRequest(text="資金繰り", kinds=("case",), filters={"industry": ["H"]}, page=2)
    engine = FilteredEngine(total=3, related=4)
    response = search_with_feedback(engine, request)
    assert [(r.filters, r.page, r.facets, bool(r.expansion)) for r in engine.searches] == [
        ({"industry": ["H"]}, 2, True, False),  # the answer: nothing
        ({}, 1, False, False),  # the best hits without the filters
        ({"industry": ["H"]}, 2, True, True),  # their words, under the filters
    ]
    assert engine.searches[2].expansion_finds
    assert (response.total, response.related) == (4, 4)
    # Without filters, an empty answer is the answer.
    engine = Engine(total=0, related=4)
    assert search_with_feedback(engine, replace(request, filters={})).total == 0
    assert len(engine.searches) == 1
