"""Issue 14: what Wagtail draws with JavaScript in the admin is Japanese too.

tests/admin/test_admin_japanese.py reads the HTML the server sends; the sidebar, the page
chooser's result counts, dialogs and the StreamField controls are drawn in the browser from
wagtailConfig and the JavaScript catalogue. Here the rendered DOM of the pages each role uses is
read with the same rules (tests/admin/english.py).
"""

import re

import pytest
from playwright.sync_api import expect

from tests.admin.english import english_strings
from tests.browser.test_work_flows import DEMO_TOTP, pass_second_factor, sign_in

pytestmark = pytest.mark.browser

ACCOUNTS = {
    "secretariat": ("jimukyoku@demo.example", True),
    "editor": ("henshu@demo.example", True),
    "trainer": ("koshi@demo.example", False),
}


# Opens the chooser the editor's widgets open (an image chooser where the page has one, else the
# page chooser), with Wagtail's own modal classes.
OPEN_CHOOSER = """() => {
  if (window.ImageChooserModal) {
    new window.ImageChooserModal('/admin/images/chooser/').open({}, () => {});
    return 'image';
  }
  if (window.PageChooserModal) {
    new window.PageChooserModal('/admin/choose-page/').open(
      {modelNames: ['cases.casepage']}, () => {});
    return 'page';
  }
  return '';
}"""


def english_on(page) -> list[str]:
    page.wait_for_load_state("networkidle")
    return english_strings(page.content())


@pytest.mark.parametrize("role", sorted(ACCOUNTS))
def test_the_rendered_admin_has_no_english_ui_strings(browser, live_site, role):
    email, two_factor = ACCOUNTS[role]
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_site, email)
    if two_factor:
        pass_second_factor(page, DEMO_TOTP)
    found = {}
    page.goto(live_site + "/admin/")
    found["dashboard"] = english_on(page)
    page.goto(live_site + "/admin/pages/")  # the explorer of the section the role works in
    found["explorer"] = english_on(page)
    if role == "trainer":  # curricula hold units, where the cases and know-how are chosen
        href = next(
            h
            for h in (a.get_attribute("href") for a in page.locator("main table a").all())
            if h and re.fullmatch(r"/admin/pages/\d+/", h)
        )
        page.goto(live_site + href)
    page.locator('main table a[href$="/edit/"]').first.click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/$"))
    found["editor"] = english_on(page)
    if role != "trainer":  # a know-how article, where the cases it shows are chosen
        page.goto(live_site + "/admin/pages/search/?q=" + "傾聴")
        page.locator("main table tr", has_text="ノウハウ").locator(
            'a[href$="/edit/"]'
        ).first.click()
        page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/$"))
        found["know-how editor"] = english_on(page)
    chooser = page.evaluate(OPEN_CHOOSER)
    assert chooser, "この編集画面には画像もページも選ぶ部品がありません"
    modal = page.locator(".modal .modal-body").last
    expect(modal.get_by_role("textbox").first).to_be_visible()
    search = modal.get_by_role("textbox").first
    search.fill("事例" if chooser == "page" else "写真")
    page.keyboard.press("Enter")
    found[f"{chooser} chooser"] = english_on(page)
    context.close()
    assert not any(found.values()), "\n".join(f"{k}: {v}" for k, v in found.items() if v)
