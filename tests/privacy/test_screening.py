"""The bulk import keeps an already anonymised case published unless something is really found."""

import json

import pytest

from cases.interchange import import_cases
from cases.models import CasePage
from cases.synthetic import synthetic_case

pytestmark = pytest.mark.django_db

COMMON_NOUNS = (
    "漁師町で三代続く加工場。城下町と門前町の商店街に卸し、県内と市内の飲食店にも届ける。"
)


def _import(record: dict):
    return import_cases([json.dumps(record, ensure_ascii=False)])


def test_common_nouns_like_place_names_do_not_hold_an_anonymised_case_back():
    record = synthetic_case(21)
    record["published_at"] = "2024-01-10"
    record["background"] = COMMON_NOUNS + (record.get("background") or "")
    report = _import(record)
    assert report.held_back == []
    assert (report.published, report.drafts) == (1, 0)
    assert CasePage.objects.get(external_id=record["id"]).live


def test_what_is_really_found_holds_the_case_back_and_is_named():
    record = synthetic_case(22)
    record["published_at"] = "2024-01-10"
    record["background"] = COMMON_NOUNS + "担当は株式会社ミナト水産の佐藤課長（090-1234-5678）。"
    report = _import(record)
    assert report.drafts == 1
    assert not CasePage.objects.get(external_id=record["id"]).live
    [message] = report.held_back
    for found in ("株式会社ミナト水産", "佐藤", "090-1234-5678"):
        assert f"「{found}」" in message
    assert "漁師町" not in message and "城下町" not in message and "商店街" not in message
