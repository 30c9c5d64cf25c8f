import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from accounts import audit
from accounts.models import AuditEvent, Organisation
from accounts.testing import login_verified

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


@csrf_exempt
def plain_write(request):
    return HttpResponse("ok", status=int(request.GET.get("status", 200)))


urlpatterns = [
    path("write/", plain_write, name="plain_write"),
    path("preview/", plain_write, name="preview_on_edit"),
    path("", include("config.urls")),
]


@pytest.mark.urls("tests.accounts.test_audit")
def test_every_successful_write_is_recorded_without_body_or_query(client, supporter):
    client.force_login(supporter)
    client.post("/write/?q=山田花子", {"secret": "body-value-not-stored"})
    event = AuditEvent.objects.get(action=audit.WRITE)
    assert event.user == supporter and event.user_label == supporter.email
    assert (event.method, event.path, event.status) == ("POST", "/write/", 200)
    assert event.request_id and event.ip == "127.0.0.1"
    stored = " ".join(str(v) for v in AuditEvent.objects.values_list().get())
    assert "山田花子" not in stored and "body-value-not-stored" not in stored

    for method in ("put", "patch", "delete"):
        getattr(client, method)("/write/")
    assert AuditEvent.objects.filter(action=audit.WRITE).count() == 4


@pytest.mark.urls("tests.accounts.test_audit")
def test_reads_failures_and_anonymous_writes_are_not_write_events(client, supporter):
    client.post("/write/")
    client.force_login(supporter)
    client.get("/write/")
    client.post("/write/?status=403")
    client.post("/write/?status=500")
    assert not AuditEvent.objects.filter(action=audit.WRITE).exists()


@pytest.mark.urls("tests.accounts.test_audit")
def test_the_request_id_of_the_proxy_is_kept_when_it_looks_like_one(client, supporter):
    client.force_login(supporter)
    client.post("/write/", HTTP_X_REQUEST_ID="abc123def456")
    client.post("/write/", HTTP_X_REQUEST_ID="bad\r\nFAKE LOG")
    first, second = AuditEvent.objects.order_by("pk")
    assert first.request_id == "abc123def456"
    assert len(second.request_id) == 32 and "FAKE" not in second.request_id


def test_authentication_events_never_store_a_password(client, supporter):
    wrong = "wrong-password-in-the-log?"
    client.post("/accounts/login/", {"email": supporter.email, "password": wrong})
    client.post(
        "/accounts/login/", {"email": wrong, "password": PASSWORD}
    )  # password typed as address
    client.post("/accounts/login/", {"email": supporter.email, "password": PASSWORD})
    new = "新しいパスフレーズをここで設定"
    client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    client.post("/accounts/logout/")
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    # A malformed address never reaches authentication, so it is not an attempt to record.
    assert actions == ["login_failed", "login", "password_change", "logout"]
    failed = AuditEvent.objects.filter(action="login_failed").first()
    assert failed.user is None and failed.target_id == str(supporter.pk)
    for row in AuditEvent.objects.values_list():
        text = " ".join(str(value) for value in row)
        for secret in (wrong, PASSWORD, new):
            assert secret not in text


def test_log_injection_is_neutralised(supporter):
    event = audit.record(user=supporter, action="download", detail="a\r\nFAKE LOG entry")
    assert "\n" not in event.detail and "\r" not in event.detail


def test_download_events_name_their_target(rf, supporter):
    organisation = Organisation.objects.create(name="監査 テスト", kind=Organisation.Kind.COMPANY)
    request = rf.get("/files/1/", REMOTE_ADDR="192.0.2.44")
    event = audit.record(
        user=supporter, action=audit.DOWNLOAD, target=organisation, request=request
    )
    assert (event.target_type, event.target_id) == ("accounts.organisation", str(organisation.pk))
    assert event.ip == "192.0.2.44"


def test_events_cannot_be_changed_or_deleted(supporter):
    event = audit.record(user=supporter, action="download")
    event.detail = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="changed")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_deleting_a_user_keeps_their_history(django_user_model):
    user = django_user_model.objects.create_user(email="gone@example.test", password=PASSWORD)
    audit.record(user=user, action="download")
    pk = user.pk
    user.delete()
    event = AuditEvent.objects.get(action="download", user_label="gone@example.test")
    assert event.user_id == pk


def test_audit_page_is_for_the_secretariat_with_filters(client, secretariat, agency, supporter):
    audit.record(user=supporter, action=audit.DOWNLOAD, detail="一件目")
    audit.record(user=agency, action=audit.LOGIN)
    login_verified(client, secretariat)
    html = client.get("/accounts/audit/", {"action": "download"}).content.decode()
    assert "一件目" in html and "ダウンロード" in html
    html = client.get("/accounts/audit/", {"user": "agency@"}).content.decode()
    assert "agency@example.test" in html and "一件目" not in html
    assert "1 件" in html
    response = client.get("/accounts/audit/", {"date_from": "2000-01-01", "date_to": "2000-01-02"})
    assert "条件に合う記録はありません" in response.content.decode()
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    )

    for other in (agency, supporter):
        visitor = Client()
        login_verified(visitor, other)
        assert visitor.get("/accounts/audit/").status_code == 403


@pytest.mark.urls("tests.accounts.test_audit")
def test_wagtail_live_preview_is_not_a_write(client, supporter):
    client.force_login(supporter)
    assert client.post("/preview/").status_code == 200  # named like Wagtail's preview views
    assert not AuditEvent.objects.filter(action=audit.WRITE).exists()
