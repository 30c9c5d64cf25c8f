"""Issue 14: links in mails lead to the address the site is used at, not 127.0.0.1:8000."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from core.mail import absolute_url
from tests.conftest import login
from tests.surveys.test_surveys import ANSWER

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+")


def _answer_as_contact(client, world, capture, **extra):
    login(client, world.contact)
    mail.outbox.clear()
    with capture(execute=True):
        client.post(reverse("surveys:answer", args=[world.survey_a.pk]), ANSWER, **extra)
    return [m for m in mail.outbox if m.to == [world.secretariat.email]]


def test_links_carry_the_requests_host_and_port(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.BASE_URL = ""
    sent = _answer_as_contact(
        client, world, django_capture_on_commit_callbacks, HTTP_HOST="127.0.0.1:8123"
    )
    assert sent, "事務局への通知がありません"
    links = LINK.findall(sent[0].body)
    assert links and all(link.startswith("http://127.0.0.1:8123/") for link in links), links
    assert "127.0.0.1:8000" not in sent[0].body


def test_configured_base_url_wins_over_the_request(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.BASE_URL = "https://banso.example.jp:8443"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "internal.example"]
    sent = _answer_as_contact(
        client, world, django_capture_on_commit_callbacks, HTTP_HOST="internal.example:9000"
    )
    links = LINK.findall(sent[0].body)
    assert links and all(link.startswith("https://banso.example.jp:8443/") for link in links)


def test_a_foreign_host_header_never_reaches_a_mail(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.BASE_URL = ""
    settings.ALLOWED_HOSTS = ["*"]  # a careless set-up: the request is then not trusted
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:password_reset"),
            {"email": world.supporter.email},
            HTTP_HOST="evil.example",
        )
    assert mail.outbox, "再設定メールが送られていません"
    assert "evil.example" not in mail.outbox[0].body
    assert settings.WAGTAILADMIN_BASE_URL in mail.outbox[0].body


def test_without_a_request_the_configured_address_is_used(settings):
    settings.BASE_URL = "http://127.0.0.1:8001"
    assert absolute_url("/surveys/") == "http://127.0.0.1:8001/surveys/"
