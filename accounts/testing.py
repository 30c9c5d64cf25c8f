"""Helpers for tests of other apps: sign in a two-factor role without typing a code."""

from . import totp, twofactor
from .middleware import SESSION_SEEN, SESSION_STARTED, _now

TEST_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 (tests only)


def login_verified(client, user) -> None:
    """force_login plus a confirmed device and a verified session (for secretariat, agency…)."""
    client.force_login(user, backend="accounts.backends.EmailBackend")
    if not twofactor.requires_second_factor(user):
        return
    device = twofactor.install_device(user, TEST_SECRET)
    session = client.session
    session[twofactor.SESSION_KEY] = device.pk
    session[SESSION_STARTED] = session[SESSION_SEEN] = _now()
    session.save()


def current_code(secret: str = TEST_SECRET) -> str:
    return totp.code_at(secret)
