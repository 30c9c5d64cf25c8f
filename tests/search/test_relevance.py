import pytest

from search.relevance import evaluate, summary

pytestmark = pytest.mark.django_db

# Measured on the demo content with benchmarks/relevance.py; a change that lowers them fails.
MIN_NDCG_AT_10 = 0.87  # measured 0.876
MIN_RECALL_AT_10 = 0.74  # measured 0.746


def test_judged_queries_hold_their_ndcg_and_recall():
    scores = evaluate()
    assert len(scores) >= 30
    ndcg, recall = summary(scores)
    assert ndcg >= MIN_NDCG_AT_10, sorted((round(s.ndcg, 2), s.query) for s in scores)[:10]
    assert recall >= MIN_RECALL_AT_10
