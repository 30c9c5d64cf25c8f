"""The database fallback answers as the engines do: every word counts, facets from the one table."""

import functools
import operator

import pytest
from django.db.models import Q

from cases.models import CasePage
from search import service
from search.facets import FACETS
from search.types import SearchRequest, SearchUnavailable

pytestmark = pytest.mark.django_db


@pytest.fixture
def engine_down(monkeypatch):
    def down(self, request):
        raise SearchUnavailable("test: engine down")

    monkeypatch.setattr(type(service.backend()), "search", down)


def cases_with(*words: str) -> set[int]:
    """Published cases whose title or lead holds every one of `words`."""
    q = functools.reduce(
        operator.and_, [Q(title__icontains=w) | Q(lead__icontains=w) for w in words]
    )
    return set(CasePage.objects.live().public().filter(q).values_list("pk", flat=True))


def search(text: str = "", **kwargs) -> list[int]:
    response = service.search(SearchRequest(text=text, kinds=("case",), page_size=100, **kwargs))
    assert response.degraded and response.backend == "database"
    return [hit.id for hit in response.hits]


def test_every_word_counts_and_cases_with_more_of_them_come_first(engine_down):
    # Two words of the demo content such that some cases have both, and others only one.
    candidates = ["承継", "製造", "理念", "原価", "価格", "人材", "社長", "改善", "計画", "社員"]
    pairs = [(a, b) for a in candidates for b in candidates if a < b]
    one, other = next(
        (a, b)
        for a, b in pairs
        if cases_with(a, b) and cases_with(a) - cases_with(b) and cases_with(b) - cases_with(a)
    )
    both = cases_with(one, other)
    only_one = cases_with(one) - both
    only_other = cases_with(other) - both
    found = search(f"{one} {other}")
    # Before issue 12 the words were ANDed: only `both` was found.
    assert set(found) == both | only_one | only_other
    assert set(found[: len(both)]) == both


def test_a_sentence_is_searched_by_its_content_words(engine_down):
    # The engine's units (後継者が理念を言語化 → 後継者, 理念, 言語化): the particles are no word.
    found = set(search("承継が製造の"))
    assert found == cases_with("承継") | cases_with("製造")
    assert search("のが") == []  # only particles: nothing a case could contain


def test_query_words_filter_in_the_database_too(engine_down):
    sixties = set(
        CasePage.objects.live().public().filter(owner_age="60s").values_list("pk", flat=True)
    )
    assert sixties
    response = service.search(
        SearchRequest(text="60歳代", kinds=("case",), page_size=100, facet_words=True)
    )
    assert response.degraded and {h.id for h in response.hits} == sixties
    assert [(w.word, w.facet, w.mode) for w in response.words] == [
        ("60歳代", "owner_age", "filter")
    ]


def test_every_facet_is_counted_by_the_database(engine_down):
    response = service.search(SearchRequest(kinds=("case",)))
    assert response.degraded
    for facet in FACETS:
        assert response.facets[facet.name], facet.name  # the demo cases have values of each
    ages = {f.value: f.count for f in response.facets["owner_age"]}
    for code, count in ages.items():
        assert CasePage.objects.live().public().filter(owner_age=code).count() == count
    vision = {f.value: f.count for f in response.facets["vision_articulated"]}
    assert vision.get("yes") == (
        CasePage.objects.live().public().filter(vision_articulated=True).count()
    )
