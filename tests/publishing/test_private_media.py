"""Drafts' images and documents stay private until a page that uses them is published.

The demo engagement 2026-001 has whiteboard photos in its visit reports; the case draft made from
it copies them into Wagtail images. Before publication nobody but the roles that see every
engagement may fetch them (originals or renditions), nor find them in the admin's choosers.
"""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from accounts import roles
from cases.models import CasePage
from engagements.models import Engagement
from publishing import media
from publishing.drafting import case_draft_from_engagement
from tests.conftest import login
from tests.factories import CasePageFactory, UserFactory
from tests.publishing.test_pipeline import _anonymise_all

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.publishing.media_urls")]

CODE = "2026-001"
NGINX_CONF = Path(settings.BASE_DIR) / "docker" / "nginx.conf"


@pytest.fixture(autouse=True)
def _forget_cached_renditions():
    # Wagtail caches renditions by image id; the database rolls back between tests, the cache not.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def people():
    engagement = Engagement.objects.get(code=CODE)
    return SimpleNamespace(
        secretariat=UserFactory(role=roles.SECRETARIAT),
        editor=UserFactory(role=roles.EDITOR),
        agency=UserFactory(role=roles.AGENCY),
        trainer=UserFactory(role=roles.TRAINER),
        # The engagement's own supporter: even its team does not see the draft's photos.
        supporter=engagement.members.get(role="supporter").user,
    )


@pytest.fixture
def draft(people) -> CasePage:
    return case_draft_from_engagement(Engagement.objects.get(code=CODE), user=people.secretariat)


def _photos():
    return list(get_image_model().objects.filter(title__startswith=f"{CODE} 第"))


def _urls(image) -> list[str]:
    return [image.file.url, image.get_rendition("fill-120x80").url]


def _listing(client, url_name: str) -> str:
    """The HTML of an admin listing; choosers answer JSON (with non-ASCII escaped)."""
    response = client.get(reverse(url_name))
    assert response.status_code == 200, url_name
    if response["Content-Type"].startswith("application/json"):
        return response.json()["html"]
    return response.content.decode()


def _status(client, url: str) -> int:
    return client.get(url).status_code


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _in(folder, path: str) -> bool:
    return Path(path).resolve().is_relative_to(Path(folder).resolve())


def _publish(client, page, user, captured) -> CasePage:
    login(client, user)
    assert _anonymise_all(client, page).status_code == 302
    with captured(execute=True):
        page.get_latest_revision().publish(user=user)
    page.refresh_from_db()
    assert page.live
    client.logout()
    return page


def test_draft_photos_are_private_files_anonymous_gets_404(client, draft):
    photos = _photos()
    assert photos, "the demo engagement has report photos"
    for image in photos:
        assert media.is_private(image)
        rendition = image.get_rendition("fill-120x80")
        # Neither the original nor the rendition is under MEDIA_ROOT (what nginx serves).
        assert not _in(settings.MEDIA_ROOT, image.file.path)
        assert not _in(settings.MEDIA_ROOT, rendition.file.path)
        for url in _urls(image):
            assert _status(client, url) == 404, url
        # Nor under the names the old code used.
        assert _status(client, f"{settings.MEDIA_URL}{image.file.name}") == 404


def test_roles_that_see_engagements_open_them_through_the_checked_view(client, people, draft):
    image = _photos()[0]
    with image.file.open("rb") as handle:
        original = handle.read()
    for user in (people.secretariat, people.editor, people.agency):
        login(client, user)
        response = client.get(image.file.url)
        assert response.status_code == 200, user.email
        assert _body(response) == original
        assert response["Content-Type"] == "image/jpeg"
        assert "no-store" in response["Cache-Control"]
        rendition = client.get(image.get_rendition("fill-120x80").url)
        assert rendition.status_code == 200
        client.logout()
    for user in (people.trainer, people.supporter):
        login(client, user)
        for url in _urls(image):
            assert _status(client, url) == 404, (user.email, url)
        client.logout()


@pytest.mark.parametrize(
    "url_name", ["wagtailimages:index", "wagtailimages_chooser:choose"], ids=["index", "chooser"]
)
def test_trainer_does_not_find_them_in_the_admin(client, people, draft, url_name):
    title = _photos()[0].title
    login(client, people.trainer)
    html = _listing(client, url_name)
    assert title not in html
    assert "/private-media/" not in html
    login(client, people.secretariat)
    if url_name == "wagtailimages_chooser:choose":
        html = _listing(client, url_name)
        assert title in html
        assert "/private-media/" in html  # thumbnails go through the checked view


def test_trainer_still_chooses_public_images(client, people):
    Image = get_image_model()
    public = Image.objects.create(
        title="研修用の図", file=ContentFile(_jpeg(), name="figure.jpg"), width=8, height=8
    )
    assert not media.is_private(public)
    # Saved in the root collection: filed under 公開素材, where the trainers' permission sits.
    assert public.collection.name == media.PUBLIC_COLLECTION
    login(client, people.trainer)
    assert "研修用の図" in _listing(client, "wagtailimages_chooser:choose")


def test_publishing_makes_them_public_and_unpublishing_private_again(
    client, people, draft, django_capture_on_commit_callbacks
):
    private_urls = {image.pk: _urls(image) for image in _photos()}
    _publish(client, draft, people.secretariat, django_capture_on_commit_callbacks)
    for image in _photos():
        image.refresh_from_db()
        assert image.collection.name == media.RELEASED_COLLECTION
        assert _in(settings.MEDIA_ROOT, image.file.path)
        for url in _urls(image):
            assert url.startswith(settings.MEDIA_URL)
            assert _status(client, url) == 200, url
        # The private addresses are gone with the private files.
        for url in private_urls[image.pk]:
            assert _status(client, url) == 404
    login(client, people.trainer)
    assert _photos()[0].title in _listing(client, "wagtailimages_chooser:choose")
    client.logout()

    public_urls = {image.pk: _urls(image) for image in _photos()}
    with django_capture_on_commit_callbacks(execute=True):
        draft.unpublish(user=people.secretariat)
    for image in _photos():
        image.refresh_from_db()
        assert media.is_private(image)
        assert not _in(settings.MEDIA_ROOT, image.file.path)
        for url in public_urls[image.pk] + _urls(image):
            assert _status(client, url) == 404, url


def test_deleting_the_published_page_makes_them_private(
    client, people, draft, django_capture_on_commit_callbacks
):
    _publish(client, draft, people.secretariat, django_capture_on_commit_callbacks)
    public_urls = [url for image in _photos() for url in _urls(image)]
    assert all(_status(client, url) == 200 for url in public_urls)
    with django_capture_on_commit_callbacks(execute=True):
        CasePage.objects.get(pk=draft.pk).delete()
    for image in _photos():
        assert media.is_private(image)
        for url in _urls(image):
            assert _status(client, url) == 404
    for url in public_urls:
        assert _status(client, url) == 404, url


def test_photo_used_by_another_live_page_stays_public(
    client, people, draft, django_capture_on_commit_callbacks
):
    _publish(client, draft, people.secretariat, django_capture_on_commit_callbacks)
    image = _photos()[0]
    other = CasePageFactory()
    # Another published case shows the same photo (its reference index row says so).
    from wagtail.models import ReferenceIndex

    section = other.sections.first()
    section.body.append(("figure", {"image": image, "alt": "写真", "caption": ""}))
    section.save()
    ReferenceIndex.create_or_update_for_object(other)
    with django_capture_on_commit_callbacks(execute=True):
        draft.unpublish(user=people.secretariat)
    image.refresh_from_db()
    assert not media.is_private(image)
    assert _status(client, image.file.url) == 200


def test_private_document_is_refused_to_those_who_may_not_see_it(client, people):
    Document = get_document_model()
    document = Document.objects.create(
        title="下書きの資料",
        file=ContentFile(b"%PDF-1.4 draft", name="draft.pdf"),
        collection=media.media_collections().private,
    )
    assert not _in(settings.MEDIA_ROOT, document.file.path)
    assert _status(client, document.url) == 404
    assert _status(client, f"{settings.MEDIA_URL}documents/draft.pdf") == 404
    login(client, people.trainer)
    assert _status(client, document.url) == 404
    assert "下書きの資料" not in _listing(client, "wagtaildocs_chooser:choose")
    assert "下書きの資料" not in _listing(client, "wagtaildocs:index")
    login(client, people.secretariat)
    response = client.get(document.url)
    assert response.status_code == 200
    assert _body(response) == b"%PDF-1.4 draft"
    assert "下書きの資料" in _listing(client, "wagtaildocs_chooser:choose")


def test_moving_an_image_to_the_private_collection_moves_its_file(
    client, django_capture_on_commit_callbacks
):
    image = get_image_model().objects.create(
        title="公開の写真", file=ContentFile(_jpeg(), name="shared.jpg"), width=8, height=8
    )
    public_url = image.get_rendition("fill-4x4").url
    assert _status(client, public_url) == 200
    image.collection = media.media_collections().private
    with django_capture_on_commit_callbacks(execute=True):
        image.save()
    assert not _in(settings.MEDIA_ROOT, image.file.path)
    assert _status(client, public_url) == 404
    assert _status(client, image.get_rendition("fill-4x4").url) == 404


def test_site_setup_files_photos_left_public_by_earlier_versions(
    client, people, django_capture_on_commit_callbacks
):
    """Sites where drafts already copied photos into the root collection and MEDIA_ROOT."""
    from wagtail.images import get_image_model
    from wagtail.models import ReferenceIndex

    from home.site_setup import setup_site

    page = case_draft_from_engagement(Engagement.objects.get(code=CODE), user=people.secretariat)
    image = _photos()[0]
    root = Collection.get_first_root_node()
    # What the old code left behind: the root collection and a public file name.
    legacy_name = image.file.storage.save("original_images/case-photo.jpg", image.file.open("rb"))
    get_image_model().objects.filter(pk=image.pk).update(collection=root, file=legacy_name)
    ReferenceIndex.create_or_update_for_object(page)
    image.refresh_from_db()
    assert _status(client, image.file.url) == 200

    with django_capture_on_commit_callbacks(execute=True):
        setup_site()
    image.refresh_from_db()
    assert media.is_private(image)
    assert _status(client, image.file.url) == 404
    assert _status(client, f"{settings.MEDIA_URL}{legacy_name}") == 404


def test_nginx_serves_only_public_media_directly():
    """Every location that serves files from disk must be under the public media volume."""
    conf = NGINX_CONF.read_text()
    served = re.findall(r"location\s+([^\s{]+)\s*\{([^}]*)\}", conf)
    assert served, "nginx.conf has no location blocks"
    private_root = "/data/private"
    for prefix, block in served:
        for directive, path in re.findall(r"^\s*(alias|root)\s+([^;]+);", block, re.MULTILINE):
            assert path.startswith("/data/media/"), (prefix, directive, path)
            assert not path.startswith(private_root), (prefix, path)
            # A private name under the public folder would still be served from disk.
            assert "private" not in prefix and "private" not in path, (prefix, path)
        assert not prefix.startswith("/private-media"), "private media must go through Django"
    # The private prefix is handled by Django (the catch-all proxy), never from disk.
    assert re.search(r"location\s+/\s*\{[^}]*proxy_pass", conf)
    # And the storage never writes private names under MEDIA_ROOT.
    assert not str(Path(settings.PRIVATE_MEDIA_ROOT).resolve()).startswith(
        str(Path(settings.MEDIA_ROOT).resolve()) + "/"
    )


def _jpeg() -> bytes:
    import io

    from PIL import Image as PILImage

    out = io.BytesIO()
    PILImage.new("RGB", (8, 8), "white").save(out, "JPEG")
    return out.getvalue()
