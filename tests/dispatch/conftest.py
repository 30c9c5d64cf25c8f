"""Objects in the registry format (docs/registry-format.md) and helpers to put them in the database."""

import copy
import json

import pytest

from dispatch import interchange
from dispatch.models import DispatchRequest, Supporter

SUPPORTER = {
    "id": "sup-0001",
    "name": "山田 太郎",
    "email": "yamada@example.jp",
    "category": 1,
    "recommended_by": "diagnosis-association",
    "home_prefecture": "17",
    "travel": "neighbouring",
    "qualifications": ["sme-consultant"],
    "training": {"intro-video": "completed", "skills-1": "completed", "case-course": "registered"},
    "type": 2,
    "max_engagements": 2,
    "experience": [
        {
            "industry": "E",
            "employees": "21-50",
            "content": "生産管理の見直し",
            "role": "lead",
            "years": 3,
        }
    ],
    "conflicts": [
        {"industry": "E", "prefecture": "17", "company": None, "note": "現在の顧問先が同業"}
    ],
    "relationships": [{"with": "req-body:yorozu-17", "kind": "positive", "note": ""}],
    "motto": "経営者の言葉を待つ",
    "notes": "事務局面談メモ",
}
REQUEST = {
    "id": "req-0001",
    "received": "2026-05-10",
    "company": {
        "id": "co-0001",
        "name": "株式会社サンプル",
        "industry": "E",
        "prefecture": "17",
        "employees": "21-50",
        "sales": "100m-1b",
        "owner_type": "founder",
        "owner_age": "60s",
    },
    "requesting_body": {"id": "yorozu-17", "kind": "yorozu", "prefecture": "17"},
    "approach": "issue-setting",
    "needs": "事業承継を前に、社長が何から手をつけるか整理したい",
    "desired": "製造業の現場が分かる方",
    "exclude": ["sup-0012"],
    "consent_signed": "2026-05-20",
}
ALL_COMPLETED = dict.fromkeys(("intro-video", "skills-1", "skills-2", "skills-3"), "completed")


def supporter_obj(**overrides) -> dict:
    """A valid supporter with no conflicts or relationships unless given (rules are tested one by one)."""
    obj = copy.deepcopy(SUPPORTER)
    obj.update(conflicts=[], relationships=[], experience=[], training=dict(ALL_COMPLETED))
    obj.update(overrides)
    if "email" not in overrides:
        obj["email"] = f"{obj['id']}@example.jp"
    return obj


def request_obj(**overrides) -> dict:
    obj = copy.deepcopy(REQUEST)
    company = overrides.pop("company", {})
    obj["company"].update(company)
    obj.update(overrides)
    return obj


def jsonl(objects) -> bytes:
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects).encode()


def put(kind: str, *objects):
    """Checked and imported exactly as a file would be; returns the model rows by id."""
    rows = [(n, o) for n, o in enumerate(objects, start=1)]
    interchange.import_objects(kind, interchange.check_rows(kind, rows))
    model = Supporter if kind == interchange.SUPPORTERS else DispatchRequest
    return {
        o.external_id: o for o in model.objects.filter(external_id__in=[x["id"] for x in objects])
    }


@pytest.fixture
def empty_registry(db):
    """No supporter or request besides those a test adds (the demo data has its own)."""
    DispatchRequest.objects.all().delete()
    Supporter.objects.all().delete()
