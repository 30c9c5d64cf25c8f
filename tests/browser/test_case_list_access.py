"""Issue 12: the case list with the keyboard and on a phone.

Nothing sticky may cover the control that has the focus (WCAG 2.2 2.4.11): every filter checkbox
is focused with Tab and must be the element at its own centre. On a phone the results start near
the top; a skip link leads to them; axe finds nothing on the new parts (filter words, chosen
filters, hashtag links)."""

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}

# The focused element, its centre, and whether that centre shows the element itself.
FOCUS = """() => {
  const el = document.activeElement;
  const box = el.getBoundingClientRect();
  const x = box.left + box.width / 2, y = box.top + box.height / 2;
  const top = document.elementFromPoint(x, y);
  return {
    type: el.type || el.tagName, id: el.id, inForm: !!el.closest('form.filters'),
    visible: box.width > 0 && box.height > 0 && y >= 0 && y <= window.innerHeight,
    covered: !(top === el || el.contains(top)), coveredBy: top ? top.outerHTML.slice(0, 80) : null,
  };
}"""


def open_every_group(page):
    """Click every closed group open (on a phone the panel first, then the groups in it)."""
    closed = page.locator("form.filters details:not([open]) > summary:visible")
    for _ in range(50):
        if closed.count() == 0:
            return
        closed.first.click()
    raise AssertionError("a group does not open")


def tab_through_the_filters(page) -> list[dict]:
    """Every control from the first checkbox to the end of the filter form, as Tab reaches it."""
    page.locator("form.filters input[type=checkbox]").first.focus()
    seen = []
    for _ in range(400):
        state = page.evaluate(FOCUS)
        if not state["inForm"]:
            break
        seen.append(state)
        page.keyboard.press("Tab")
    return seen


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280x800", "375x812"])
def test_no_focused_checkbox_is_covered(browser, live_site, screenshot_dir, viewport):
    context = browser.new_context(locale="ja-JP", viewport=viewport)
    page = context.new_page()
    page.goto(live_site + "/cases/?q=支援")
    open_every_group(page)
    total = page.locator("form.filters input[type=checkbox]").count()
    seen = tab_through_the_filters(page)
    checkboxes = [s for s in seen if s["type"] == "checkbox"]
    page.screenshot(path=screenshot_dir / f"case-list-focus-{viewport['width']}.png")
    context.close()
    assert total > 40 and len(checkboxes) == total  # every checkbox, once each
    assert [s for s in checkboxes if not s["visible"] or s["covered"]] == []


def test_results_start_near_the_top_on_a_phone(browser, live_site, screenshot_dir):
    context = browser.new_context(locale="ja-JP", viewport=PHONE)
    page = context.new_page()
    page.goto(live_site + "/cases/")
    page.screenshot(path=screenshot_dir / "case-list-phone-top.png")
    first = page.locator(".case-card").first.bounding_box()
    # The filters are one closed panel: no checkbox before the first result.
    hidden = page.locator("form.filters input[type=checkbox]").first.is_visible()
    context.close()
    assert first["y"] <= 900, first
    assert not hidden


def test_desktop_shows_the_filters_without_a_toggle(browser, live_site):
    context = browser.new_context(locale="ja-JP", viewport=DESKTOP)
    page = context.new_page()
    page.goto(live_site + "/cases/")
    industry = page.locator("form.filters input[name=industry]").first.is_visible()
    toggle = page.locator(".filters__toggle").is_visible()
    context.close()
    assert industry and not toggle


def test_the_skip_link_leads_to_the_results(browser, live_site):
    context = browser.new_context(locale="ja-JP", viewport=DESKTOP)
    page = context.new_page()
    page.goto(live_site + "/cases/")
    presses = 0
    while presses < 40:
        page.keyboard.press("Tab")
        presses += 1
        if page.evaluate("document.activeElement.getAttribute('href')") == "#results":
            break
    assert presses < 25, "the skip link comes before the filters"
    assert page.evaluate(FOCUS)["covered"] is False  # shown where it has the focus
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('.case-card') !== null")
    context.close()
    assert focused, "the next Tab after the skip link is the first result"


ACCESS_PAGES = {
    "query-words": "/cases/?q=石川県の製造業",
    "chosen-filters": "/cases/?industry=E&owner_age=60s&hashtag=事業承継",
    "boost-word": "/cases/?q=後継者",
    "case-hashtags": "/cases/demo-001/",
}


@pytest.mark.parametrize("name", ACCESS_PAGES)
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280x800", "375x812"])
def test_no_axe_violations_on_the_new_parts(browser, live_site, screenshot_dir, name, viewport):
    context = browser.new_context(locale="ja-JP", viewport=viewport)
    page = context.new_page()
    response = page.goto(live_site + ACCESS_PAGES[name])
    assert response.status == 200
    page.screenshot(path=screenshot_dir / f"issue12-{name}-{viewport['width']}.png", full_page=True)
    results = Axe().run(page)
    context.close()
    assert results.response["violations"] == [], results.generate_report()
