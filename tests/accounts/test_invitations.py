import re
from datetime import timedelta
from email.utils import parseaddr
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

from accounts import audit, invitations, services
from accounts.invitations import InvitationTokenGenerator
from accounts.models import AuditEvent, Invitation, Organisation, User
from accounts.testing import login_verified

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "あたらしい合言葉を決めました"


@pytest.fixture
def organisation():
    return Organisation.objects.create(
        name="テスト商工会議所", kind=Organisation.Kind.REQUESTING_BODY
    )


def invite(client, capture, **overrides):
    data = {
        "email": "hanako@example.jp",
        "display_name": "山田 花子",
        "roles": ["伴走支援員"],
        "job_title": "経営指導員",
        **overrides,
    }
    with capture(execute=True):
        response = client.post("/accounts/users/new/", data)
    return response


def link_in(message) -> str:
    return re.search(r"https?://\S+/accounts/invitation/\S+/", message.body).group(0)


def path_of(url: str) -> str:
    return urlsplit(url).path


def set_password(client, url, password=NEW_PASSWORD):
    response = client.get(path_of(url))
    if response.status_code != 302:
        return response
    return client.post(response["Location"], {"new_password1": password, "new_password2": password})


def test_invitation_mail_reaches_the_inbox_in_japanese(
    secretariat_client, mailoutbox, django_capture_on_commit_callbacks, organisation
):
    response = invite(
        secretariat_client, django_capture_on_commit_callbacks, organisation=organisation.pk
    )
    assert response.status_code == 302
    user = User.objects.get(email="hanako@example.jp")
    assert not user.has_usable_password() and user.is_active
    assert list(user.groups.values_list("name", flat=True)) == ["伴走支援員"]
    assert user.organisation == organisation

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.subject == "【伴走ナレッジ】アカウント登録のご案内（山田 花子 様）"
    assert mail.body.startswith("山田 花子 様")
    html, mimetype = mail.alternatives[0]
    assert mimetype == "text/html" and "山田 花子 様" in html and 'lang="ja"' in html
    assert "72 時間" in mail.body and "72 時間" in html
    assert link_in(mail) in html
    assert link_in(mail).startswith("http://testserver/")  # the request's own host

    message = mail.message()
    assert parseaddr(settings.DEFAULT_FROM_EMAIL)[1] in message["From"]
    assert "=?utf-8?" in message["From"]  # the display name travels encoded
    assert message["Reply-To"] and parseaddr(settings.SECRETARIAT_EMAIL)[1] in message["Reply-To"]
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Date"]
    sender_domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
    assert message["Message-ID"].endswith(f"@{sender_domain}>")
    assert "hanako@example.jp" in message["To"]


def test_the_mail_holds_no_password(
    secretariat_client, mailoutbox, django_capture_on_commit_callbacks
):
    invite(secretariat_client, django_capture_on_commit_callbacks)
    mail = mailoutbox[0]
    assert re.search(r"パスワード\s*[:：]", mail.body) is None
    # Set the password through the link; no word of the mail is that password or a valid one.
    set_password(Client(), link_in(mail))
    user = User.objects.get(email="hanako@example.jp")
    words = set(re.split(r"\s+", mail.body + mail.alternatives[0][0]))
    assert not any(user.check_password(word) for word in words if word)


def test_link_works_once_then_the_user_signs_in(
    secretariat_client, mailoutbox, django_capture_on_commit_callbacks
):
    invite(secretariat_client, django_capture_on_commit_callbacks)
    url = link_in(mailoutbox[0])
    visitor = Client()
    response = set_password(visitor, url)
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    user = User.objects.get(email="hanako@example.jp")
    assert user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action=audit.PASSWORD_SET, user=user).count() == 1

    again = Client().get(path_of(url), follow=True)
    assert "このリンクは使えません" in again.content.decode()

    response = visitor.post(
        "/accounts/login/", {"email": "hanako@example.jp", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302


def test_link_dies_when_the_user_logs_in(client, supporter):
    from .conftest import PASSWORD

    url = invitations.set_password_url(supporter, url_name="accounts:password_reset_confirm")
    assert Client().get(path_of(url)).status_code == 302  # valid so far
    # The person remembers the old password after all and signs in: the link must die.
    client.post("/accounts/login/", {"email": supporter.email, "password": PASSWORD})
    response = Client().get(path_of(url), follow=True)
    assert "このリンクは使えません" in response.content.decode()


def test_link_expires_after_72_hours(secretariat, monkeypatch):
    user = services.user_invite(
        email="late@example.jp",
        display_name="遅れて 開く",
        organisation=None,
        role_names=["伴走支援員"],
        invited_by=secretariat,
    )
    url = path_of(invitations.set_password_url(user))
    sent = InvitationTokenGenerator._now(invitations.invitation_tokens)

    monkeypatch.setattr(InvitationTokenGenerator, "_now", lambda self: sent + timedelta(hours=71))
    assert Client().get(url).status_code == 302  # still valid: on to the form

    monkeypatch.setattr(
        InvitationTokenGenerator, "_now", lambda self: sent + timedelta(hours=72, seconds=1)
    )
    response = Client().get(url)
    assert response.status_code == 200 and "このリンクは使えません" in response.content.decode()


def test_resend_replaces_the_link_and_changes_nothing_else(
    secretariat_client, secretariat, mailoutbox, django_capture_on_commit_callbacks, organisation
):
    invite(secretariat_client, django_capture_on_commit_callbacks, organisation=organisation.pk)
    invite(
        secretariat_client,
        django_capture_on_commit_callbacks,
        email="other@example.jp",
        display_name="別の 人",
    )
    first, others_link = link_in(mailoutbox[0]), link_in(mailoutbox[1])
    user = User.objects.get(email="hanako@example.jp")
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(f"/accounts/users/{user.pk}/resend/")
    assert response.status_code == 302
    assert len(mailoutbox) == 3
    resent = mailoutbox[2]
    assert "以前お送りしたご案内のリンクは使えなくなりました" in resent.body
    assert link_in(resent) != first

    assert "このリンクは使えません" in Client().get(path_of(first), follow=True).content.decode()
    assert set_password(Client(), link_in(resent)).status_code == 302
    assert set_password(Client(), others_link).status_code == 302  # someone else's link: untouched

    user.refresh_from_db()
    assert user.organisation == organisation and user.job_title == "経営指導員"
    assert list(user.groups.values_list("name", flat=True)) == ["伴走支援員"]
    assert Invitation.objects.filter(user=user).count() == 2
    assert AuditEvent.objects.filter(
        action=audit.INVITATION_RESENT, target_id=str(user.pk)
    ).exists()


def test_registered_people_are_not_re_invited(
    secretariat_client, supporter, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(f"/accounts/users/{supporter.pk}/resend/", follow=True)
    assert "すでに登録を済ませている" in response.content.decode()
    assert mailoutbox == []
    supporter.refresh_from_db()
    assert supporter.has_usable_password()


def test_existing_address_is_refused(
    secretariat_client, supporter, django_capture_on_commit_callbacks
):
    response = invite(
        secretariat_client,
        django_capture_on_commit_callbacks,
        email=supporter.email.upper(),
    )
    assert response.status_code == 200
    assert "すでに登録されています" in response.content.decode()


def test_fifty_invitations_an_hour_per_secretariat_user(secretariat, mailoutbox):
    for i in range(invitations.settings.INVITATIONS_PER_HOUR):
        services.user_invite(
            email=f"bulk{i}@example.jp",
            display_name=f"一括 {i}",
            organisation=None,
            role_names=["伴走支援員"],
            invited_by=secretariat,
        )
    with pytest.raises(invitations.InvitationQuotaExceeded):
        services.user_invite(
            email="one-more@example.jp",
            display_name="もう 一人",
            organisation=None,
            role_names=["伴走支援員"],
            invited_by=secretariat,
        )
    assert not User.objects.filter(email="one-more@example.jp").exists()
    Invitation.objects.update(sent_at=Invitation.objects.first().sent_at - timedelta(hours=1))
    assert invitations.remaining_quota(secretariat) == 50


def test_invitation_pages_are_for_the_secretariat_only(client, agency, supporter):
    for user in (agency, supporter):
        login_verified(client, user)
        for path in ("/accounts/users/new/", "/accounts/users/import/", "/accounts/audit/"):
            assert client.get(path).status_code == 403, (user, path)
        assert client.post(f"/accounts/users/{user.pk}/resend/").status_code == 403
    client.logout()
    assert client.get("/accounts/users/new/")["Location"].startswith("/accounts/login/")


def test_deactivated_invitee_cannot_use_the_link(
    secretariat_client, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    invite(secretariat_client, django_capture_on_commit_callbacks)
    user = User.objects.get(email="hanako@example.jp")
    secretariat_client.post(f"/accounts/users/{user.pk}/deactivate/")
    response = Client().get(path_of(link_in(mailoutbox[0])), follow=True)
    assert "このリンクは使えません" in response.content.decode()
    assert AuditEvent.objects.filter(action=audit.USER_DEACTIVATED, target_id=str(user.pk)).exists()


def test_password_reset_mail_is_limited_and_silent(
    client, supporter, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(7):
            response = client.post("/accounts/password/reset/", {"email": supporter.email})
            assert response["Location"] == "/accounts/password/reset/done/"
        client.post("/accounts/password/reset/", {"email": "nobody@example.jp"})
    assert len(mailoutbox) == 5
    assert mailoutbox[0].subject.startswith("【伴走ナレッジ】パスワード再設定のご案内")
    url = re.search(r"https?://\S+/accounts/password/reset/\S+/", mailoutbox[0].body).group(0)
    assert set_password(Client(), url, "べつの合言葉に変えておきます").status_code == 302
    supporter.refresh_from_db()
    assert supporter.check_password("べつの合言葉に変えておきます")


def test_a_rejected_form_writes_no_audit_event(secretariat_client):
    response = secretariat_client.post("/accounts/users/new/", {"email": "not-an-address"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in html and 'href="#id_email"' in html
    assert not AuditEvent.objects.exists()
