"""Asking candidates by mail: the link answers once, until its deadline; acceptance makes the team."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.models import Organisation
from dispatch.models import DispatchRequest, Offer
from engagements.models import EngagementMember
from tests.conftest import login
from tests.factories import OrganisationFactory, UserFactory

from .conftest import put, request_obj, supporter_obj

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(client, empty_registry):
    office = UserFactory(role=roles.SECRETARIAT, email="office@example.test")
    body = UserFactory(
        role=roles.REQUESTING_BODY,
        email="yorozu@example.test",
        organisation=OrganisationFactory(
            name="よろず支援拠点（テスト）", kind=Organisation.Kind.REQUESTING_BODY
        ),
    )
    put(
        "supporters",
        supporter_obj(id="sup-a", name="候補 一郎"),
        supporter_obj(id="sup-b", name="候補 二郎"),
        supporter_obj(id="sup-x", name="除外 三郎"),
    )
    request = put("requests", request_obj(exclude=["sup-x"]))["req-0001"]
    request.submitted_by = body
    request.save()
    login(client, office)
    return request, body


def _links():
    return {m.to[0]: re.search(r"http\S+/dispatch/offers/\S+/", m.body)[0] for m in mail.outbox}


def _answer(url, answer):
    path = url.split("://", 1)[1].split("/", 1)[1]
    return Client().post("/" + path, {"answer": answer})


def test_accepting_creates_the_engagement_and_its_team(
    client, setting, django_capture_on_commit_callbacks
):
    request, body = setting
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("dispatch:request_offer", args=[request.pk]), {"supporters": ["sup-a", "sup-b"]}
        )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == DispatchRequest.Status.ASKING
    links = _links()
    assert set(links) == {"sup-a@example.jp", "sup-b@example.jp"}
    assert "伴走支援員派遣のご相談" in mail.outbox[0].subject
    assert _answer(links["sup-b@example.jp"], "decline").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = _answer(links["sup-a@example.jp"], "accept")
    assert response.status_code == 200
    assert "伴走支援案件を作成しました" in response.content.decode()
    request.refresh_from_db()
    assert request.status == DispatchRequest.Status.ENGAGED
    engagement = request.engagement
    assert engagement.company.name == "株式会社サンプル"
    assert engagement.requesting_body == body.organisation
    team = {(m.user.email, m.role) for m in EngagementMember.objects.filter(engagement=engagement)}
    assert team == {("sup-a@example.jp", "supporter"), ("yorozu@example.test", "requesting_body")}
    # The supporter had no account: one was made, with the supporter role and an invitation.
    supporter = request.chosen.get()
    assert (
        supporter.external_id == "sup-a"
        and supporter.user.groups.filter(name=roles.SUPPORTER).exists()
    )
    invitation = mail.outbox[2]
    assert "アカウント登録のご案内" in invitation.subject and invitation.to[0].endswith(
        "<sup-a@example.jp>"
    )
    assert set(Offer.objects.values_list("supporter__external_id", "status")) == {
        ("sup-a", "accepted"),
        ("sup-b", "declined"),
    }
    # The link answers once.
    again = _answer(links["sup-a@example.jp"], "decline")
    assert again.status_code == 410 and "すでに「承諾」と回答済みです" in again.content.decode()


def test_an_expired_link_changes_nothing(client, setting, django_capture_on_commit_callbacks):
    request, _body = setting
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("dispatch:request_offer", args=[request.pk]), {"supporters": ["sup-a"]})
    Offer.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = _answer(_links()["sup-a@example.jp"], "accept")
    assert response.status_code == 410
    assert "回答期限を過ぎています" in response.content.decode()
    request.refresh_from_db()
    assert request.engagement is None and Offer.objects.get().status == "sent"


def test_a_forged_or_altered_link_is_refused(client, setting, django_capture_on_commit_callbacks):
    request, _body = setting
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("dispatch:request_offer", args=[request.pk]), {"supporters": ["sup-a"]})
    link = _links()["sup-a@example.jp"]
    tampered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]
    assert _answer(tampered, "accept").status_code == 404
    assert Client().get(reverse("dispatch:offer_respond", args=["not-a-token"])).status_code == 404
    offer = Offer.objects.get()
    offer.nonce = "0" * 32  # the link no longer matches the stored secret
    offer.save()
    assert _answer(link, "accept").status_code == 404
    assert Offer.objects.get().status == "sent"


def test_an_excluded_supporter_cannot_be_asked(client, setting):
    request, _body = setting
    response = client.post(
        reverse("dispatch:request_offer", args=[request.pk]), {"supporters": ["sup-x"]}
    )
    assert response.status_code == 302
    assert not Offer.objects.exists() and not mail.outbox
    request.refresh_from_db()
    assert request.status == DispatchRequest.Status.RECEIVED


def test_the_offer_link_carries_the_address_the_site_is_used_at(
    client, setting, settings, django_capture_on_commit_callbacks
):
    """Issue 14 for the offer mail: without BASE_URL, the link is the request's own host, not
    the fallback 127.0.0.1:8000 that nobody outside the server can open."""
    settings.BASE_URL = ""
    request, _body = setting
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("dispatch:request_offer", args=[request.pk]),
            {"supporters": ["sup-a"]},
            HTTP_HOST="127.0.0.1:8123",
        )
    assert _links()["sup-a@example.jp"].startswith("http://127.0.0.1:8123/dispatch/offers/")
