import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PAGES = {
    "home": "/",
    "case-list": "/cases/",
    "case-list-filtered": "/cases/?industry=E&tool=whiteboard",
    "case-search": "/cases/?q=傾聴",
    "case": "/cases/demo-001/",
    "knowhow-index": "/knowhow/",
    "knowhow-search": "/knowhow/?q=訪問",
    "knowhow": "/knowhow/three-kiku/",
    "curriculum": "/training/bansou-basic/",
    "curriculum-unit": "/training/bansou-basic/skill-1/",
    "about": "/about/",
}


@pytest.mark.parametrize("name", PAGES)
def test_no_axe_violations(live_site, page, screenshot_dir, name):
    response = page.goto(live_site + PAGES[name])
    assert response.status == 200
    page.screenshot(path=screenshot_dir / f"{name}.png", full_page=True)
    results = Axe().run(page)
    violations = results.response["violations"]
    assert violations == [], results.generate_report()


@pytest.mark.parametrize("name", ["home", "case-list", "case"])
def test_phone_viewport_has_no_horizontal_scroll(browser, live_site, screenshot_dir, name):
    context = browser.new_context(locale="ja-JP", viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(live_site + PAGES[name])
    page.screenshot(path=screenshot_dir / f"{name}-phone.png", full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    context.close()
    assert overflow <= 0


def test_filters_work_without_javascript(browser, live_site):
    context = browser.new_context(locale="ja-JP", java_script_enabled=False)
    page = context.new_page()
    page.goto(live_site + "/cases/")
    total_before = int(re.search(r"(\d+)", page.locator("#results-heading").inner_text())[1])
    page.get_by_label(re.compile("^製造業")).check()
    page.locator("summary", has_text="ツール").click()  # a closed group opens without script
    page.get_by_label(re.compile("^ホワイトボード")).check()
    page.get_by_role("button", name="この条件で絞り込む").click()
    expect(page).to_have_url(re.compile("industry=E.*tool=whiteboard"))
    total_after = int(re.search(r"(\d+)", page.locator("#results-heading").inner_text())[1])
    assert 0 < total_after < total_before
    assert page.get_by_label(re.compile("^製造業")).is_checked()
    page.locator(".case-card a").first.click()
    assert page.locator("h1").inner_text()
    assert page.get_by_role("heading", name="基礎情報").is_visible()
    context.close()


def test_keyboard_user_can_skip_to_content(live_site, page):
    page.goto(live_site + "/cases/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="本文へ移動")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    # Following an in-page link updates the address asynchronously: wait for it.
    expect(page).to_have_url(re.compile("#main$"))


@pytest.mark.parametrize("path", ["/cases/", "/knowhow/"])
def test_search_box_suggests_completions_for_kana(live_site, page, path):
    page.goto(live_site + path)
    with page.expect_response(lambda r: "/api/v1/suggest/" in r.url):
        page.locator("#q").press_sequentially("けいえいでざいん", delay=20)
    page.wait_for_function("document.querySelectorAll('#q-suggestions option').length > 0")
    options = page.locator("#q-suggestions option").evaluate_all("els => els.map(e => e.value)")
    assert "経営デザインシート" in options


def test_search_highlights_and_announces_count(live_site, page):
    page.goto(live_site + "/cases/?q=" + "経営デザインシート")
    status = page.locator("[role=status]")
    assert re.search(r"\d+ 件の事例", status.inner_text())
    assert page.locator(".card__highlight mark").count() > 0
