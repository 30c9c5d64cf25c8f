"""Images and documents of cases: metadata removed on upload, and checked again before publishing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from publishing.gate import blocking_problems
from tests.conftest import login

pytestmark = pytest.mark.django_db


def gps_jpeg() -> bytes:
    image = PILImage.new("RGB", (120, 90), "white")
    exif = PILImage.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (35.0, 41.0, 22.0), 3: "E", 4: (139.0, 41.0, 30.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def secretariat(user_with_role):
    from accounts import roles

    return user_with_role(roles.SECRETARIAT, "media-secretariat@example.test")


def test_image_uploaded_in_the_admin_loses_its_location(client, secretariat):
    login(client, secretariat)
    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": "ホワイトボード",
            "collection": 1,
            "file": SimpleUploadedFile("wb.jpg", gps_jpeg()),
        },
    )
    assert response.status_code == 302, response.content[:300]
    image = get_image_model().objects.get(title="ホワイトボード")
    with image.file.open("rb") as handle:
        exif = PILImage.open(io.BytesIO(handle.read())).getexif()
    assert 0x8825 not in exif and 0x010F not in exif


def test_hostile_image_is_refused_in_the_admin(client, secretariat):
    login(client, secretariat)
    response = client.post(
        reverse("wagtailimages:add"),
        {"title": "偽物", "collection": 1, "file": SimpleUploadedFile("x.png", b"<html><script>")},
    )
    assert response.status_code == 200
    assert not get_image_model().objects.filter(title="偽物").exists()


def test_document_author_is_removed(client, secretariat):
    from tests.uploads.hostile import docx_bytes

    login(client, secretariat)
    response = client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "配布資料",
            "collection": 1,
            "file": SimpleUploadedFile("資料.docx", docx_bytes(creator="山田太郎")),
        },
    )
    assert response.status_code == 302, response.content[:300]
    document = get_document_model().objects.get(title="配布資料")
    with document.file.open("rb") as handle:
        assert "山田太郎".encode() not in handle.read()


def test_gate_refuses_an_image_that_still_has_metadata():
    from cases.models import CasePage, CaseSection

    image = get_image_model().objects.create(
        title="古い写真", file=SimpleUploadedFile("old.jpg", gps_jpeg()), width=120, height=90
    )
    page = CasePage(title="事例", lead="要約")
    page.sections = [
        CaseSection(
            phase="trust",
            heading="初回",
            body=[("figure", {"image": image, "alt": "写真", "caption": ""})],
        )
    ]
    problems = blocking_problems(page)
    assert any("古い写真" in p and "GPS" in p for p in problems)
