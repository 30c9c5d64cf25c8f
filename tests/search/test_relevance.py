import pytest

from search import service
from search.relevance import evaluate, summary
from search.types import SearchRequest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, scope="module")
def index_of_the_demo_content(django_db_blocker):
    """The shared index rebuilt from the session's database: earlier tests that published and
    rolled back may have left hits for pages that no longer exist, which would skew the figures."""
    with django_db_blocker.unblock():
        service.rebuild()


# Measured on the demo content with benchmarks/relevance.py; a change that lowers them fails.
MIN_NDCG_AT_10 = 0.88  # measured 0.886 (0.876 before issue 12; BM25-OR: 0.838)
MIN_RECALL_AT_10 = 0.79  # measured 0.791 (0.746 before issue 12; BM25-OR: 0.736)


def test_judged_queries_hold_their_ndcg_and_recall():
    scores = evaluate()
    assert len(scores) >= 30
    ndcg, recall = summary(scores)
    assert ndcg >= MIN_NDCG_AT_10, sorted((round(s.ndcg, 2), s.query) for s in scores)[:10]
    assert recall >= MIN_RECALL_AT_10


# Issue 12: on the demo content each of these found nothing or one case, although many cases are
# about it: words were ANDed and a compound had to occur verbatim.
ABOUT_DEMO_CASES = [
    "原価低減",
    "業務効率化",
    "事業計画策定",
    "省人化",
    "生産性向上",
    "経営理念策定",
    "新規事業",
    "資金繰り改善",
    "ロカベン 製造業",
    "「ロカベン 製造業」",  # quoted: found nowhere as written, so asked again unquoted
]


@pytest.mark.parametrize("query", ABOUT_DEMO_CASES)
def test_compounds_and_word_pairs_find_the_cases_about_them(query):
    response = service.search(SearchRequest(text=query, kinds=("case",), facets=False))
    assert response.backend == "embedded" and not response.degraded
    assert response.total >= 3, (query, response.total)


def test_the_first_result_has_every_word_of_a_pair():
    from cases import documents
    from cases.models import CasePage

    response = service.search(SearchRequest(text="ロカベン 製造業", kinds=("case",)))
    first = documents.case_document(CasePage.objects.get(pk=response.hits[0].id))
    text = f"{first.title} {first.body}"
    assert "製造" in text and ("ローカルベンチマーク" in text or "ロカベン" in text)
