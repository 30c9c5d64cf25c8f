"""The approval checklist binds cases written in the platform, not well-formed imports."""

import json

import pytest

from cases.interchange import import_cases
from cases.models import CasePage

# The import publishes: a search index of the test's own (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_search_index")]

RECORD = {
    "id": "import-no-points",
    "title": "ポイントのない取り込み事例",
    "lead": "販路を見直した。",
    "company": {"industry": "A", "region": "kanto", "employees": "6-20"},
    "phases": [{"phase": "awareness", "heading": "気づき", "body": "本文です。"}],
    "published_at": "2024-05-01",
}


def test_an_imported_case_without_points_or_hashtags_is_published(tmp_path):
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(RECORD, ensure_ascii=False) + "\n", encoding="utf-8")
    with path.open(encoding="utf-8") as handle:
        report = import_cases(handle)
    assert report.published == 1, report
    assert CasePage.objects.get(external_id="import-no-points").live
