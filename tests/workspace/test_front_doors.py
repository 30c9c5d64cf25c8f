"""Issue 14: the sign-in link, each role's landing page, the work bar and the dashboard."""

import re

import pytest
from django.urls import reverse

from cases.models import CaseIndexPage
from tests.conftest import login
from tests.factories import CurriculumPageFactory, VisitFactory
from training.models import CurriculumIndexPage

pytestmark = pytest.mark.django_db

WORK_BAR = re.compile(r'<nav aria-label="業務メニュー">(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="([^"]+)"[^>]*>([^<]+)</a>')


def work_bar(client) -> dict[str, str]:
    html = client.get(reverse("accounts:profile")).content.decode()
    match = WORK_BAR.search(html)
    assert match, "業務メニューがありません"
    return {title: url for url, title in LINK.findall(match[1])}


def test_every_public_page_offers_sign_in(client):
    for path in ("/", "/cases/", "/knowhow/", "/training/", "/about/"):
        html = client.get(path).content.decode()
        assert re.search(
            r'<a class="site-header__login" href="/accounts/login/">ログイン</a>', html
        ), path


def test_signed_in_header_shows_name_and_sign_out_instead(client, world):
    login(client, world.supporter)
    html = client.get("/").content.decode()
    assert "site-header__login" not in html
    assert ">supporter</a>" in html  # display_name of the world's supporter
    assert "ログアウト" in html


def test_sign_in_leads_to_the_landing_page(client, world):
    world.supporter.set_password("long-enough-passphrase-2026")
    world.supporter.save()
    response = client.post(
        reverse("accounts:login"),
        {"email": world.supporter.email, "password": "long-enough-passphrase-2026"},
    )
    assert response.status_code == 302 and response["Location"] == "/work/"
    assert client.get("/work/")["Location"] == reverse("engagements:list")


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("supporter", lambda: reverse("engagements:list")),
        ("support", lambda: reverse("engagements:list")),
        ("requesting", lambda: reverse("engagements:list")),
        ("contact", lambda: reverse("surveys:mine")),
        ("agency", lambda: reverse("surveys:analysis")),
        ("secretariat", lambda: reverse("workspace:dashboard")),
        (
            "editor",
            lambda: reverse("wagtailadmin_explore", args=[CaseIndexPage.objects.get().pk]),
        ),
        (
            "trainer",
            lambda: reverse("wagtailadmin_explore", args=[CurriculumIndexPage.objects.get().pk]),
        ),
    ],
)
def test_each_role_lands_on_its_work(client, world, role, expected):
    login(client, getattr(world, role))
    response = client.get(reverse("workspace:start"))
    assert response.status_code == 302
    assert response["Location"] == expected()
    # …and the page it lands on opens for that role.
    assert client.get(response["Location"]).status_code == 200


CURRICULA = "カリキュラムの編集"
SAVED = "保存した検索"  # everyone signed in (following/)
WORK_BARS = {
    "supporter": {SAVED, "伴走支援案件", "事例化の提案", "支援員登録情報"},
    "support": {SAVED, "伴走支援案件", "事例化の提案"},
    "requesting": {SAVED, "伴走支援案件", "事例化の提案", "派遣依頼"},
    "contact": {SAVED, "アンケート"},
    "agency": {
        SAVED,
        "伴走支援案件",
        "事例化の提案",
        "回答状況",
        "回答一覧",
        "分析",
        "派遣・支援状況",
    },
    "secretariat": {
        SAVED,
        "ダッシュボード",
        "派遣・支援状況",
        "伴走支援案件",
        "事例化の提案",
        "回答状況",
        "回答一覧",
        "分析",
        "ケースパック",
        "管理画面",
    },
    "editor": {SAVED, "伴走支援案件", "事例化の提案", "管理画面"},
    "trainer": {SAVED, CURRICULA, "ケースパック", "管理画面"},
}


@pytest.mark.parametrize("role", sorted(WORK_BARS))
def test_work_bar_shows_what_the_role_may_use_and_nothing_else(client, world, role):
    login(client, getattr(world, role))
    items = work_bar(client)
    assert set(items) == WORK_BARS[role]
    for title, url in items.items():
        response = client.get(url)
        assert response.status_code == 200, f"{title} ({url}): {response.status_code}"


def test_trainer_reaches_the_curricula_in_the_admin(client, world):
    curriculum = CurriculumPageFactory(title="事例で学ぶ傾聴")
    login(client, world.trainer)
    url = work_bar(client)[CURRICULA]
    html = client.get(url).content.decode()
    assert curriculum.title in html


def test_dashboard_shows_proposals_surveys_and_flags(client, world):
    login(client, world.secretariat)
    html = client.get(reverse("workspace:dashboard")).content.decode()
    assert "事務局ダッシュボード" in html
    # The world's proposal (engagement T-B) waits for someone to take it.
    assert reverse("publishing_admin:detail", args=[world.proposal.pk]) in html
    assert "T-B 案件B" in html
    assert "受付待ち（1）" in html
    # Survey counts link to the filtered status page.
    assert reverse("surveys:status") + "?status=waiting" in html
    assert "承認待ちの事例" in html and "公開を止めている項目がある原稿" in html


def test_dashboard_flags_a_draft_that_still_names_the_company(client, world):
    from publishing import services

    company = world.b.company
    company.industry, company.prefecture, company.employees = "E", "17", 30
    company.save()
    draft = services.draft_create(proposal=world.proposal, user=world.secretariat)
    draft.title = "株式会社テストBの事業承継"
    draft.save_revision(user=world.secretariat)
    login(client, world.secretariat)
    html = client.get(reverse("workspace:dashboard")).content.decode()
    assert reverse("publishing_admin:anonymise", args=[draft.pk]) in html


def test_supporter_sees_what_is_due(client, world):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    held = VisitFactory(
        engagement=world.a, number=2, scheduled_on=today - datetime.timedelta(days=3)
    )
    coming = VisitFactory(
        engagement=world.a, number=3, scheduled_on=today + datetime.timedelta(days=5)
    )
    VisitFactory(engagement=world.b, number=2, scheduled_on=today)  # not theirs
    login(client, world.supporter)
    html = client.get(reverse("engagements:list")).content.decode()
    due = html[html.index("対応が必要なこと") : html.index("</section>")]
    reports = due[due.index("実施報告がまだの訪問") : due.index("14 日以内の訪問")]
    assert reverse("engagements:visit", args=[held.pk]) in reports
    # Visit 1 has its report (the world's), so it is not listed.
    assert reverse("engagements:visit", args=[world.visit_a.pk]) not in due
    assert reverse("engagements:visit", args=[coming.pk]) in due.split("14 日以内の訪問")[1]
    assert "T-B" not in due
