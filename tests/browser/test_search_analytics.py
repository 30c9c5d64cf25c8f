"""Search analytics end to end, without JavaScript: a result link goes through the click view to
the case, and the secretariat's weekly report counts the search and its click."""

import re

import pytest
from playwright.sync_api import expect

from .test_work_flows import pass_second_factor, sign_in

pytestmark = pytest.mark.browser

WORD = "価格転嫁"  # a word no other browser test searches for: the counts are exact


def test_a_search_and_its_click_reach_the_report(live_site, browser):
    visitor = browser.new_context(locale="ja-JP", java_script_enabled=False)
    page = visitor.new_page()
    page.goto(live_site + f"/cases/?q={WORD}")
    link = page.locator(".case-card a").first
    assert "/search/click/" in link.get_attribute("href")
    title = link.inner_text()
    link.click()
    expect(page).to_have_url(re.compile(r"/cases/[^/]+/$"))  # the case itself, not the click view
    assert page.locator("h1").inner_text() == title
    visitor.close()

    secretariat = browser.new_context(locale="ja-JP")
    page = secretariat.new_page()
    sign_in(page, live_site, "jimukyoku@demo.example")
    pass_second_factor(page)
    page.goto(live_site + "/admin/search-report/")
    frequent = page.locator("table.listing").first
    row = frequent.locator("tr", has_text=WORD)
    assert row.locator("td").nth(1).inner_text() == "1"  # searched once
    assert row.locator("td").nth(3).inner_text() == "100%"  # and followed
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV をダウンロード").click()
    assert download.value.suggested_filename.startswith("search-report-")
    secretariat.close()
