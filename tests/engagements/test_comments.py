"""The visit's comment thread and its e-mail notifications."""

import pytest
from django.core import mail
from django.urls import reverse

from engagements.models import Comment
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_comment_notifies_team_and_secretariat_but_not_author(
    client, world, django_capture_on_commit_callbacks
):
    login(client, world.support)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("engagements:comment", args=[world.visit_a.pk]),
            {"body": "次回はローカルベンチマークを持参しますか？"},
        )
    assert response.status_code == 302
    assert Comment.objects.filter(visit=world.visit_a).count() == 1
    recipients = {m.to[0] for m in mail.outbox}
    assert world.supporter.email in recipients
    assert world.requesting.email in recipients
    assert world.secretariat.email in recipients
    assert world.support.email not in recipients  # the author
    assert world.contact.email not in recipients  # the company is not in the thread
    assert world.supporter_b.email not in recipients  # another engagement
    message = next(m for m in mail.outbox if m.to == [world.supporter.email])
    assert message.subject.startswith("【伴走ナレッジ】")
    assert "ローカルベンチマーク" in message.body
    assert message.alternatives[0][1] == "text/html"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


def test_comment_is_escaped_on_the_page(client, world):
    login(client, world.supporter)
    client.post(
        reverse("engagements:comment", args=[world.visit_a.pk]),
        {"body": '<img src=x onerror="alert(1)">'},
    )
    html = client.get(reverse("engagements:visit", args=[world.visit_a.pk])).content.decode()
    assert "<img src=x onerror" not in html
    assert "&lt;img src=x onerror" in html


def test_empty_comment_is_refused(client, world):
    login(client, world.supporter)
    client.post(reverse("engagements:comment", args=[world.visit_a.pk]), {"body": ""})
    assert not Comment.objects.filter(visit=world.visit_a).exists()
