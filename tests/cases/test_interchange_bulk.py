"""The import's bulk writes leave the rows the per-page paths of Wagtail and publishing leave."""

import json
import random

import pytest
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page, ReferenceIndex

from cases.interchange import import_cases
from cases.models import CasePage
from cases.synthetic import synthetic_case
from publishing import media

pytestmark = pytest.mark.django_db

FIELDS = (
    "content_type_id",
    "base_content_type_id",
    "object_id",
    "to_content_type_id",
    "to_object_id",
    "model_path",
    "content_path",
    "content_path_hash",
)


def _records(count: int) -> list[dict]:
    return [synthetic_case(n, random.Random(n)) for n in range(1, count + 1)]


def _index_rows(pks) -> set[tuple]:
    return set(
        ReferenceIndex.objects.filter(
            base_content_type=ContentType.objects.get_for_model(Page),
            object_id__in=[str(pk) for pk in pks],
        ).values_list(*FIELDS)
    )


def test_bulk_reference_index_writes_what_create_or_update_for_object_writes():
    records = _records(12)
    import_cases([json.dumps(r, ensure_ascii=False) for r in records], workers=1)
    pages = list(CasePage.objects.filter(external_id__in=[r["id"] for r in records]))
    assert len(pages) == len(records)
    written = _index_rows(page.pk for page in pages)
    # Hashtags and the taxonomy of every case are references: there is something to compare.
    assert len(written) >= 2 * len(pages)
    ReferenceIndex.objects.filter(object_id__in=[str(page.pk) for page in pages]).delete()
    for page in pages:
        ReferenceIndex.create_or_update_for_object(page)
    assert _index_rows(page.pk for page in pages) == written


def test_imported_pages_are_filed_by_the_bulk_release_not_page_by_page(monkeypatch):
    """The media of a chunk's published cases are filed once for the chunk; page_published,
    still sent for each case (search, page cache, publishing.services), does not do it again."""
    per_page, bulk = [], []
    monkeypatch.setattr(media, "release_for", per_page.append)
    release_for_pages = media.release_for_pages
    monkeypatch.setattr(
        media,
        "release_for_pages",
        lambda pages: bulk.append(len(pages)) or release_for_pages(pages),
    )
    records = _records(12)
    report = import_cases([json.dumps(r, ensure_ascii=False) for r in records], workers=1)
    assert report.published > 0
    assert per_page == []
    assert bulk == [report.published]


def _counting(monkeypatch) -> list[str]:
    """Every text the detector reads, through the screening or the publication gate."""
    from privacy import anonymise, screening

    seen: list[str] = []
    detect = screening._detect

    def counted(text, **kwargs):
        seen.append(text)
        return detect(text, **kwargs)

    monkeypatch.setattr(screening, "_detect", counted)
    monkeypatch.setattr(anonymise, "detect", counted)
    return seen


def test_the_detector_reads_each_text_once_per_import(monkeypatch):
    """The screening and the gate of a new case read the same title, lead and phases, and the
    gate the same labels on every case: one detection per distinct text in an import."""
    seen = _counting(monkeypatch)
    records = _records(12)
    report = import_cases([json.dumps(r, ensure_ascii=False) for r in records], workers=1)
    assert report.published > 0
    assert seen and len(seen) == len(set(seen))
    for record in records:
        if record.get("published_at") and report.published:
            assert record["lead"] in seen


def test_outside_an_import_nothing_is_kept(monkeypatch):
    from privacy import screening
    from privacy.anonymise import blocking_findings

    seen = _counting(monkeypatch)
    text = "連絡先は 03-1234-5678 です。"
    assert [f.kind for f in blocking_findings(text, {})] == ["phone"]
    assert [f.kind for f in screening.detect(text)] == ["phone"]
    assert seen == [text, text]
    with screening.one_import():
        assert [f.kind for f in screening.detect(text)] == ["phone"]
        assert [f.kind for f in blocking_findings(text, {})] == ["phone"]
        # Other known names are another question.
        assert blocking_findings("山田商店の話", {"organisations": ["山田商店"]})
    assert seen == [text, text, text, "山田商店の話"]


def test_revision_content_is_what_wagtail_would_store():
    """The revision of an imported case holds the page as serializable_data reads it back from
    the database (its child relations included), without a query per page and relation."""
    from wagtail.models import Revision

    records = _records(3)
    import_cases([json.dumps(r, ensure_ascii=False) for r in records], workers=1)
    for page in CasePage.objects.filter(external_id__in=[r["id"] for r in records]):
        content = Revision.objects.get(pk=page.latest_revision_id).content
        stored = json.loads(json.dumps(page.serializable_data(), cls=_encoder()))
        for key in ("latest_revision", "live_revision", "latest_revision_created_at"):
            stored.pop(key), content.pop(key)
        assert _streams_decoded(content) == _streams_decoded(stored)


def _streams_decoded(value):
    """serializable_data writes a StreamField as a JSON string, its keys in the order of the
    value in hand: the one read back from PostgreSQL's jsonb has them sorted. Compared decoded."""
    if isinstance(value, dict):
        return {key: _streams_decoded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_streams_decoded(item) for item in value]
    if isinstance(value, str) and value.startswith("[{"):
        return json.loads(value)
    return value


def _encoder():
    from django.core.serializers.json import DjangoJSONEncoder

    return DjangoJSONEncoder
