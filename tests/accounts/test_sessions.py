import pytest
from django.conf import settings

from accounts.middleware import SESSION_SEEN, SESSION_STARTED, _now

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

PROFILE = "/accounts/profile/"


def sign_in(client, user):
    response = client.post("/accounts/login/", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def move_session(client, **seconds_ago):
    session = client.session
    for key, ago in seconds_ago.items():
        session[key] = _now() - ago
    session.save()


def test_active_session_stays(client, supporter):
    sign_in(client, supporter)
    move_session(client, **{SESSION_SEEN: 29 * 60, SESSION_STARTED: 11 * 3600})
    assert client.get(PROFILE).status_code == 200


def test_idle_timeout_logs_out_with_a_japanese_message(client, supporter):
    sign_in(client, supporter)
    move_session(client, **{SESSION_SEEN: settings.SESSION_IDLE_TIMEOUT + 1})
    response = client.get(PROFILE, follow=True)
    assert response.redirect_chain[0][0].startswith("/accounts/login/")
    assert "30 分間操作がなかったため、ログアウトしました" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_absolute_timeout_logs_out_even_when_active(client, supporter):
    sign_in(client, supporter)
    move_session(
        client, **{SESSION_STARTED: settings.SESSION_ABSOLUTE_TIMEOUT + 1, SESSION_SEEN: 0}
    )
    response = client.get(PROFILE, follow=True)
    assert "12 時間が経過したため" in response.content.decode()
    assert client.get(PROFILE).status_code == 302


def test_session_key_rotates_at_login_and_dies_at_logout(client, supporter):
    session = client.session
    session["before_login"] = True
    session.save()
    before = session.session_key
    sign_in(client, supporter)
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert client.get(PROFILE).status_code == 200

    client.post("/accounts/logout/")
    client.cookies[settings.SESSION_COOKIE_NAME] = after  # replay the old cookie
    response = client.get(PROFILE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_logout_needs_a_post(client, supporter):
    sign_in(client, supporter)
    assert "ログアウトしますか" in client.get("/accounts/logout/").content.decode()
    assert client.get(PROFILE).status_code == 200
    response = client.post("/accounts/logout/", follow=True)
    assert "ログアウトしました" in response.content.decode()
    assert client.get(PROFILE).status_code == 302


def test_deactivated_user_loses_the_session(client, supporter):
    sign_in(client, supporter)
    supporter.is_active = False
    supporter.save()
    assert client.get(PROFILE).status_code == 302


def test_cookies_are_httponly_and_samesite(client, supporter):
    response = client.get("/accounts/login/")
    csrf = response.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["samesite"] == "Lax"
    response = sign_in(client, supporter)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert not cookie["domain"]
    assert int(cookie["max-age"]) == settings.SESSION_ABSOLUTE_TIMEOUT
    device = response.cookies["bk_login_device"]
    assert device["httponly"] is True and device["samesite"] == "Lax"


def test_login_accepts_full_width_and_upper_case_addresses(client, supporter):
    typed = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in supporter.email.upper())
    response = client.post("/accounts/login/", {"email": typed, "password": PASSWORD})
    assert response.status_code == 302


def test_login_redirects_only_to_this_site(client, supporter):
    response = client.post(
        "/accounts/login/?next=https://evil.example/",
        {"email": supporter.email, "password": PASSWORD},
    )
    assert response["Location"] == settings.LOGIN_REDIRECT_URL
    client.post("/accounts/logout/")
    response = client.post(
        "/accounts/login/",
        {"email": supporter.email, "password": PASSWORD, "next": "/accounts/profile/"},
    )
    assert response["Location"] == "/accounts/profile/"


def test_wagtail_admin_uses_the_site_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/admin/")
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response["Location"] == "/accounts/login/?next=/admin/pages/"
    assert client.get("/_util/login/")["Location"].startswith("/accounts/login/")
    assert client.get("/admin/password_reset/").status_code == 404
