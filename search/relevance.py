"""Judged relevance set (fixtures/relevance.json): nDCG@10 and recall@10 of the live search."""

import json
import math
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from . import registry, service
from .types import SearchRequest

K = 10
JUDGEMENTS = Path(settings.BASE_DIR) / "fixtures" / "relevance.json"


@dataclass(frozen=True)
class QueryScore:
    query: str
    ndcg: float
    recall: float
    top: list[str]


def _dcg(gains: list[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def evaluate(path: Path = JUDGEMENTS) -> list[QueryScore]:
    data = json.loads(path.read_text(encoding="utf-8"))
    names = {}  # page id -> its public id (external_id of a case, slug of know-how)
    for indexed in registry.indexed_types():
        names.update(indexed.model.objects.values_list("pk", indexed.public_id))
    scores = []
    for item in data["queries"]:
        filters = item.get("filters") or {}
        request = SearchRequest(
            text=item["q"],
            filters=filters,
            kinds=("case",) if filters else ("case", "knowhow"),
            page_size=K,
            facets=False,
            highlight=False,
        )
        top = [names.get(hit.id, "?") for hit in service.search(request).hits]
        judged = item["judgements"]
        gains = [judged.get(name, 0) for name in top]
        ideal = _dcg(sorted(judged.values(), reverse=True)[:K])
        relevant = {name for name, grade in judged.items() if grade >= 1}
        found = len(relevant & set(top))
        # Recall is capped at K: a query with 20 relevant documents can still score 1.0.
        scores.append(
            QueryScore(item["q"], _dcg(gains) / ideal, found / min(len(relevant), K), top)
        )
    return scores


def summary(scores: list[QueryScore]) -> tuple[float, float]:
    return (sum(s.ndcg for s in scores) / len(scores), sum(s.recall for s in scores) / len(scores))
