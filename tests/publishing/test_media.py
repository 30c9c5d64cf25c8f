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


# --- The import's bulk release (publishing.media.release_for_pages) -----------------------------


def _private_photo(title: str):
    from django.core.files.base import ContentFile

    from publishing import media

    out = io.BytesIO()
    PILImage.new("RGB", (8, 8), "white").save(out, "JPEG")
    return get_image_model().objects.create(
        title=title,
        file=ContentFile(out.getvalue(), name=f"{title}.jpg"),
        width=8,
        height=8,
        collection=media.media_collections().private,
    )


def _case_showing(*images):
    from wagtail.models import ReferenceIndex

    from tests.factories import CasePageFactory

    page = CasePageFactory()
    section = page.sections.first()
    for image in images:
        section.body.append(("figure", {"image": image, "alt": "写真", "caption": ""}))
    section.save()
    ReferenceIndex.create_or_update_for_object(page)
    return page


def _filed(images) -> list[tuple[str, bool]]:
    """Each image's collection and whether its file is on the private side."""
    from publishing.storage import is_private_name

    found = []
    for image in images:
        image.refresh_from_db()
        found.append((image.collection.name, is_private_name(image.file.name)))
    return found


def test_bulk_release_files_media_as_the_per_page_release_does(django_capture_on_commit_callbacks):
    """Two set-ups alike: one released page by page (the editor's path), one in bulk (the import)."""
    from publishing import media

    outcomes = []
    for release in ("per page", "bulk"):
        shared, own, unused = (
            _private_photo(f"{release}-{n}") for n in ("shared", "own", "unused")
        )
        pages = [_case_showing(shared), _case_showing(shared, own)]
        with django_capture_on_commit_callbacks(execute=True):
            if release == "bulk":
                moved = media.release_for_pages(pages)
            else:
                moved = sum(media.release_for(page) for page in pages)
        outcomes.append((moved, _filed([shared, own, unused])))
    assert outcomes[0] == outcomes[1]
    assert outcomes[1] == (
        2,
        [(media.RELEASED_COLLECTION, False), (media.RELEASED_COLLECTION, False)]
        + [(media.PRIVATE_COLLECTION, True)],
    )


def test_page_published_after_the_bulk_release_does_not_release_again(
    django_capture_on_commit_callbacks,
):
    """The import sends page_published for each page after the bulk release: the receiver skips
    those pages once, and handles the next publication of the same object as before."""
    from wagtail.signals import page_published

    from cases.models import CasePage
    from publishing import media

    photo = _private_photo("marked")
    page = _case_showing(photo)
    with django_capture_on_commit_callbacks(execute=True):
        media.release_for_pages([page])
    photo.refresh_from_db()
    photo.collection = media.media_collections().private  # as if withdrawn meanwhile
    with django_capture_on_commit_callbacks(execute=True):
        photo.save()
        page_published.send(sender=CasePage, instance=page, revision=None)
    assert _filed([photo]) == [(media.PRIVATE_COLLECTION, True)]
    with django_capture_on_commit_callbacks(execute=True):
        page_published.send(sender=CasePage, instance=page, revision=None)
    assert _filed([photo]) == [(media.RELEASED_COLLECTION, False)]


def test_the_import_hook_releases_in_bulk(django_capture_on_commit_callbacks):
    from wagtail import hooks

    from cases.interchange import PUBLISHED_IN_BULK_HOOK
    from publishing import media

    photo = _private_photo("hooked")
    page = _case_showing(photo)
    with django_capture_on_commit_callbacks(execute=True):
        for handle in hooks.get_hooks(PUBLISHED_IN_BULK_HOOK):
            handle([page])
    assert _filed([photo])[0][0] == media.RELEASED_COLLECTION
