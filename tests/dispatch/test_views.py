"""The registry, request and matching pages as each role uses them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import roles
from accounts.models import AuditEvent
from dispatch import interchange
from dispatch.models import DispatchRequest, Supporter
from tests.conftest import login, tiny_png
from tests.factories import UserFactory

from .conftest import put, request_obj, supporter_obj

pytestmark = pytest.mark.django_db

NO_ENTRIES = {
    f"{prefix}-{key}": "0"
    for prefix in ("experience", "conflicts", "relationships")
    for key in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")
}


@pytest.fixture
def secretariat(client):
    return login(client, UserFactory(role=roles.SECRETARIAT, email="office@example.test"))


def test_a_requesting_body_submits_a_request_and_sees_only_its_status(client, empty_registry):
    put(
        "supporters",
        supporter_obj(
            id="sup-avoid",
            name="避けたい 人",
            notes="面談メモ：極秘",
            conflicts=[
                {"industry": "E", "prefecture": None, "company": None, "note": "競業の顧問先"}
            ],
        ),
    )
    body = UserFactory(role=roles.REQUESTING_BODY, email="yorozu@example.test")
    login(client, body)
    response = client.post(
        reverse("dispatch:request_new"),
        {
            "company_name": "株式会社依頼",
            "industry": "E",
            "prefecture": "17",
            "employees": "21-50",
            "body_kind": "yorozu",
            "body_prefecture": "17",
            "approach": "issue-setting",
            "needs": "社長が何から手をつけるか整理したい",
            "exclude_names": "避けたい　人\n知らない 人",
            "consent_signed": "2026-05-20",
            "consent_file": SimpleUploadedFile("同意書.png", tiny_png()),
        },
    )
    assert response.status_code == 302
    request = DispatchRequest.objects.get(submitted_by=body)
    assert request.status == DispatchRequest.Status.RECEIVED
    assert request.exclude == ["sup-avoid"]  # matched despite the full-width space
    assert request.exclude_note == "知らない 人"
    assert request.consent_file and request.consent_content_type == "image/png"
    mine = client.get(reverse("dispatch:request_mine")).content.decode()
    assert request.external_id in mine and "受付" in mine
    for secret in ("避けたい", "極秘", "競業の顧問先", "sup-avoid"):
        assert secret not in mine
    assert client.get(reverse("dispatch:request_match", args=[request.pk])).status_code == 403
    assert (
        client.get(
            reverse("dispatch:supporter_detail", args=[Supporter.objects.get().pk])
        ).status_code
        == 403
    )


def test_a_consent_file_that_is_not_what_it_claims_is_refused(client, empty_registry):
    login(client, UserFactory(role=roles.REQUESTING_BODY, email="yorozu@example.test"))
    response = client.post(
        reverse("dispatch:request_new"),
        {
            "company_name": "株式会社依頼",
            "industry": "E",
            "prefecture": "17",
            "employees": "21-50",
            "body_kind": "yorozu",
            "body_prefecture": "17",
            "approach": "issue-setting",
            "needs": "整理したい",
            "consent_signed": "2026-05-20",
            "consent_file": SimpleUploadedFile("同意書.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )
    assert response.status_code == 400
    assert "同意書（署名済み）" in response.content.decode()
    assert not DispatchRequest.objects.exists()


def test_the_secretariat_keeps_notes_the_supporter_never_sees(client, secretariat, empty_registry):
    supporter_user = UserFactory(role=roles.SUPPORTER, email="own@example.test")
    rows = put("supporters", supporter_obj(id="sup-own", email="own@example.test"))
    supporter = rows["sup-own"]
    response = secretariat.post(
        reverse("dispatch:supporter_edit", args=[supporter.pk]),
        {
            "name": "本人 太郎",
            "email": "own@example.test",
            "category": "2",
            "recommended_by": "diagnosis-association",
            "home_prefecture": "16",
            "travel": "neighbouring",
            "supporter_type": "4",
            "max_engagements": "3",
            "notes": "面談：話が長い",
            "training_intro-video": "completed",
            "training_skills-1": "registered",
            **NO_ENTRIES,
            "relationships-TOTAL_FORMS": "1",
            "relationships-0-target": "req-body:yorozu-16",
            "relationships-0-kind": "negative",
            "relationships-0-note": "以前の行き違い",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    supporter.refresh_from_db()
    assert supporter.notes == "面談：話が長い"
    assert supporter.training == {"intro-video": "completed", "skills-1": "registered"}
    assert supporter.relationships == [
        {"with": "req-body:yorozu-16", "kind": "negative", "note": "以前の行き違い"}
    ]
    assert supporter.category == 2 and supporter.supporter_type == 4

    client.logout()
    login(client, supporter_user)
    page = client.get(reverse("dispatch:own_profile")).content.decode()
    assert "本人 太郎" in page
    assert "話が長い" not in page and "以前の行き違い" not in page
    response = client.post(
        reverse("dispatch:own_profile"),
        {
            "travel": "anywhere",
            "qualifications": ["sme-consultant", "cpa"],
            "motto": "問いを大切に",
            "notes": "自分で書き換え",  # not a field of this form: ignored
            "category": "1",
            **NO_ENTRIES,
            "experience-TOTAL_FORMS": "1",
            "experience-0-industry": "I",
            "experience-0-role": "lead",
            "experience-0-years": "4",
            "experience-0-content": "小売の販路見直し",
        },
    )
    assert response.status_code == 302
    supporter.refresh_from_db()
    assert supporter.travel == "anywhere" and supporter.motto == "問いを大切に"
    assert supporter.qualifications == ["sme-consultant", "cpa"]
    assert supporter.experience == [
        {
            "industry": "I",
            "employees": None,
            "content": "小売の販路見直し",
            "role": "lead",
            "years": 4,
        }
    ]
    assert supporter.notes == "面談：話が長い" and supporter.category == 2
    # What the forms wrote is still valid in the format.
    interchange.check_rows("supporters", [(1, interchange.supporter_object(supporter))])


def test_a_broken_import_shows_every_line_and_changes_nothing(secretariat, empty_registry):
    put("supporters", supporter_obj(id="sup-keep"))
    before = interchange.export_objects("supporters")
    lines = [
        supporter_obj(id="sup-keep", name="上書き"),
        supporter_obj(id="sup-new"),
        {**supporter_obj(id="sup-bad"), "type": 0},
    ]
    data = interchange.to_jsonl(lines).encode()
    response = secretariat.post(
        reverse("dispatch:registry_import"),
        {"file": SimpleUploadedFile("supporters.jsonl", data)},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "1 件の問題があるため、何も取り込んでいません" in page
    assert "line 3: type: 1 から 5 までの整数にしてください" in page
    assert interchange.export_objects("supporters") == before
    response = secretariat.post(
        reverse("dispatch:registry_import"),
        {"file": SimpleUploadedFile("supporters.jsonl", interchange.to_jsonl(lines[:2]).encode())},
    )
    assert response.status_code == 302
    assert Supporter.objects.get(external_id="sup-keep").name == "上書き"
    assert AuditEvent.objects.filter(action="registry_import").exists()


def test_status_moves_by_the_table_only(secretariat, empty_registry):
    request = put("requests", request_obj())["req-0001"]
    url = reverse("dispatch:request_status", args=[request.pk])
    response = secretariat.post(url, {"status": "decided"})
    assert response.status_code == 400
    assert "「受付」から「決定」には変更できません。" in response.content.decode()
    for status in ("selecting", "asking", "decided"):
        assert secretariat.post(url, {"status": status}).status_code == 302
    response = secretariat.post(url, {"status": "engaged"})
    assert "案件化するには、先に伴走支援案件を作成してください。" in response.content.decode()
    assert secretariat.post(url, {"status": "withdrawn"}).status_code == 302
    request.refresh_from_db()
    assert request.status == "withdrawn"


def test_the_consent_is_recorded_and_served_privately(secretariat, empty_registry):
    request = put("requests", request_obj(consent_signed=None))["req-0001"]
    response = secretariat.post(
        reverse("dispatch:request_consent", args=[request.pk]),
        {
            "consent_signed": "2026-06-01",
            "file": SimpleUploadedFile("署名済み同意書.png", tiny_png()),
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert str(request.consent_signed) == "2026-06-01"
    assert request.consent_file.name.startswith("uploads/")  # a generated name, private storage
    response = secretariat.get(reverse("dispatch:consent_file", args=[request.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_the_training_list_names_who_is_not_registered_or_not_finished(secretariat, empty_registry):
    put(
        "supporters",
        supporter_obj(id="sup-done", name="修了 済子"),
        supporter_obj(
            id="sup-unreg", name="未登録 太郎", category=2, training={"intro-video": "completed"}
        ),
        supporter_obj(
            id="sup-going",
            name="受講中 花子",
            category=2,
            training={
                "intro-video": "completed",
                "skills-1": "registered",
                "skills-2": "completed",
                "skills-3": "completed",
            },
        ),
    )
    response = secretariat.get(reverse("dispatch:training_status"))
    page = response.content.decode()
    unregistered, _sep, unfinished = page.partition("必須研修を修了していない支援員")
    assert "未登録 太郎" in unregistered and "受講中 花子" not in unregistered
    assert "受講中 花子" in unfinished and "基盤スキルⅠ" in unfinished
    assert "修了 済子" not in page


def test_the_match_page_lists_candidates_and_exclusions_with_reasons(secretariat, empty_registry):
    put(
        "supporters",
        supporter_obj(id="sup-a", name="候補 一郎"),
        supporter_obj(id="sup-b", name="除外 二郎"),
    )
    request = put("requests", request_obj(exclude=["sup-b"]))["req-0001"]
    page = secretariat.get(reverse("dispatch:request_match", args=[request.pk])).content.decode()
    candidates, _sep, excluded = page.partition("除外した支援員")
    assert (
        "候補 一郎" in candidates
        and "派遣先と同じ都道府県（石川県）を拠点にしています。" in candidates
    )
    assert "除外 二郎" in excluded and "派遣依頼書の除外リスト" in excluded


def test_the_registry_pages_render(secretariat, empty_registry):
    rows = put("supporters", supporter_obj(id="sup-a"))
    request = put("requests", request_obj())["req-0001"]
    for url in (
        reverse("dispatch:supporter_list") + "?q=sup&category=1&prefecture=17",
        reverse("dispatch:supporter_detail", args=[rows["sup-a"].pk]),
        reverse("dispatch:supporter_create"),
        reverse("dispatch:request_list") + "?status=received",
        reverse("dispatch:request_detail", args=[request.pk]),
        reverse("dispatch:registry_import"),
    ):
        assert secretariat.get(url).status_code == 200, url
    csv = secretariat.get(reverse("dispatch:registry_export", args=["supporters", "csv"]))
    assert b"".join([csv.content]).decode("utf-8").startswith("\ufeffid,name,email")


def test_reminders_go_to_each_group_once(
    secretariat, empty_registry, django_capture_on_commit_callbacks
):
    from django.core import mail

    put(
        "supporters",
        supporter_obj(id="sup-done"),
        supporter_obj(id="sup-unreg", category=2, training={"intro-video": "completed"}),
        supporter_obj(
            id="sup-going",
            category=2,
            training={
                "intro-video": "completed",
                "skills-1": "registered",
                "skills-2": "completed",
                "skills-3": "completed",
            },
        ),
    )
    url = reverse("dispatch:training_remind")
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat.post(url, {"group": "not_registered"})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["sup-unreg@example.jp"]]
    body = mail.outbox[0].body
    assert "受講登録をお願いします" in body and "・基盤スキルⅠ" in body and "・導入動画" not in body
    with django_capture_on_commit_callbacks(execute=True):
        secretariat.post(url, {"group": "not_finished"})
    assert mail.outbox[1].to == ["sup-going@example.jp"] and "・基盤スキルⅠ" in mail.outbox[1].body
    reminded = dict(Supporter.objects.values_list("external_id", "training_reminded_at"))
    assert reminded["sup-done"] is None and reminded["sup-unreg"] and reminded["sup-going"]
    assert secretariat.post(url, {"group": "everyone"}).status_code == 302
    assert len(mail.outbox) == 2
