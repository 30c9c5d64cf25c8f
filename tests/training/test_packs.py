"""Case packs (issue 14): composing one from a unit, who may, and the two PDF editions."""

import io
import urllib.parse

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts import audit
from accounts.models import AuditEvent
from cases.models import CasePage
from tests.conftest import login, require_program
from training import packs, pdf
from training.models import CasePack

from .factories import CaseFactory, KnowHowFactory, PackFactory, UnitFactory

pytestmark = pytest.mark.django_db

CASE_NOTE = "講師だけが知る進め方：{title}では沈黙を待つ"
PACK_NOTE = "パック全体の講師メモ：休憩は十一時"


@pytest.fixture
def pdf_ready():
    """Skips with the reason where WeasyPrint or the Japanese font is missing (REQUIRE_PDF=1: fails)."""
    reason = pdf.unavailable_reason()
    if reason:
        require_program(
            "fonts-noto-cjk / Pango", "REQUIRE_PDF", f"PDF のテストを省略します: {reason}"
        )


@pytest.fixture
def course():
    """A unit linking two published cases, a know-how article and a case that is not published."""
    cases = CaseFactory.create_batch(2)
    hidden = CaseFactory(live=False, title="まだ公開していない下書きの事例")
    knowhow = KnowHowFactory()
    unit = UnitFactory(materials=[cases[0], hidden, knowhow, cases[1]])
    return unit, cases, hidden, knowhow


def pdf_text(body: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(body))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def download(client, pack, edition):
    return client.get(reverse("training:pack_download", args=[pack.pk, edition]))


# --- composing -----------------------------------------------------------------------------------


def test_trainer_builds_a_pack_from_the_units_published_materials(client, world, course):
    unit, cases, hidden, knowhow = course
    login(client, world.trainer)
    url = reverse("training:pack_create", args=[unit.pk])
    html = client.get(url).content.decode()
    assert cases[0].title in html and knowhow.title in html
    assert hidden.title not in html  # an unpublished page is never offered
    assert "社長の気づきはどこで生まれたか" in html  # the unit's questions are the starting point

    response = client.post(
        url,
        {
            "title": "第1回 ケースパック",
            "questions": "共通する支援の型は何か\n明日から何を変えるか",
            "trainer_notes": PACK_NOTE,
            f"case-{cases[1].pk}-include": "on",
            f"case-{cases[1].pk}-questions": "社長はなぜ値引きをやめたのか",
            f"case-{cases[1].pk}-notes": "答えを言わない",
            f"knowhow-{knowhow.pk}-include": "on",
            # A forged selection of the unpublished case: not a field of the form, ignored.
            f"case-{hidden.pk}-include": "on",
        },
    )
    pack = CasePack.objects.get(title="第1回 ケースパック")
    assert response.status_code == 302
    assert response["Location"] == reverse("training:pack_detail", args=[pack.pk])
    assert pack.unit_id == unit.pk and pack.created_by == world.trainer
    items = list(pack.items.all())
    # The unit's order: the know-how comes before the second case.
    assert [(i.case_id, i.knowhow_id) for i in items] == [(None, knowhow.pk), (cases[1].pk, None)]
    assert items[1].question_list == ["社長はなぜ値引きをやめたのか"]
    assert items[1].trainer_notes == "答えを言わない"
    assert pack.question_list == ["共通する支援の型は何か", "明日から何を変えるか"]


def test_a_pack_without_material_is_refused_in_japanese_and_keeps_the_input(client, world, course):
    unit, *_ = course
    login(client, world.trainer)
    response = client.post(
        reverse("training:pack_create", args=[unit.pk]),
        {"title": "選び忘れたパック", "trainer_notes": "残してほしいメモ"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "事例かノウハウを 1 つ以上選んでください。" in html
    assert "選び忘れたパック" in html and "残してほしいメモ" in html
    assert not CasePack.objects.filter(title="選び忘れたパック").exists()


def test_a_material_unpublished_while_the_form_was_open_is_a_form_error(client, world, course):
    unit, cases, *_ = course
    login(client, world.trainer)
    url = reverse("training:pack_create", args=[unit.pk])
    data = {"title": "途中で非公開", f"case-{cases[0].pk}-include": "on"}
    CasePage.objects.filter(pk=cases[0].pk).update(live=False)
    response = client.post(url, data)
    assert response.status_code == 400
    assert not CasePack.objects.filter(title="途中で非公開").exists()


def test_editing_a_pack_replaces_its_materials(client, world, course):
    unit, cases, _hidden, knowhow = course
    pack = PackFactory(unit=unit, by=world.trainer)
    assert pack.items.count() == 3
    login(client, world.trainer)
    html = client.get(reverse("training:pack_edit", args=[pack.pk])).content.decode()
    assert "第1回 ケースパック" in html
    response = client.post(
        reverse("training:pack_edit", args=[pack.pk]),
        {"title": "改訂版", f"case-{cases[0].pk}-include": "on"},
    )
    assert response.status_code == 302
    pack.refresh_from_db()
    assert pack.title == "改訂版"
    assert [i.case_id for i in pack.items.all()] == [cases[0].pk]


def test_deleting_a_pack(client, world, course):
    pack = PackFactory(unit=course[0], by=world.trainer)
    login(client, world.trainer)
    response = client.post(reverse("training:pack_delete", args=[pack.pk]))
    assert response.status_code == 302
    assert not CasePack.objects.filter(pk=pack.pk).exists()
    assert course[1][0].pk in CasePage.objects.values_list("pk", flat=True)  # the case stays


# --- who may -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["supporter", "agency", "editor", "contact", "support"])
def test_nobody_else_sees_packs(client, world, course, role):
    pack = PackFactory(unit=course[0], by=world.trainer, trainer_notes=PACK_NOTE)
    login(client, getattr(world, role))
    for url in (
        reverse("training:pack_list"),
        reverse("training:pack_create", args=[course[0].pk]),
        reverse("training:pack_detail", args=[pack.pk]),
        reverse("training:pack_download", args=[pack.pk, packs.PARTICIPANTS]),
        reverse("training:pack_download", args=[pack.pk, packs.TRAINER]),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert PACK_NOTE not in response.content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client, world, course):
    pack = PackFactory(unit=course[0], by=world.trainer)
    response = download(client, pack, packs.TRAINER)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_secretariat_opens_a_trainers_pack(client, world, course):
    pack = PackFactory(unit=course[0], by=world.trainer, trainer_notes=PACK_NOTE)
    login(client, world.secretariat)
    html = client.get(reverse("training:pack_detail", args=[pack.pk])).content.decode()
    assert PACK_NOTE in html


def test_unit_page_offers_pack_making_to_trainers_only(client, world, course):
    unit = course[0]
    link = reverse("training:pack_create", args=[unit.pk])
    assert link not in client.get(unit.url).content.decode()
    login(client, world.supporter)
    assert link not in client.get(unit.url).content.decode()
    login(client, world.trainer)
    assert link in client.get(unit.url).content.decode()


# --- the PDF -------------------------------------------------------------------------------------


def test_both_editions_render_and_only_the_trainers_has_notes(client, world, course, pdf_ready):
    unit, cases, hidden, knowhow = course
    pack = PackFactory(unit=unit, by=world.trainer, notes=CASE_NOTE, trainer_notes=PACK_NOTE)
    login(client, world.trainer)
    texts = {}
    for edition in packs.EDITIONS:
        response = download(client, pack, edition)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        body = b"".join(response.streaming_content) if response.streaming else response.content
        pages, texts[edition] = pdf_text(body)
        # Cover, contents, the unit, then each case and the know-how on pages of their own.
        assert pages >= 3 + 3
        for page in (*cases, knowhow):
            assert page.title in texts[edition]  # Japanese text is extractable
        assert "基礎情報" in texts[edition] and "本事例のポイント" in texts[edition]
        assert "社長の気づきはどこで生まれたか" in texts[edition]  # the questions
        assert hidden.title not in texts[edition]  # the unpublished case linked to the unit
    notes = [CASE_NOTE.format(title=cases[0].title)[:16], PACK_NOTE, unit.trainer_notes]
    for note in notes:
        assert note in texts[packs.TRAINER]
        assert note not in texts[packs.PARTICIPANTS]
    assert "講師メモ" not in texts[packs.PARTICIPANTS]
    assert AuditEvent.objects.filter(action=audit.DOWNLOAD, target_id=str(pack.pk)).count() == 2


def test_the_filename_is_japanese_in_rfc_5987(client, world, course, pdf_ready):
    pack = PackFactory(unit=course[0], by=world.trainer, title="第1回 ケースパック")
    login(client, world.trainer)
    response = download(client, pack, packs.PARTICIPANTS)
    expected = urllib.parse.quote("第1回 ケースパック_参加者用.pdf")
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{expected}"


def test_a_page_that_no_longer_passes_the_gate_is_left_out(client, world, course, pdf_ready):
    unit, cases, *_ = course
    pack = PackFactory(unit=unit, by=world.trainer)
    # A live case whose text the gate would refuse today (written before a rule, or by SQL).
    CasePage.objects.filter(pk=cases[0].pk).update(background="連絡先は 03-1234-5678 まで。")
    login(client, world.trainer)
    html = client.get(reverse("training:pack_detail", args=[pack.pk])).content.decode()
    assert "公開チェックを通りません" in html
    assert "03-1234-5678" not in html  # the finding itself is not shown
    _pages, text = pdf_text(download(client, pack, packs.TRAINER).content)
    assert cases[1].title in text
    assert cases[0].title not in text and "03-1234-5678" not in text


def test_a_case_unpublished_after_composing_is_left_out(client, world, course, pdf_ready):
    unit, cases, *_ = course
    pack = PackFactory(unit=unit, by=world.trainer)
    cases[0].unpublish()
    login(client, world.trainer)
    _pages, text = pdf_text(download(client, pack, packs.PARTICIPANTS).content)
    assert cases[1].title in text and cases[0].title not in text


def test_an_empty_pack_gets_a_japanese_message_not_an_error(client, world, course):
    unit, cases, _hidden, knowhow = course
    pack = PackFactory(unit=unit, by=world.trainer)
    for page in (*cases, knowhow):
        page.unpublish()
    login(client, world.trainer)
    response = download(client, pack, packs.PARTICIPANTS)
    assert response.status_code == 302
    assert response["Location"] == reverse("training:pack_detail", args=[pack.pk])
    html = client.get(response["Location"]).content.decode()
    assert "いま公開されている事例もノウハウもありません" in html


def test_the_participants_template_never_receives_notes(world, course):
    """Belt and braces: the participants' HTML has no note even if a template showed them all."""
    pack = PackFactory(unit=course[0], by=world.trainer, notes=CASE_NOTE, trainer_notes=PACK_NOTE)
    contents = packs.pack_contents(pack)
    entries = list(packs.edition_entries(contents, edition=packs.PARTICIPANTS))
    assert entries and all(e["trainer_notes"] == "" for e in entries)
    html = pdf.pack_html(contents, edition=packs.PARTICIPANTS)
    assert PACK_NOTE not in html and course[0].trainer_notes not in html
    assert "講師メモ" not in html
