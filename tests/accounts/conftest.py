import pytest
from django.core.cache import cache

from accounts import roles, throttle
from accounts.testing import login_verified

PASSWORD = "long-enough-passphrase"  # the password of user_with_role (tests/conftest.py)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Throttle counters live in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, moved by hand: clock.advance(seconds)."""

    class Clock:
        now = 1_900_000_000.0

        def advance(self, seconds: float) -> None:
            self.now += seconds

    fake = Clock()
    monkeypatch.setattr(throttle, "clock", lambda: fake.now)
    return fake


@pytest.fixture
def secretariat(user_with_role):
    user = user_with_role(roles.SECRETARIAT, "jimu@example.test")
    user.display_name = "事務局 太郎"
    user.save()
    return user


@pytest.fixture
def agency(user_with_role):
    return user_with_role(roles.AGENCY, "agency@example.test")


@pytest.fixture
def company_contact(user_with_role):
    return user_with_role(roles.COMPANY_CONTACT, "contact@example.test")


@pytest.fixture
def secretariat_client(client, secretariat):
    login_verified(client, secretariat)
    return client
