"""Issue 14: every demo role signs in from the public home page and lands on its own work."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_work_flows import DEMO_TOTP, PASSWORD, assert_accessible, pass_second_factor

pytestmark = pytest.mark.browser

TWO_FACTOR = {"jimukyoku@demo.example", "henshu@demo.example", "chusho@demo.example"}

# (account, where the landing page is, what shows that it is this role's work)
LANDINGS = [
    ("shienin@demo.example", r"/engagements/$", "伴走支援案件"),
    ("jisshi@demo.example", r"/engagements/$", "伴走支援案件"),
    ("support@demo.example", r"/engagements/$", "伴走支援案件"),
    ("kigyo@demo.example", r"/surveys/$", "回答をお願いしているアンケート"),
    ("chusho@demo.example", r"/surveys/analysis/$", "分析"),
    ("jimukyoku@demo.example", r"/work/dashboard/$", "事務局ダッシュボード"),
    ("henshu@demo.example", r"/admin/pages/\d+/$", "支援事例"),
    ("koshi@demo.example", r"/admin/pages/\d+/$", "研修カリキュラム"),
]


@pytest.mark.parametrize(("email", "path", "heading"), LANDINGS, ids=[e for e, *_ in LANDINGS])
def test_role_signs_in_from_the_home_page_and_lands_on_its_work(
    browser, live_site, screenshot_dir, email, path, heading
):
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_site + "/")
    page.get_by_role("link", name="ログイン", exact=True).click()
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    if email in TWO_FACTOR:
        pass_second_factor(page, DEMO_TOTP)
    page.wait_for_url(re.compile(re.escape(live_site) + path))
    expect(page.get_by_role("heading", name=heading).first).to_be_visible()
    page.screenshot(path=screenshot_dir / f"landing-{email.split('@')[0]}.png", full_page=True)
    if email == "kigyo@demo.example":
        # The one pending survey sits above the answered ones.
        pending = page.get_by_role("region", name="回答をお願いしているアンケート")
        expect(pending.get_by_role("link", name=re.compile("回答する"))).not_to_have_count(0)
    if "/admin/" not in path:
        # Signed in: the name and the sign-out button replace the sign-in link.
        expect(page.get_by_role("link", name="ログイン", exact=True)).to_have_count(0)
        expect(page.get_by_role("button", name="ログアウト")).to_be_visible()
        assert_accessible(page)  # the landing pages are new or changed: WCAG 2.1 AA by axe
    if email == "jimukyoku@demo.example":
        # The status page with a filter chosen, the visit links and the reminder buttons.
        work_bar = page.get_by_role("navigation", name="業務メニュー")
        work_bar.get_by_role("link", name="回答状況").click()
        expect(page.locator("a.chip[aria-current]")).to_have_text("すべて")
        expect(
            page.get_by_role("button", name=re.compile("回答のお願いを再送する"))
        ).not_to_have_count(0)
        assert_accessible(page)
        page.get_by_role("link", name=re.compile("^回答済み")).click()
        expect(page.locator("a.chip[aria-current]")).to_have_text(re.compile("^回答済み"))
    context.close()
