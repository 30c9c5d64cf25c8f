"""Attachments: viewable in the browser, versioned by name, private, audited on download."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from PIL import Image

from accounts.models import AuditEvent
from engagements.models import Attachment
from tests.conftest import login, tiny_png

pytestmark = pytest.mark.django_db


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _upload(client, visit, name, content, slot="visit_report"):
    return client.post(
        reverse("engagements:upload", args=[visit.pk]),
        {"slot": slot, "file": SimpleUploadedFile(name, content)},
    )


def test_excel_sheet_is_shown_as_a_table(client, world):
    login(client, world.supporter)
    _upload(
        client,
        world.visit_a,
        "ロカベン　財務.xlsx",
        _xlsx([["指標", "当期"], ["営業利益率", "2.2%"]]),
    )
    attachment = Attachment.objects.get(name="ロカベン　財務.xlsx")  # full-width space kept
    html = client.get(reverse("engagements:attachment", args=[attachment.pk])).content.decode()
    assert "<td>営業利益率</td>" in html
    assert "<td>2.2%</td>" in html


def test_same_name_makes_a_new_version_and_past_versions_follow_the_matrix(client, world):
    # world.file_old and world.file_a are versions 1 and 2 of ホワイトボード.png
    assert (world.file_old.version, world.file_a.version) == (1, 2)
    assert world.file_a.is_latest() and not world.file_old.is_latest()
    login(client, world.supporter)
    assert client.get(reverse("engagements:attachment", args=[world.file_a.pk])).status_code == 200
    assert (
        client.get(reverse("engagements:attachment", args=[world.file_old.pk])).status_code == 403
    )
    login(client, world.agency)
    assert (
        client.get(reverse("engagements:attachment", args=[world.file_old.pk])).status_code == 200
    )


def test_download_headers_and_audit(client, world):
    login(client, world.supporter)
    before = AuditEvent.objects.filter(action="download").count()
    response = client.get(reverse("engagements:attachment_download", args=[world.file_a.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    b"".join(response.streaming_content)
    events = AuditEvent.objects.filter(action="download")
    assert events.count() == before + 1
    event = events.latest("created_at")
    assert event.user == world.supporter
    assert event.target_id == str(world.file_a.pk)


def test_files_are_stored_privately_under_generated_names(client, world):
    stored = Path(world.file_a.file.path)
    assert stored.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))
    assert not stored.is_relative_to(Path(settings.MEDIA_ROOT))
    assert "ホワイトボード" not in str(stored)
    # Not reachable by guessing a URL: no media route serves the private folder.
    login(client, world.secretariat)
    assert client.get(f"/media/{world.file_a.file.name}").status_code == 404
    assert client.get(f"/private/{world.file_a.file.name}").status_code == 404


def test_photo_location_metadata_is_removed(client, world):
    image = Image.new("RGB", (64, 48), "white")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (35.0, 41.0, 22.0), 3: "E", 4: (139.0, 41.0, 30.0)}  # GPS
    raw = io.BytesIO()
    image.save(raw, "JPEG", exif=exif)
    login(client, world.supporter)
    _upload(client, world.visit_a, "whiteboard.jpg", raw.getvalue())
    attachment = Attachment.objects.get(name="whiteboard.jpg")
    served = client.get(reverse("engagements:attachment_inline", args=[attachment.pk]))
    data = b"".join(served.streaming_content)
    exif_out = Image.open(io.BytesIO(data)).getexif()
    assert 0x8825 not in exif_out and 0x010F not in exif_out


def test_xlsx_upload_is_viewable_and_downloadable_as_the_same_workbook(client, world):
    login(client, world.requesting)
    content = _xlsx([["項目", "値"], ["売上", 120]])
    response = _upload(client, world.visit_a, "計画.xlsx", content, slot="visit_plan")
    assert response.status_code == 302
    attachment = Attachment.objects.get(name="計画.xlsx")
    download = client.get(reverse("engagements:attachment_download", args=[attachment.pk]))
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert workbook.active["A2"].value == "売上"


def test_image_is_shown_inline_on_its_page(client, world):
    login(client, world.support)
    html = client.get(reverse("engagements:attachment", args=[world.file_a.pk])).content.decode()
    assert reverse("engagements:attachment_inline", args=[world.file_a.pk]) in html
    assert 'alt="添付写真' in html
    inline = client.get(reverse("engagements:attachment_inline", args=[world.file_a.pk]))
    assert inline["Content-Type"] == "image/png"
    assert inline["Content-Disposition"].startswith("inline;")


def test_upload_of_a_photo_with_a_tricky_name(client, world):
    login(client, world.supporter)
    response = _upload(client, world.visit_a, "../../etc/会議\u202emeta.png", tiny_png())
    assert response.status_code == 302
    attachment = Attachment.objects.latest("uploaded_at")
    assert "/" not in attachment.name and "\u202e" not in attachment.name
