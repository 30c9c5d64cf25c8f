"""Issue 11 end to end: the secretariat turns a demo engagement into a case with the assistant's
defaults only (labels, picks, suggestions; not one replacement typed), and it publishes."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_work_flows import (
    DEMO_TOTP,
    approve_in_editor,
    pass_second_factor,
    sign_in,
)

pytestmark = pytest.mark.browser

CODE = "2026-004"  # ひだまりケアサービス: its supporter is shienin3


def test_engagement_to_published_case_with_defaults_only(browser, live_site, screenshot_dir):
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    sign_in(page, live_site, "shienin3@demo.example")
    page.goto(live_site + "/engagements/")
    page.locator("tr", has_text=CODE).get_by_role("link").first.click()
    page.get_by_role("link", name="この案件の事例化を提案する").click()
    page.get_by_label(re.compile("事務局へのひとこと")).fill("定着の工夫が参考になります。")
    page.get_by_role("button", name="提案する").click()
    context.close()

    # A tall window: the admin scrolls inside its own pane, which a full-page shot does not see.
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 3600})
    page = context.new_page()
    sign_in(page, live_site, "jimukyoku@demo.example")
    pass_second_factor(page, DEMO_TOTP)
    page.goto(live_site + "/admin/proposals/")
    page.get_by_role("link", name=re.compile(CODE)).click()
    page.get_by_role("button", name="自分が担当する").click()
    page.get_by_role("button", name="案件から事例原稿を作成").click()
    expect(page.get_by_role("heading", name="匿名化アシスタント")).to_be_visible()
    page_id = re.search(r"/cases/(\d+)/anonymise/", page.url)[1]
    expect(page.get_by_role("heading", name=re.compile("登場する人・組織"))).to_be_visible()
    page.screenshot(path=screenshot_dir / "assistant-entities.png", full_page=True)

    # 1. Labels as proposed; each ambiguous mention gets its first candidate (a pick, not typing).
    for group in page.locator("fieldset.ambiguous").all():
        group.locator("input[type=radio]").first.check()
    page.get_by_role("button", name="この呼び方を事例全体に適用する").click()
    expect(page.get_by_text("事例全体を再チェックしました", exact=False)).to_be_visible()
    # 2. Ages, dates and founding years: every suggestion accepted.
    if page.get_by_role("button", name="提案をすべて採用する").count():
        page.get_by_role("button", name="提案をすべて採用する").click()
        expect(page.get_by_text("正確な年齢・日付・創業年は見つかりません")).to_be_visible()
    # 3. What the detector still finds, with the suggested replacements as they are.
    if page.get_by_role("button", name="チェックした語をすべて置き換える").count():
        page.get_by_role("button", name="チェックした語をすべて置き換える").click()
    expect(page.get_by_text("既知の名前と識別番号は見つかりません", exact=False)).to_be_visible()
    checklist = page.locator("ul.checklist li")
    expect(checklist).to_have_count(4)
    assert page.locator("ul.checklist li[data-ok='0']").count() == 0
    page.screenshot(path=screenshot_dir / "assistant-checklist-passed.png", full_page=True)

    page.get_by_role("link", name="編集画面に戻る").click()
    page.wait_for_url(re.compile(rf"/admin/pages/{page_id}/edit/"))
    with page.expect_navigation():
        page.locator("[name=action-submit]").dispatch_event("click")
    context.close()

    approve_in_editor(browser, live_site, page_id)

    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    sign_in(page, live_site, "shienin3@demo.example")
    page.goto(live_site + "/proposals/")
    row = page.locator("tr", has_text=CODE)
    expect(row.get_by_text("公開済み")).to_be_visible()
    href = row.locator("td").last.get_by_role("link").get_attribute("href")
    context.close()

    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(href if href.startswith("http") else live_site + href)
    expect(page.get_by_role("heading", name="本事例のポイント")).to_be_visible()
    assert page.locator(".key-points li").count() >= 2
    assert page.locator(".hashtags span").count() >= 1
    html = page.content()
    for name in ("ひだまりケアサービス", "岡島", "米田", "堺市"):
        assert name not in html, name
    assert "近畿" in html and "大阪府" not in html  # region only (k rule)
    page.screenshot(path=screenshot_dir / "case-from-engagement-published.png", full_page=True)
    context.close()
