import pytest
from django.test import Client

from accounts import throttle
from accounts.models import AuditEvent, User
from accounts.network import client_ip

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture
def hasher_calls(monkeypatch):
    """How many times a password was checked against a stored hash."""
    calls = []
    original = User.check_password

    def counting(self, raw):
        calls.append(self.pk)
        return original(self, raw)

    monkeypatch.setattr(User, "check_password", counting)
    return calls


def attempt(client, email, password, ip="192.0.2.10"):
    return client.post(LOGIN, {"email": email, "password": password}, REMOTE_ADDR=ip)


def test_sixth_attempt_from_one_address_is_refused_before_hashing(
    client, supporter, hasher_calls, clock
):
    for _ in range(5):
        assert attempt(client, supporter.email, "wrong-password-123").status_code == 200
    assert len(hasher_calls) == 5
    response = attempt(client, supporter.email, PASSWORD)  # even the right password waits
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "一時的にログインを止めています" in response.content.decode()
    assert len(hasher_calls) == 5
    assert (
        AuditEvent.objects.filter(action="login_lockout", target_id=str(supporter.pk)).count() == 1
    )


def test_cooloff_ends_after_fifteen_minutes(client, supporter, clock):
    for _ in range(5):
        attempt(client, supporter.email, "wrong-password-123")
    assert attempt(client, supporter.email, PASSWORD).status_code == 429
    clock.advance(14 * 60)
    assert attempt(client, supporter.email, PASSWORD).status_code == 429
    clock.advance(61)
    assert attempt(client, supporter.email, PASSWORD).status_code == 302


def test_the_lock_is_per_address_and_ip_not_for_the_whole_office(client, supporter, trainer, clock):
    for _ in range(5):
        attempt(client, supporter.email, "wrong-password-123", ip="198.51.100.7")
    # A colleague behind the same NAT address signs in normally.
    assert attempt(client, trainer.email, PASSWORD, ip="198.51.100.7").status_code == 302
    # And the attacked person from elsewhere too.
    assert attempt(client, supporter.email, PASSWORD, ip="203.0.113.9").status_code == 302


def test_two_hundred_guesses_from_twenty_ips_reach_the_hasher_at_most_twenty_times(
    client, supporter, hasher_calls, clock, settings
):
    # The legitimate person signed in from their browser earlier: it carries a device cookie.
    assert attempt(client, supporter.email, PASSWORD, ip="203.0.113.50").status_code == 302
    device_cookie = client.cookies[throttle.DEVICE_COOKIE].value
    client.post("/accounts/logout/")
    hasher_calls.clear()

    attacker = Client()
    statuses = []
    for i in range(200):
        ip = f"198.51.100.{i % 20 + 1}"
        statuses.append(
            attempt(attacker, supporter.email, f"guess-{i:04d}-password", ip=ip).status_code
        )
        clock.advance(3600 / 200 / 2)  # all 200 within half an hour
    assert len(hasher_calls) <= 20
    assert statuses.count(429) >= 180

    # The person, from a new IP and with their device cookie, still gets in during the attack.
    client.cookies[throttle.DEVICE_COOKIE] = device_cookie
    assert attempt(client, supporter.email, PASSWORD, ip="203.0.113.51").status_code == 302

    # Without the cookie the account waits out the sliding hour, then works again.
    fresh = Client()
    assert attempt(fresh, supporter.email, PASSWORD, ip="203.0.113.52").status_code == 429
    clock.advance(3601)
    assert attempt(fresh, supporter.email, PASSWORD, ip="203.0.113.52").status_code == 302


def test_unknown_addresses_are_throttled_like_known_ones(client, clock):
    for _ in range(5):
        assert attempt(client, "nobody@example.test", "wrong-password-123").status_code == 200
    assert attempt(client, "nobody@example.test", "wrong-password-123").status_code == 429


def test_one_ip_gets_twenty_login_posts_a_minute(client, supporter, hasher_calls, clock):
    statuses = [
        attempt(
            client, f"person{i}@example.test", "wrong-password-123", ip="192.0.2.99"
        ).status_code
        for i in range(25)
    ]
    assert statuses[:20] == [200] * 20
    assert statuses[20:] == [429] * 5
    clock.advance(61)
    assert attempt(client, supporter.email, PASSWORD, ip="192.0.2.99").status_code == 302


def test_full_width_or_upper_case_address_is_the_same_account(client, supporter, clock):
    typed = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in supporter.email.upper())
    for _ in range(5):
        attempt(client, typed, "wrong-password-123")
    assert attempt(client, supporter.email, PASSWORD).status_code == 429
    clock.advance(16 * 60)
    assert attempt(client, typed, PASSWORD).status_code == 302


def test_client_ip_ignores_forwarded_for_unless_the_proxy_is_trusted(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.8")
    settings.TRUSTED_PROXIES = []
    assert client_ip(request) == "10.0.0.5"
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(request) == "203.0.113.8"  # the right-most hop, not the forgeable left one
    request = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert client_ip(request) == "192.0.2.1"  # not from our proxy: the header is ignored
    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="garbage")
    assert client_ip(request) == "10.0.0.5"
