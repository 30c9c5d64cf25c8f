"""Issue 14: a new record says it is unsaved, dates read alike everywhere, photos show as pictures."""

import re

import pytest
from django.urls import reverse

from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_a_new_record_says_it_is_not_saved_yet(client, world):
    login(client, world.supporter)
    html = client.get(
        reverse("engagements:record_edit", args=[world.visit_a.pk, "plan"])
    ).content.decode()
    assert "第0版" not in html
    assert "まだ保存されていません。保存すると第1版になり" in html


def test_a_saved_record_names_its_version(client, world):
    login(client, world.supporter)
    html = client.get(
        reverse("engagements:record_edit", args=[world.visit_a.pk, "report"])
    ).content.decode()
    assert "現在は第1版です。" in html


def test_report_dates_read_like_every_other_date(client, world):
    login(client, world.supporter)
    html = client.get(reverse("engagements:visit", args=[world.visit_a.pk])).content.decode()
    assert "2026年5月1日" in html  # held_on of the world's report
    assert "2026-05-01" not in html


def test_photos_show_as_thumbnails_through_the_checked_view(client, world):
    login(client, world.supporter)
    html = client.get(reverse("engagements:visit", args=[world.visit_a.pk])).content.decode()
    src = reverse("engagements:attachment_inline", args=[world.file_a.pk])
    assert re.search(rf'<img class="thumbnail" src="{src}" alt="" loading="lazy">', html)
    response = client.get(src)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    # Someone outside the engagement gets nothing, thumbnail or not.
    login(client, world.supporter_b)
    assert client.get(src).status_code == 404
