import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from accounts import roles, totp
from accounts.middleware import EXEMPT_VIEWS, PUBLIC_VIEWS
from accounts.models import AuditEvent, TOTPDevice
from accounts.testing import login_verified
from tests.factories import CurriculumUnitPageFactory

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

SETUP = "/accounts/2fa/setup/"
VERIFY = "/accounts/2fa/verify/"


def sign_in(client, user):
    response = client.post("/accounts/login/", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def set_up_device(client) -> str:
    """Walks the setup page like a person with an authenticator app; returns the secret."""
    response = client.get(SETUP)
    assert response.status_code == 200
    secret = response.context["secret_grouped"].replace(" ", "")
    html = response.content.decode()
    assert "<svg" in html and response.context["secret_grouped"] in html
    assert "otpauth://totp/" in html
    response = client.post(SETUP, {"code": totp.code_at(secret), "next": "/accounts/profile/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    return secret


def concrete_paths():
    """A sample path for every route in the URLconf (parameters filled in with 1 or x)."""

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    for route in walk(get_resolver().url_patterns, "/"):
        if "^" in route or "(" in route or "\\" in route:
            continue  # regular-expression routes: covered by the public-page tests
        path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: "1" if m.group(1) == "int" else "x", route)
        yield path


@pytest.mark.parametrize("role", sorted(roles.TWO_FACTOR_ROLES))
def test_two_factor_roles_reach_no_protected_route_before_verifying(client, user_with_role, role):
    user = user_with_role(role, f"{abs(hash(role)) % 10**6}@twofactor.test")
    sign_in(client, user)
    checked = 0
    for path in sorted(set(concrete_paths())):
        try:
            match = resolve(path)
        except Resolver404:
            continue
        if match.view_name in EXEMPT_VIEWS or match.view_name in PUBLIC_VIEWS:
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            assert response.status_code == 302, (method, path, response.status_code)
            assert response["Location"].startswith(SETUP), (method, path)
        checked += 1
    assert checked > 100  # the Wagtail admin alone has hundreds of routes
    assert not AuditEvent.objects.filter(user=user, action="write").exists()


def test_no_work_menu_until_the_second_factor_is_given(client, secretariat):
    sign_in(client, secretariat)
    secret = set_up_device(client)
    client.post("/accounts/logout/")
    sign_in(client, secretariat)
    response = client.get(VERIFY)
    assert response.context["work_items"] == []
    assert "ログアウト" in response.content.decode()  # leaving is still possible
    client.post(VERIFY, {"code": totp.hotp(secret, totp.current_step() + 1)})
    titles = [item["title"] for item in client.get("/accounts/profile/").context["work_items"]]
    assert "回答状況" in titles


def test_superuser_also_needs_the_second_factor(client, django_user_model):
    admin = django_user_model.objects.create_superuser(email="root@example.test", password=PASSWORD)
    sign_in(client, admin)
    assert client.get("/admin/")["Location"] == SETUP + "?next=%2Fadmin%2F"


def test_roles_without_second_factor_are_not_asked(client, supporter):
    sign_in(client, supporter)
    assert client.get("/accounts/profile/").status_code == 200
    assert client.get(SETUP).status_code == 302  # nothing to set up: sent on


def test_setup_then_admin_then_verify_at_next_login(client, secretariat):
    sign_in(client, secretariat)
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    secret = set_up_device(client)
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != before  # key cycled
    assert client.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(user=secretariat, action="2fa_setup").count() == 1

    client.post("/accounts/logout/")
    sign_in(client, secretariat)
    response = client.get("/admin/pages/")
    assert response["Location"] == VERIFY + "?next=%2Fadmin%2Fpages%2F"
    # A person who already has a device cannot replace it with a password alone.
    assert client.get(SETUP)["Location"].startswith(VERIFY)
    device = TOTPDevice.objects.get(user=secretariat)
    step = totp.current_step() + 1  # the phone's clock is a little ahead
    code = totp.hotp(secret, step)
    response = client.post(VERIFY, {"code": code, "next": "/admin/pages/"})
    assert response["Location"] == "/admin/pages/"
    assert client.get("/admin/pages/", follow=True).status_code == 200
    device.refresh_from_db()
    assert device.last_used_step == step  # read once: a new 30-second step may begin meanwhile


def test_reused_and_wrong_codes_are_rejected_and_audited(client, secretariat):
    sign_in(client, secretariat)
    secret = set_up_device(client)
    used = totp.code_at(secret)
    client.post("/accounts/logout/")
    sign_in(client, secretariat)

    response = client.post(VERIFY, {"code": used})
    assert response.status_code == 200
    assert "確認コードが正しくありません" in response.content.decode()
    wrong = f"{(int(totp.code_at(secret)) + 1) % 10**6:06d}"
    response = client.post(VERIFY, {"code": wrong})
    assert response.status_code == 200
    assert AuditEvent.objects.filter(user=secretariat, action="2fa_failed").count() == 2
    assert client.get("/admin/")["Location"].startswith(VERIFY)


def test_five_wrong_codes_pause_verification(client, secretariat):
    sign_in(client, secretariat)
    secret = set_up_device(client)
    client.post("/accounts/logout/")
    sign_in(client, secretariat)
    wrong = f"{(int(totp.code_at(secret)) + 5) % 10**6:06d}"
    statuses = [client.post(VERIFY, {"code": wrong}).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    # Even the right code waits for the cool-off.
    response = client.post(VERIFY, {"code": totp.hotp(secret, totp.current_step() + 1)})
    assert response.status_code == 429
    assert AuditEvent.objects.filter(user=secretariat, action="2fa_lockout").count() == 1


def test_unverified_session_sees_public_pages_as_anonymous(client, secretariat):
    unit = CurriculumUnitPageFactory(trainer_notes="- 前半は社長の話を聞く")
    sign_in(client, secretariat)
    response = client.get(unit.url)
    assert response.status_code == 200
    assert "講師メモ" not in response.content.decode()
    set_up_device(client)
    assert "講師メモ" in client.get(unit.url).content.decode()


def test_secretariat_resets_a_lost_device(client, secretariat, agency):
    other = Client()
    login_verified(other, agency)
    assert other.get("/accounts/users/").status_code == 200

    login_verified(client, secretariat)
    response = client.post(f"/accounts/users/{agency.pk}/2fa/reset/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=agency).exists()
    event = AuditEvent.objects.get(action="2fa_reset")
    assert event.user == secretariat and event.target_id == str(agency.pk)
    # The agency's verified session ends with the device; it must set up a new one.
    assert other.get("/accounts/users/")["Location"].startswith(SETUP)


def test_only_the_secretariat_may_reset_devices(client, agency, secretariat):
    login_verified(client, agency)
    assert client.post(f"/accounts/users/{secretariat.pk}/2fa/reset/").status_code == 403
