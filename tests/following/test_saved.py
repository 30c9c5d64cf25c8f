"""Issue 14: signed-in people save a case search, name it, choose its mail, edit and delete it."""

import re
from urllib.parse import quote

import pytest
from django.urls import reverse

from following.models import MAX_PER_USER, SavedSearch
from tests.conftest import login
from tests.factories import UserFactory

from .factories import SavedSearchFactory

pytestmark = pytest.mark.django_db

SAVE_BUTTON = "この検索を保存"


def test_the_list_page_offers_saving_to_signed_in_people_only(client, world):
    url = "/cases/?q=" + quote("傾聴") + "&industry=E&industry=zz"
    assert SAVE_BUTTON not in client.get(url).content.decode()
    login(client, world.contact)
    html = client.get(url).content.decode()
    form = re.search(
        r'<form class="follow__save" method="post" action="([^"]+)">(.*?)</form>', html, re.S
    )
    assert form and form[1] == reverse("following:saved_new") and SAVE_BUTTON in form[2]
    hidden = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form[2])
    assert ("q", "傾聴") in hidden and ("industry", "E") in hidden
    assert ("industry", "zz") not in hidden  # the code the page ignored


def test_save_name_and_choose_the_mail(client, world):
    login(client, world.supporter)
    # The list page's button: a form to name it, nothing saved yet.
    response = client.post(reverse("following:saved_new"), {"q": "傾聴", "industry": "E"})
    html = response.content.decode()
    assert response.status_code == 200 and not SavedSearch.objects.filter(user=world.supporter)
    assert "「傾聴」・業種: 製造業" in html
    assert "毎日" in html and "毎週" in html
    response = client.post(
        reverse("following:saved_new"),
        {
            "confirm": "1",
            "q": "傾聴",
            "industry": "E",
            "name": "製造業の傾聴",
            "frequency": "daily",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("following:saved_list")
    saved = SavedSearch.objects.get(user=world.supporter)
    assert (saved.name, saved.text, saved.filters, saved.frequency) == (
        "製造業の傾聴",
        "傾聴",
        {"industry": ["E"]},
        "daily",
    )
    listing = client.get(reverse("following:saved_list")).content.decode()
    assert "製造業の傾聴" in listing and "毎日" in listing
    assert reverse("following:case_feed") + "?q=" + quote("傾聴") + "&amp;industry=E" in listing


def test_a_name_is_required_and_nothing_is_lost(client, world):
    login(client, world.supporter)
    response = client.post(
        reverse("following:saved_new"),
        {"confirm": "1", "q": "傾聴", "name": "", "frequency": "weekly"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "入力内容を確認してください" in html
    assert 'name="q" value="傾聴"' in html  # the search is still in the form
    assert not SavedSearch.objects.filter(user=world.supporter).exists()


def test_bad_input_gets_a_japanese_400(client, world):
    login(client, world.supporter)
    response = client.post(reverse("following:saved_new"), {"q": "あ" * 201})
    assert response.status_code == 400 and "200 文字以内" in response.content.decode()


def test_at_most_twenty_per_person(client):
    user = UserFactory()
    for _ in range(MAX_PER_USER):
        SavedSearchFactory(user=user)
    login(client, user)
    response = client.post(
        reverse("following:saved_new"),
        {"confirm": "1", "q": "傾聴", "name": "21 件目", "frequency": "weekly"},
    )
    assert response.status_code == 200
    assert f"保存できる検索は {MAX_PER_USER} 件までです" in response.content.decode()
    assert SavedSearch.objects.filter(user=user).count() == MAX_PER_USER


def test_edit_and_delete_own_and_only_own(client):
    saved = SavedSearchFactory(frequency=SavedSearch.Frequency.NONE)
    stranger = UserFactory()
    login(client, stranger)
    for name in ("following:saved_edit", "following:saved_delete"):
        assert client.get(reverse(name, args=[saved.pk])).status_code == 404
        assert (
            client.post(
                reverse(name, args=[saved.pk]), {"name": "x", "frequency": "daily"}
            ).status_code
            == 404
        )
    login(client, saved.user)
    before = saved.checked_until
    response = client.post(
        reverse("following:saved_edit", args=[saved.pk]),
        {"name": "新しい名前", "frequency": "weekly"},
    )
    assert response.status_code == 302
    saved.refresh_from_db()
    assert (saved.name, saved.frequency) == ("新しい名前", "weekly")
    # Mail turned back on: what was published while it was off is not sent.
    assert saved.checked_until > before
    assert client.post(reverse("following:saved_delete", args=[saved.pk])).status_code == 302
    assert not SavedSearch.objects.filter(pk=saved.pk).exists()


def test_signing_in_is_needed(client):
    response = client.get(reverse("following:saved_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
