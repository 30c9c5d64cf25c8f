import random

import pytest
from django.contrib.auth.password_validation import (
    CommonPasswordValidator,
    validate_password,
)
from django.core.exceptions import ValidationError

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_eleven_characters_are_rejected_and_twelve_accepted():
    user = User(email="length@example.test", display_name="長さ 確認")
    with pytest.raises(ValidationError) as excinfo:
        validate_password("kjhgfdsaqwe", user)
    assert "12" in " ".join(excinfo.value.messages)
    validate_password("kjhgfdsaqwer", user)


@pytest.mark.parametrize(
    "passphrase",
    [
        "ながいパスフレーズは覚えやすい",
        "朝の商店街でコーヒーを二杯のむ",
        "x" * 20 + "長い文も六十四文字まで問題なく使えることを確かめるための文章です" + "y" * 12,
    ],
)
def test_long_passphrases_without_digits_are_accepted(passphrase):
    validate_password(passphrase, User(email="phrase@example.test"))


def test_sampled_common_passwords_are_rejected():
    common = sorted(CommonPasswordValidator().passwords)
    sample = random.Random(2026).sample(common, 20)
    for password in sample:
        with pytest.raises(ValidationError):
            validate_password(password, User(email="common@example.test"))


def test_set_password_form_explains_the_rule_in_japanese(client, user_with_role):
    from accounts.invitations import set_password_url

    user = user_with_role(None, "short@example.test")
    user.set_unusable_password()
    user.save()
    response = client.get(set_password_url(user), follow=True)
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "abcdefghijk", "new_password2": "abcdefghijk"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    # The rule is always printed above the form; the refusal must be the field's own error.
    assert 'id="id_new_password2_error"><li>このパスワードは短すぎます。' in html
    user.refresh_from_db()
    assert not user.has_usable_password()
