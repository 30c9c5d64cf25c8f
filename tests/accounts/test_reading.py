"""Issue 14: the user list in 五十音順 by よみ, not by the code points of the kanji."""

import re

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.reading import guess, to_hiragana
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_reading_is_kept_in_hiragana():
    assert to_hiragana("ヤマダ　ハナコ") == "やまだはなこ"
    assert to_hiragana("ﾔﾏﾀﾞ") == "やまだ"


def test_a_common_name_gets_a_reading_guess():
    assert guess("青木") == "あおき"
    assert guess("") == ""


def test_user_list_is_in_gojuon_order(client, world):
    # Code point order would be 山田 (U+5C71) < 渡辺 (U+6E21) < 青木 (U+9752).
    for name, kana in (
        ("山田 太郎", "やまだ たろう"),
        ("渡辺 一郎", ""),
        ("青木 花子", "アオキ ハナコ"),
    ):
        User.objects.create_user(
            email=f"{len(kana)}-{ord(name[0])}@order.test",
            password="long-enough-passphrase",
            display_name=name,
            name_reading=kana,
        )
    assert User.objects.get(display_name="青木 花子").name_reading == "あおきはなこ"
    assert User.objects.get(display_name="渡辺 一郎").name_reading.startswith("わたなべ")
    login(client, world.secretariat)
    html = client.get(reverse("accounts:user_list"), {"q": "order.test"}).content.decode()
    names = re.findall(r"(青木 花子|山田 太郎|渡辺 一郎)</a>", html)
    assert names == ["青木 花子", "山田 太郎", "渡辺 一郎"]


def test_a_person_corrects_their_reading_in_the_profile(client, world):
    login(client, world.supporter)
    response = client.post(
        reverse("accounts:profile"),
        {"display_name": "東海林 誠", "name_reading": "ショウジ マコト"},
    )
    assert response.status_code == 302
    world.supporter.refresh_from_db()
    assert world.supporter.name_reading == "しょうじまこと"


def test_wagtail_shows_people_by_name():
    user = User(email="someone@example.test", display_name="山本 誠")
    assert user.get_full_name() == "山本 誠" and str(user) == "山本 誠"
    assert User(email="noname@example.test").get_full_name() == "noname@example.test"
