import pytest

from accounts import roles
from accounts.models import AuditEvent, Organisation
from accounts.testing import login_verified

pytestmark = pytest.mark.django_db


def test_supporter_updates_their_optional_details(client, supporter):
    client.force_login(supporter)
    response = client.post(
        "/accounts/profile/",
        {
            "display_name": "支援 花子",
            "job_title": "経営指導員",
            "phone": "０３－１２３４－５６７８",
            "qualifications": "中小企業診断士",
        },
    )
    assert response.status_code == 302
    supporter.refresh_from_db()
    assert supporter.display_name == "支援 花子"
    assert supporter.phone == "03-1234-5678"
    event = AuditEvent.objects.get(action="profile_update")
    assert "phone" in event.detail and "03-1234" not in event.detail
    assert not AuditEvent.objects.filter(action="write").exists()


def test_profile_form_is_accessible(client, supporter):
    client.force_login(supporter)
    response = client.post("/accounts/profile/", {"display_name": "", "phone": "abc"})
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_phone_helptext id_phone_error"' in html
    assert 'id="id_phone_error"' in html
    assert 'href="#id_display_name"' in html  # the error summary links to the field
    assert 'autocomplete="tel"' in html and 'autocomplete="name"' in html
    assert html.count("<label") >= 4


def test_roles_without_the_right_see_their_details_read_only(client, company_contact):
    client.force_login(company_contact)
    html = client.get("/accounts/profile/").content.decode()
    assert (
        "この役割では登録情報を変更できません" in html
        and '<form method="post" novalidate' not in html
    )
    assert client.post("/accounts/profile/", {"display_name": "x"}).status_code == 403


def test_password_change_for_every_signed_in_person(client, company_contact):
    client.force_login(company_contact)
    new = "会社の担当者も変えられる合言葉"
    response = client.post(
        "/accounts/password/",
        {"old_password": "long-enough-passphrase", "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    company_contact.refresh_from_db()
    assert company_contact.check_password(new)


@pytest.fixture
def people(user_with_role):
    organisation = Organisation.objects.create(
        name="北陸よろず支援拠点", kind=Organisation.Kind.SUPPORTER_BODY
    )
    first = user_with_role(roles.SUPPORTER, "first@example.test")
    first.display_name, first.organisation = "北陸 一郎", organisation
    first.save()
    second = user_with_role(roles.REQUESTING_BODY, "second@example.test")
    second.display_name = "関東 次郎"
    second.save()
    return first, second


def test_agency_searches_the_directory_without_actions(client, agency, people):
    login_verified(client, agency)
    html = client.get("/accounts/users/", {"q": "北陸"}).content.decode()
    assert "北陸 一郎" in html and "関東 次郎" not in html
    assert "first@example.test" in html  # 全ユーザー情報の閲覧 includes addresses
    assert "招待を再送" not in html and "無効にする" not in html
    html = client.get("/accounts/users/", {"organisation": "よろず"}).content.decode()
    assert "北陸 一郎" in html and "関東 次郎" not in html
    html = client.get("/accounts/users/", {"role": roles.REQUESTING_BODY}).content.decode()
    assert "関東 次郎" in html and "北陸 一郎" not in html
    assert client.post(f"/accounts/users/{people[0].pk}/deactivate/").status_code == 403


def test_secretariat_directory_has_status_and_actions(
    client, secretariat, people, django_capture_on_commit_callbacks
):
    from accounts import services

    with django_capture_on_commit_callbacks(execute=True):
        invitee = services.user_invite(
            email="pending@example.test",
            display_name="招待 中",
            organisation=None,
            role_names=[roles.SUPPORTER],
            invited_by=secretariat,
        )
    login_verified(client, secretariat)
    html = client.get("/accounts/users/").content.decode()
    assert "招待中" in html and "登録済み" in html
    assert f'action="/accounts/users/{invitee.pk}/resend/"' in html
    assert f'action="/accounts/users/{people[0].pk}/resend/"' not in html  # already registered
    response = client.post(
        f"/accounts/users/{people[0].pk}/deactivate/", {"next": "/accounts/users/"}
    )
    assert response["Location"] == "/accounts/users/"
    people[0].refresh_from_db()
    assert not people[0].is_active
    assert "無効" in client.get("/accounts/users/", {"q": "北陸"}).content.decode()


@pytest.mark.parametrize(
    "role",
    [
        roles.SUPPORTER,
        roles.COMPANY_CONTACT,
        roles.SUPPORT_MEMBER,
        roles.EDITOR,
        roles.TRAINER,
        roles.REQUESTING_BODY,
    ],
)
def test_other_roles_cannot_open_the_directory(client, user_with_role, people, role):
    user = user_with_role(role, "viewer@example.test")
    login_verified(client, user)
    assert client.get("/accounts/users/").status_code == 403
    assert client.get(f"/accounts/users/{people[0].pk}/").status_code == 403


def test_nobody_deactivates_themselves(client, secretariat):
    login_verified(client, secretariat)
    response = client.post(f"/accounts/users/{secretariat.pk}/deactivate/", follow=True)
    assert "自分自身は無効にできません" in response.content.decode()
    secretariat.refresh_from_db()
    assert secretariat.is_active
