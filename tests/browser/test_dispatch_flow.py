"""A requesting body submits a request, the secretariat matches and asks a candidate, the candidate
accepts by mail (real SMTP to the local sink), and the engagement exists with its team; the demo's
stalled engagement shows its flag on the monitoring board. Every page is checked with axe."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_invitation_flow import DEMO_TOTP
from tests.browser.test_signed_in_pages import pass_second_factor
from tests.browser.test_work_flows import assert_accessible, sign_in

pytestmark = pytest.mark.browser

COMPANY = "株式会社ブラウザ試験（架空）"


def _offer_mail(smtp_sink, before: int, page):
    for _ in range(100):
        found = [m for m in smtp_sink.messages[before:] if "伴走支援員派遣のご相談" in m["Subject"]]
        if found:
            return found[0]
        page.wait_for_timeout(100)
    pytest.fail("打診のメールが届きませんでした")


def test_request_match_offer_accept_and_board(browser, live_site, smtp_sink):
    # The requesting body submits the 派遣依頼書.
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    sign_in(page, live_site, "jisshi@demo.example")
    page.goto(live_site + "/dispatch/requests/new/")
    assert_accessible(page)
    page.get_by_label("企業名").fill(COMPANY)
    page.get_by_label("業種").select_option("E")
    page.get_by_label("所在地の都道府県").select_option("17")
    page.get_by_label("従業員数").select_option("21-50")
    page.get_by_label("要請機関の種別").select_option("yorozu")
    page.get_by_label("要請機関の都道府県").select_option("17")
    page.get_by_label("支援のアプローチ").select_option("issue-setting")
    page.get_by_label("支援ニーズ").fill("社長が何から手をつけるか整理したい")
    page.get_by_role("button", name="提出する").click()
    expect(page.get_by_text("派遣依頼を受け付けました")).to_be_visible()
    expect(page.locator("tr", has_text=COMPANY)).to_contain_text("受付")
    assert_accessible(page)
    context.close()

    # The secretariat opens the candidates and asks the first one.
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    sign_in(page, live_site, "jimukyoku@demo.example")
    pass_second_factor(page, DEMO_TOTP)
    page.goto(live_site + "/dispatch/requests/")
    page.get_by_role("link", name=COMPANY, exact=True).click()
    assert_accessible(page)
    page.get_by_role("link", name="候補の支援員を見る").click()
    expect(page.get_by_role("heading", name=re.compile("除外した支援員"))).to_be_visible()
    assert_accessible(page)
    first = page.locator("ol.match-list > li").first
    first.get_by_role("checkbox").check()
    before = len(smtp_sink.messages)
    page.get_by_role("button", name="選んだ候補に打診する").click()
    expect(page.get_by_text("1 人に打診のメールを送りました。")).to_be_visible()
    detail = page.url

    # The candidate answers through the mailed link, without signing in.
    message = _offer_mail(smtp_sink, before, page)
    text = message.get_body(("plain",)).get_content()
    assert COMPANY in text
    link = re.search(r"https?://\S+/dispatch/offers/\S+/", text)[0]
    answer = browser.new_context(locale="ja-JP").new_page()
    answer.goto(live_site + link[link.index("/dispatch/") :])
    assert_accessible(answer)
    answer.get_by_role("button", name="引き受ける").click()
    expect(answer.get_by_text("伴走支援案件を作成しました")).to_be_visible()

    # The request is an engagement with its team.
    page.goto(detail)
    expect(page.get_by_text("案件化")).not_to_have_count(0)
    page.get_by_role("link", name=re.compile(r"^D-\d+")).click()
    expect(page.get_by_text("佐々木 由香")).not_to_have_count(0)  # the requesting body's person
    expect(page.get_by_text("伴走支援員").first).to_be_visible()

    # The stalled demo engagement carries its flags on the board.
    page.goto(live_site + "/dispatch/board/")
    row = page.locator("tr", has_text="2026-099")
    expect(row).to_contain_text("実施報告がありません")
    expect(row).to_contain_text("訪問がありません")
    assert_accessible(page)

    # The registry pages, as the secretariat sees them.
    page.goto(live_site + "/dispatch/supporters/")
    assert_accessible(page)
    page.get_by_role("link", name="山本 誠").click()
    assert_accessible(page)
    page.get_by_role("link", name="編集する").click()
    assert_accessible(page)
    for path in ("/dispatch/training/", "/dispatch/registry/import/", "/dispatch/supporters/new/"):
        page.goto(live_site + path)
        assert_accessible(page)
    context.close()

    # The supporter's own profile: 任意登録情報, never the secretariat's notes.
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    sign_in(page, live_site, "shienin@demo.example")
    page.goto(live_site + "/dispatch/profile/")
    expect(page.get_by_role("heading", name="任意登録情報の更新")).to_be_visible()
    expect(page.get_by_text("事務局の面談メモ")).to_have_count(0)
    assert_accessible(page)
    context.close()


SUPPORT_TEXT = "報告書の様式について、企業の方にどこまで見せてよいか相談させてください。"
ANSWER_TEXT = "実施報告は支援チーム内の記録です。企業には要点を口頭で伝えてください。"


def _mail_to(smtp_sink, before: int, page, address: str, subject: str):
    for _ in range(100):
        found = [
            m for m in smtp_sink.messages[before:] if m["To"] == address and subject in m["Subject"]
        ]
        if found:
            return found[0]
        page.wait_for_timeout(100)
    pytest.fail(f"{address} に「{subject}」のメールが届きませんでした")


def test_support_request_raised_answered_and_closed(browser, live_site, smtp_sink):
    """支援要請 (§2-2-2): the supporter asks from the engagement page, the secretariat assigns,
    answers and closes it, and the supporter reads the answer through the mailed link."""
    # The supporter raises it from the engagement's page.
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    sign_in(page, live_site, "shienin@demo.example")
    page.goto(live_site + "/engagements/")
    page.locator("tr", has_text="2026-002").get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="事務局への支援要請")).to_be_visible()
    assert_accessible(page)
    before = len(smtp_sink.messages)
    page.get_by_label("相談の種類").select_option(label="制度・手続き")
    page.get_by_label("相談したいこと").fill(SUPPORT_TEXT)
    page.get_by_role("button", name="事務局に支援を要請する").click()
    expect(page.get_by_text("事務局に支援を要請しました")).to_be_visible()
    expect(page.get_by_text("受付", exact=True)).to_be_visible()
    assert_accessible(page)
    request_url = page.url
    context.close()

    # The secretariat hears of it by mail and finds it in its list.
    office_mail = _mail_to(
        smtp_sink, before, page, "jimukyoku@demo.example", "支援要請が届きました"
    )
    assert SUPPORT_TEXT in office_mail.get_body(("plain",)).get_content()
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    sign_in(page, live_site, "jimukyoku@demo.example")
    pass_second_factor(page, DEMO_TOTP)
    page.goto(live_site + "/dispatch/board/")
    expect(page.locator("tr", has_text="2026-002")).to_contain_text("事務局への支援要請")
    page.goto(live_site + "/dispatch/support/?status=open")
    assert_accessible(page)
    page.locator("tr", has_text="2026-002").get_by_role("link", name="制度・手続き").click()
    expect(page).to_have_url(request_url)
    expect(page.get_by_text(SUPPORT_TEXT)).to_be_visible()
    assert_accessible(page)
    before = len(smtp_sink.messages)
    page.get_by_role("button", name="担当者を決める").click()
    expect(page.get_by_text(re.compile("担当者を.+さんにしました"))).to_be_visible()
    expect(page.get_by_text("対応中", exact=True)).to_be_visible()
    page.get_by_label("本文").fill(ANSWER_TEXT)
    page.get_by_role("button", name="回答する").click()
    expect(page.get_by_text("回答を送りました")).to_be_visible()
    page.get_by_role("button", name="完了にする").click()
    expect(page.get_by_text("支援要請を完了にしました。")).to_be_visible()
    assert_accessible(page)
    context.close()

    # The supporter is mailed at each step and reads the answer through the link.
    for subject in ("担当者が決まりました", "完了しました"):
        _mail_to(smtp_sink, before, page, "shienin@demo.example", subject)
    answered = _mail_to(smtp_sink, before, page, "shienin@demo.example", "事務局から回答")
    text = answered.get_body(("plain",)).get_content()
    assert ANSWER_TEXT in text
    link = re.search(r"https?://\S+/dispatch/support/\d+/", text)[0]
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    sign_in(page, live_site, "shienin@demo.example")
    page.goto(live_site + link[link.index("/dispatch/") :])
    expect(page.get_by_text(ANSWER_TEXT)).to_be_visible()
    expect(page.get_by_text("完了", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="返信する")).to_have_count(0)
    assert_accessible(page)
    context.close()

    # The company contact of the engagement never reaches it.
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    sign_in(page, live_site, "kigyo@demo.example")
    response = page.goto(live_site + link[link.index("/dispatch/") :])
    assert response.status == 404
    context.close()
