import io

import pytest

from accounts import demo, roles, totp
from accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_accounts(monkeypatch):
    """The demo list under addresses the session's demo data has not created yet."""
    accounts = [
        (email.replace("@demo.example", "@fresh-demo.example"), *rest)
        for email, *rest in demo.DEMO_ACCOUNTS
    ]
    monkeypatch.setattr(demo, "DEMO_ACCOUNTS", accounts)
    return accounts


def test_demo_accounts_only_when_allowed(settings, fresh_accounts):
    settings.DEBUG = False
    out = io.StringIO()
    demo.create_demo_accounts(out)
    assert not User.objects.filter(email__endswith="@fresh-demo.example").exists()
    assert "作成しませんでした" in out.getvalue()


def test_demo_accounts_one_per_role_idempotent(client, fresh_accounts):
    for _ in range(2):
        demo.create_demo_accounts(io.StringIO(), allow=True)
    users = User.objects.filter(email__endswith="@fresh-demo.example")
    # Every role once, the secretariat twice (a case is approved by someone other than its drafter).
    assert users.count() == len(fresh_accounts) == len(roles.ALL_ROLES) + 1
    assert {u.groups.get().name for u in users} == set(roles.ALL_ROLES)

    jimukyoku = users.get(email="jimukyoku@fresh-demo.example")
    response = client.post(
        "/accounts/login/", {"email": jimukyoku.email, "password": demo.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/admin/")["Location"].startswith("/accounts/2fa/verify/")
    response = client.post("/accounts/2fa/verify/", {"code": totp.code_at(demo.DEMO_TOTP_SECRET)})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
