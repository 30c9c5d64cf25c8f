"""Support requests (支援要請): each step, its mail, who may see and do what, and the board."""

import io
import re
import time

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts import roles
from accounts.models import AuditEvent
from dispatch import board, support
from dispatch.models import SUPPORT_TRANSITIONS, SupportMessage, SupportRequest
from engagements.models import Engagement, EngagementMember
from tests.conftest import login
from tests.factories import UserFactory
from tests.smtp_sink import SMTPSink

from .factories import SupportRequestFactory, team

pytestmark = pytest.mark.django_db
Status = SupportRequest.Status
Role = EngagementMember.Role


@pytest.fixture
def case():
    """An engagement with its team, a secretariat member, and someone of another engagement."""
    engagement, people = team()
    office = UserFactory(role=roles.SECRETARIAT, display_name="事務局 太郎")
    outsider = team()[1][Role.SUPPORTER]
    return engagement, people, office, outsider


def _mails_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def _raise(capture, engagement, by, **extra):
    with capture(execute=True):
        return support.raise_request(
            engagement=engagement,
            category=SupportRequest.Category.COMPANY,
            body="社長と連絡が取りにくくなりました。",
            by=by,
            **extra,
        )


def test_every_step_in_order_and_who_is_mailed(case, settings, django_capture_on_commit_callbacks):
    settings.BASE_URL = "https://banso.example.jp"
    engagement, people, office, outsider = case
    supporter, body = people[Role.SUPPORTER], people[Role.REQUESTING_BODY]
    member, contact = people[Role.SUPPORT_MEMBER], people[Role.COMPANY_CONTACT]
    capture = django_capture_on_commit_callbacks
    mail.outbox.clear()

    # 受付: the secretariat hears of it, with the text and a link built from BASE_URL.
    sr = _raise(capture, engagement, supporter)
    assert sr.status == Status.OPEN and sr.raised_by == supporter
    [to_office] = _mails_to(office)
    assert "支援要請が届きました" in to_office.subject and engagement.code in to_office.subject
    assert "社長と連絡が取りにくくなりました。" in to_office.body
    assert f"https://banso.example.jp/dispatch/support/{sr.pk}/" in to_office.body
    assert not _mails_to(supporter) and not _mails_to(contact) and not _mails_to(outsider)
    assert AuditEvent.objects.filter(action=support.RAISED, user=supporter).exists()

    # 対応中: the whole team (not the company contact) and the assignee hear of it.
    mail.outbox.clear()
    other_office = UserFactory(role=roles.SECRETARIAT)
    with capture(execute=True):
        support.assign(support_request=sr, assignee=other_office, by=office)
    sr.refresh_from_db()
    assert (sr.status, sr.assignee) == (Status.ASSIGNED, other_office)
    assert {m.to[0] for m in mail.outbox} == {
        supporter.email,
        body.email,
        member.email,
        other_office.email,
    }
    assert "担当者が決まりました" in _mails_to(supporter)[0].subject

    # 回答済み: the answer is in the thread and in the team's mail.
    mail.outbox.clear()
    with capture(execute=True):
        support.answer(support_request=sr, body="来週、事務局から社長に電話します。", by=office)
    sr.refresh_from_db()
    assert sr.status == Status.ANSWERED
    assert list(sr.messages.values_list("kind", "body")) == [
        (SupportMessage.Kind.ANSWER, "来週、事務局から社長に電話します。")
    ]
    assert {m.to[0] for m in mail.outbox} == {supporter.email, body.email, member.email}
    assert "来週、事務局から社長に電話します。" in _mails_to(body)[0].body

    # The team writes back: 対応中 again, and the assignee hears of it.
    mail.outbox.clear()
    with capture(execute=True):
        support.reply(support_request=sr, body="ありがとうございます。", by=body)
    sr.refresh_from_db()
    assert sr.status == Status.ASSIGNED
    assert [m.to[0] for m in mail.outbox] == [other_office.email]
    with capture(execute=True):
        support.answer(support_request=sr, body="電話しました。", by=other_office)

    # 完了: the team hears of it.
    mail.outbox.clear()
    with capture(execute=True):
        support.close(support_request=sr, by=office)
    sr.refresh_from_db()
    assert sr.status == Status.CLOSED and sr.closed_at is not None
    assert {m.to[0] for m in mail.outbox} == {supporter.email, body.email, member.email}
    assert "完了しました" in mail.outbox[0].subject
    assert not _mails_to(contact)
    actions = set(AuditEvent.objects.filter(target_id=str(sr.pk)).values_list("action", flat=True))
    assert {support.ASSIGNED, support.ANSWERED, support.REPLIED, support.CLOSED} <= actions


@pytest.mark.parametrize(
    ("status", "step", "message"),
    [
        (Status.OPEN, "answer", "回答する前に担当者を決めてください。"),
        (Status.OPEN, "close", "回答してから完了にしてください。"),
        (Status.ASSIGNED, "close", "回答してから完了にしてください。"),
        (Status.CLOSED, "answer", "「完了」の支援要請は「回答済み」にできません。"),
        (Status.CLOSED, "assign", "「完了」の支援要請は「対応中」にできません。"),
        (Status.CLOSED, "reply", "完了した支援要請には書き込めません。"),
        (Status.CLOSED, "close", "「完了」の支援要請は「完了」にできません。"),
    ],
)
def test_steps_out_of_order_are_refused_in_japanese(case, status, step, message):
    engagement, people, office, _outsider = case
    sr = SupportRequestFactory(engagement=engagement, status=status, assignee=office)
    calls = {
        "answer": lambda: support.answer(support_request=sr, body="回答", by=office),
        "close": lambda: support.close(support_request=sr, by=office),
        "assign": lambda: support.assign(support_request=sr, assignee=office, by=office),
        "reply": lambda: support.reply(support_request=sr, body="返信", by=people[Role.SUPPORTER]),
    }
    with pytest.raises(ValidationError) as raised:
        calls[step]()
    assert message in " ".join(raised.value.messages)
    sr.refresh_from_db()
    assert sr.status == status and not sr.messages.exists()


def test_the_transition_table_reaches_closed_only_through_an_answer():
    assert SUPPORT_TRANSITIONS[Status.OPEN] == (Status.ASSIGNED,)
    assert Status.CLOSED in SUPPORT_TRANSITIONS[Status.ANSWERED]
    assert all(Status.CLOSED not in SUPPORT_TRANSITIONS[s] for s in (Status.OPEN, Status.ASSIGNED))
    assert SUPPORT_TRANSITIONS[Status.CLOSED] == ()


def test_only_the_secretariat_can_be_assigned(case):
    engagement, people, office, _outsider = case
    sr = SupportRequestFactory(engagement=engagement)
    with pytest.raises(ValidationError, match="事務局のメンバー"):
        support.assign(support_request=sr, assignee=people[Role.SUPPORTER], by=office)
    sr.refresh_from_db()
    assert sr.status == Status.OPEN and sr.assignee is None


def test_a_closed_engagement_takes_no_new_request(case):
    engagement, people, _office, _outsider = case
    engagement.status = Engagement.Status.CLOSED
    engagement.save()
    with pytest.raises(ValidationError, match="支援が終了した案件"):
        support.raise_request(
            engagement=engagement, category="other", body="相談", by=people[Role.SUPPORTER]
        )
    assert not SupportRequest.objects.filter(engagement=engagement).exists()


# Pages ---------------------------------------------------------------------------------------


def _client(user) -> Client:
    return login(Client(), user)


def test_the_supporter_raises_it_from_the_engagement_page(case, django_capture_on_commit_callbacks):
    engagement, people, office, _outsider = case
    client = _client(people[Role.SUPPORTER])
    page = client.get(reverse("engagements:detail", args=[engagement.pk])).content.decode()
    assert "事務局への支援要請" in page
    assert reverse("dispatch:support_new", args=[engagement.pk]) in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("dispatch:support_new", args=[engagement.pk]),
            {"category": "team", "body": "サポートメンバーとの日程調整をお願いします。"},
        )
    sr = SupportRequest.objects.get(engagement=engagement)
    assert response.status_code == 302
    assert response["Location"] == reverse("dispatch:support_detail", args=[sr.pk])
    assert (sr.category, sr.status, sr.raised_by) == ("team", Status.OPEN, people[Role.SUPPORTER])
    assert _mails_to(office)
    # The engagement page lists it from now on.
    page = client.get(reverse("engagements:detail", args=[engagement.pk])).content.decode()
    assert reverse("dispatch:support_detail", args=[sr.pk]) in page


def test_bad_input_is_refused_in_japanese_and_nothing_is_written(case):
    engagement, people, _office, _outsider = case
    client = _client(people[Role.REQUESTING_BODY])
    url = reverse("dispatch:support_new", args=[engagement.pk])
    response = client.post(url, {"category": "", "body": "  "})
    assert response.status_code == 400
    page = response.content.decode()
    assert "相談の種類を選んでください。" in page and "相談したいことを入力してください。" in page
    response = client.post(url, {"category": "gossip", "body": "相談"})
    assert response.status_code == 400
    assert "正しく選択してください" in response.content.decode()  # Django's Japanese choice error
    response = client.post(url, {"category": "other", "body": "あ" * 4001})
    assert response.status_code == 400
    assert "あ" * 4001 in response.content.decode()  # what was typed is kept
    assert not SupportRequest.objects.filter(engagement=engagement).exists()


def test_an_empty_answer_or_unknown_assignee_is_refused(case):
    engagement, _people, office, _outsider = case
    sr = SupportRequestFactory(engagement=engagement, status=Status.ASSIGNED, assignee=office)
    client = _client(office)
    response = client.post(reverse("dispatch:support_answer", args=[sr.pk]), {"answer-body": ""})
    assert response.status_code == 400 and "本文を入力してください。" in response.content.decode()
    response = client.post(reverse("dispatch:support_assign", args=[sr.pk]), {"assignee": "x"})
    assert response.status_code == 400
    assert "担当者には事務局のメンバーを選んでください。" in response.content.decode()
    sr.refresh_from_db()
    assert sr.status == Status.ASSIGNED and not sr.messages.exists()


def test_who_sees_a_request(case):
    """The team (not the company), the secretariat and the agency; others learn nothing (404)."""
    engagement, people, office, outsider = case
    sr = SupportRequestFactory(engagement=engagement, body="内部の相談です")
    url = reverse("dispatch:support_detail", args=[sr.pk])
    seeing = [people[r] for r in (Role.SUPPORTER, Role.REQUESTING_BODY, Role.SUPPORT_MEMBER)]
    seeing += [office, UserFactory(role=roles.AGENCY)]
    for user in seeing:
        response = _client(user).get(url)
        assert response.status_code == 200, user
        assert "内部の相談です" in response.content.decode()
    hidden = [people[Role.COMPANY_CONTACT], outsider, UserFactory(role=roles.EDITOR)]
    hidden += [UserFactory(role=roles.TRAINER)]
    for user in hidden:
        assert _client(user).get(url).status_code == 404, user
    assert Client().get(url).status_code == 302  # to sign in
    # The engagement page of an editor (who reads engagements to write cases) has no section.
    editor_page = _client(hidden[2]).get(reverse("engagements:detail", args=[engagement.pk]))
    assert editor_page.status_code == 200
    assert "事務局への支援要請" not in editor_page.content.decode()


def test_the_company_contact_cannot_raise_or_read(case):
    engagement, people, _office, _outsider = case
    contact = _client(people[Role.COMPANY_CONTACT])
    response = contact.post(
        reverse("dispatch:support_new", args=[engagement.pk]), {"category": "other", "body": "x"}
    )
    assert response.status_code == 404
    assert not SupportRequest.objects.filter(engagement=engagement).exists()


def test_team_members_do_not_handle_and_the_agency_only_reads(case):
    engagement, people, office, _outsider = case
    sr = SupportRequestFactory(engagement=engagement)
    for user in (people[Role.SUPPORTER], UserFactory(role=roles.AGENCY)):
        client = _client(user)
        assign = client.post(
            reverse("dispatch:support_assign", args=[sr.pk]), {"assignee": office.pk}
        )
        assert assign.status_code == 403
        assert client.post(reverse("dispatch:support_close", args=[sr.pk])).status_code == 403
    # The support member sees the request but raises none (the supporter or the body does).
    member = _client(people[Role.SUPPORT_MEMBER])
    assert member.get(reverse("dispatch:support_new", args=[engagement.pk])).status_code == 403
    sr.refresh_from_db()
    assert sr.status == Status.OPEN and sr.assignee is None


def test_bad_ids_answer_404(case):
    _engagement, people, office, _outsider = case
    client = _client(office)
    assert client.get("/dispatch/support/999999999/").status_code == 404
    assert client.post("/dispatch/support/999999999/close/").status_code == 404
    supporter = _client(people[Role.SUPPORTER])
    assert supporter.get("/dispatch/support/new/999999999/").status_code == 404


def test_a_post_without_its_csrf_token_is_refused(case):
    engagement, people, _office, _outsider = case
    client = Client(enforce_csrf_checks=True)
    login(client, people[Role.SUPPORTER])
    response = client.post(
        reverse("dispatch:support_new", args=[engagement.pk]), {"category": "other", "body": "x"}
    )
    assert response.status_code == 403
    assert not SupportRequest.objects.filter(engagement=engagement).exists()


def test_the_secretariat_assigns_answers_and_closes_through_the_pages(
    case, django_capture_on_commit_callbacks
):
    engagement, people, office, _outsider = case
    sr = SupportRequestFactory(engagement=engagement, raised_by=people[Role.SUPPORTER])
    client = _client(office)
    page = client.get(reverse("dispatch:support_detail", args=[sr.pk])).content.decode()
    assert "担当者を決める" in page and "回答する" not in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("dispatch:support_assign", args=[sr.pk]), {"assignee": office.pk})
        client.post(
            reverse("dispatch:support_answer", args=[sr.pk]), {"answer-body": "対応します。"}
        )
        response = client.post(reverse("dispatch:support_close", args=[sr.pk]))
    assert response.status_code == 302
    sr.refresh_from_db()
    assert (sr.status, sr.assignee) == (Status.CLOSED, office)
    # The supporter reads the answer, and can no longer write in a closed request.
    page = _client(people[Role.SUPPORTER]).get(reverse("dispatch:support_detail", args=[sr.pk]))
    text = page.content.decode()
    assert "対応します。" in text and "完了" in text and "返信する" not in text
    assert "支援員登録簿" not in text  # the secretariat's menu is not shown to the team


def test_the_list_filters_by_status_and_assignee(case):
    engagement, _people, office, _outsider = case
    made = {
        status: SupportRequestFactory(
            engagement=engagement,
            status=status,
            assignee=None if status == Status.OPEN else office,
            body=f"一覧テスト {status}",
        )
        for status in Status.values
    }
    client = _client(office)

    def listed(**params):
        page = client.get(reverse("dispatch:support_list"), params).content.decode()
        return {s for s, sr in made.items() if f'/dispatch/support/{sr.pk}/"' in page}

    assert listed() == set(Status.values)
    assert listed(status="open") == {Status.OPEN}
    assert listed(status="assigned") == {Status.ASSIGNED}
    assert listed(status="closed") == {Status.CLOSED}
    assert listed(status="active") == {Status.OPEN, Status.ASSIGNED, Status.ANSWERED}
    assert listed(assignee="mine") == {Status.ASSIGNED, Status.ANSWERED, Status.CLOSED}
    assert listed(assignee="unassigned") == {Status.OPEN}
    assert listed(status="nonsense") == set(Status.values)  # unknown filters are ignored


def test_the_board_flags_an_engagement_until_its_request_is_closed(case):
    engagement, _people, office, _outsider = case
    engagement.started_on = None
    engagement.save()
    sr = SupportRequestFactory(engagement=engagement)
    SupportRequestFactory(engagement=engagement, status=Status.ASSIGNED, assignee=office)
    row = next(r for r in board.rows() if r.engagement == engagement)
    assert (
        row.flags[board.SUPPORT]
        == "事務局への支援要請が 2 件、完了していません（受付 1 件、対応中 1 件）。"
    )
    client = _client(office)
    page = client.get(reverse("dispatch:board"), {"flag": "support"}).content.decode()
    assert engagement.code in page
    xlsx = client.get(reverse("dispatch:board_xlsx"), {"flag": "support"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert any(v and "事務局への支援要請が 2 件" in v for v in cells)
    SupportRequest.objects.filter(engagement=engagement).update(status=Status.CLOSED)
    row = next(r for r in board.rows() if r.engagement == engagement)
    assert board.SUPPORT not in row.flags
    assert sr.pk  # made, then closed


def test_mails_go_through_real_smtp(case, settings, django_capture_on_commit_callbacks):
    """The same mail through Django's SMTP backend to the local sink the browser tests use."""
    engagement, people, office, _outsider = case
    sink = SMTPSink()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.BASE_URL = ""
        client = _client(people[Role.SUPPORTER])
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("dispatch:support_new", args=[engagement.pk]),
                {"category": "procedure", "body": "報告書の書式を教えてください。"},
                HTTP_HOST="127.0.0.1:8765",
            )
        sr = SupportRequest.objects.get(engagement=engagement)
        for _ in range(50):
            received = [m for m in sink.messages if m["To"] == office.email]
            if received:
                break
            time.sleep(0.1)
        assert received, "SMTP に届いていません"
        text = received[0].get_body(("plain",)).get_content()
        assert "支援要請が届きました" in received[0]["Subject"]
        assert "報告書の書式を教えてください。" in text
        link = re.search(r"https?://\S+", text)[0]
        assert link == f"http://127.0.0.1:8765/dispatch/support/{sr.pk}/"
    finally:
        sink.shutdown()
        sink.server_close()


def test_a_private_request_is_its_authors_and_the_secretariats_only(
    case, django_capture_on_commit_callbacks
):
    """§2-2-2: some teams cannot give each other feedback; such a request skips the team."""
    engagement, people, office, _outsider = case
    supporter, body = people[Role.SUPPORTER], people[Role.REQUESTING_BODY]
    with django_capture_on_commit_callbacks(execute=True):
        _client(supporter).post(
            reverse("dispatch:support_new", args=[engagement.pk]),
            {"category": "team", "body": "要請機関の方との進め方で悩んでいます。", "private": "on"},
        )
    sr = SupportRequest.objects.get(engagement=engagement)
    assert sr.private
    url = reverse("dispatch:support_detail", args=[sr.pk])
    for user in (supporter, office, UserFactory(role=roles.AGENCY)):
        assert _client(user).get(url).status_code == 200, user
    for user in (body, people[Role.SUPPORT_MEMBER], people[Role.COMPANY_CONTACT]):
        client = _client(user)
        assert client.get(url).status_code == 404, user
        page = client.get(reverse("engagements:detail", args=[engagement.pk]))
        assert "要請機関の方との進め方" not in page.content.decode()
        assert url not in page.content.decode()
    # The requesting body cannot write into it either.
    response = _client(body).post(
        reverse("dispatch:support_reply", args=[sr.pk]), {"reply-body": "見せてください"}
    )
    assert response.status_code == 404 and not sr.messages.exists()
    # Each step is mailed to its author only, never to the rest of the team.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        support.assign(support_request=sr, assignee=office, by=office)
        support.answer(support_request=sr, body="事務局から要請機関に話します。", by=office)
        support.close(support_request=sr, by=office)
    assert {m.to[0] for m in mail.outbox} == {supporter.email}
    assert len(mail.outbox) == 3


def test_a_step_refused_by_the_state_is_explained_on_the_page(case):
    """The form may be gone (someone else closed the request meanwhile): the reason still shows."""
    engagement, _people, office, _outsider = case
    client = _client(office)
    sr = SupportRequestFactory(engagement=engagement)
    response = client.post(reverse("dispatch:support_close", args=[sr.pk]))
    assert response.status_code == 400
    assert "回答してから完了にしてください。" in response.content.decode()
    closed = SupportRequestFactory(engagement=engagement, status=Status.CLOSED, assignee=office)
    response = client.post(
        reverse("dispatch:support_answer", args=[closed.pk]), {"answer-body": "追記"}
    )
    assert response.status_code == 400
    assert "「完了」の支援要請は「回答済み」にできません。" in response.content.decode()
    assert not closed.messages.exists()
