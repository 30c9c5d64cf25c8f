"""WCAG 2.1 AA on the signed-in front pages, role by role (the Wagtail admin is not covered here).

Each role signs in once, in its own browser context, and walks through the pages it can open by
following links from page to page (no database ids in this file). Every page is photographed into
the screenshot folder and checked with axe; the test fails with axe's report of every page that
has a violation.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.test_work_flows import DEMO_TOTP, pass_second_factor, sign_in

pytestmark = pytest.mark.browser

SUPPORTER = "shienin@demo.example"
REQUESTING_BODY = "jisshi@demo.example"
COMPANY_CONTACT = "kigyo@demo.example"
SECRETARIAT = "jimukyoku@demo.example"
AGENCY = "chusho@demo.example"

AXE = Axe()


class Audit:
    """Screenshots and axe results of one role's pages, gathered for a single assertion."""

    def __init__(self, page, role: str, screenshot_dir):
        self.page, self.role, self.screenshot_dir = page, role, screenshot_dir
        page.set_default_timeout(10_000)
        self.failures: list[str] = []

    def check(self, name: str) -> None:
        page = self.page
        page.wait_for_load_state("load")
        assert "/accounts/login/" not in page.url, f"{name}: ログイン画面に戻されました"
        page.screenshot(
            path=self.screenshot_dir / f"signed-in-{self.role}-{name}.png", full_page=True
        )
        results = AXE.run(page)
        if results.response["violations"]:
            path = page.url.split("//", 1)[-1].split("/", 1)[-1]
            self.failures.append(f"■ {self.role} / {name}（/{path}）\n{results.generate_report()}")

    def assert_clean(self) -> None:
        assert not self.failures, "\n\n".join(self.failures)


def open_link(page, name, *, within=None, exact=True) -> None:
    """Follows a link by its accessible name (optionally inside one part of the page)."""
    scope = within if within is not None else page
    scope.get_by_role("link", name=name, exact=exact).first.click()
    page.wait_for_load_state("load")


def work_menu(page):
    return page.get_by_role("navigation", name="業務メニュー")


def account_menu(page):
    return page.get_by_role("navigation", name="アカウント")


def record_section(page, heading: str):
    return page.get_by_role("region", name=heading, exact=True)


def open_engagement(page, code: str) -> None:
    page.locator("tr", has_text=code).get_by_role("link").first.click()
    page.wait_for_load_state("load")


def open_visit(page, number: int) -> None:
    open_link(page, f"第{number}回訪問")


def check_account_pages(audit: Audit) -> None:
    """登録情報 and パスワード変更, reached through the account menu, and the change's errors."""
    page = audit.page
    page.locator(".work-bar__user a").click()  # the person's own name beside ログアウト
    expect(page.get_by_role("heading", level=1)).to_have_text("登録情報")
    audit.check("profile")
    open_link(page, "パスワード変更", within=account_menu(page))
    audit.check("password-change")
    page.get_by_role("button", name="変更する").click()  # nothing filled in: the error summary
    expect(page.get_by_role("alert")).to_be_visible()
    audit.check("password-change-errors")


def test_supporter_pages(browser, live_site, screenshot_dir):
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    audit = Audit(page, "supporter", screenshot_dir)
    sign_in(page, live_site, SUPPORTER)

    open_link(page, "伴走支援案件", within=work_menu(page))
    audit.check("engagement-list")
    open_engagement(page, "2026-002")
    audit.check("engagement-detail")
    engagement_url = page.url
    open_link(page, "版の履歴と比較", within=record_section(page, "活動計画"))
    audit.check("activity-plan-versions")  # two versions: the comparison is shown
    page.goto(engagement_url)
    open_link(page, "活動計画を編集する")
    audit.check("activity-plan-form")
    page.goto(engagement_url)
    open_link(page, "この案件の事例化を提案する")
    audit.check("proposal-form")

    page.goto(engagement_url)
    open_link(page, "伴走支援案件", within=page.get_by_role("navigation", name="パンくずリスト"))
    open_engagement(page, "2026-001")
    engagement_url = page.url
    open_visit(page, 1)  # the demo's whiteboard photo and spreadsheet are on visits 1 and 3
    audit.check("visit-detail")
    visit_url = page.url
    open_link(page, "編集する", within=record_section(page, "訪問支援実施報告"))
    audit.check("visit-report-form")
    page.get_by_label("実施日").fill("")  # a required field emptied: errors, nothing saved
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_role("alert")).to_be_visible()
    audit.check("visit-report-form-errors")
    page.goto(visit_url)
    open_link(page, "編集する", within=record_section(page, "訪問支援事前計画"))
    audit.check("visit-plan-form")
    page.goto(visit_url)
    open_link(page, re.compile(r"\.jpg$"), exact=False)
    expect(page.locator("main img")).to_be_visible()
    audit.check("attachment-photo")
    page.goto(visit_url)
    open_link(page, re.compile(r"\.xlsx$"), exact=False)
    audit.check("attachment-spreadsheet")
    page.goto(visit_url)
    open_link(page, re.compile("^アンケートの日付を変更する|^アンケートを設定する"), exact=False)
    audit.check("survey-setup")

    page.goto(engagement_url)
    open_visit(page, 5)  # the report was revised once: the comparison is shown
    open_link(page, "版の履歴と比較", within=record_section(page, "訪問支援実施報告"))
    expect(page.get_by_role("heading", name=re.compile("の違い$"))).to_be_visible()
    audit.check("visit-report-versions")

    open_link(page, "事例化の提案", within=work_menu(page))
    audit.check("proposals")
    check_account_pages(audit)
    context.close()
    audit.assert_clean()


def test_requesting_body_pages(browser, live_site, screenshot_dir):
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    audit = Audit(page, "requesting-body", screenshot_dir)
    sign_in(page, live_site, REQUESTING_BODY)

    open_link(page, "伴走支援案件", within=work_menu(page))
    audit.check("engagement-list")
    open_engagement(page, "2026-001")
    audit.check("engagement-detail")
    open_visit(page, 1)
    audit.check("visit-detail")  # no writing; upload and comment forms
    open_link(page, "版の履歴と比較", within=record_section(page, "訪問支援実施報告"))
    audit.check("visit-report-versions")
    page.go_back()
    open_link(page, re.compile(r"\.jpg$"), exact=False)
    audit.check("attachment-photo")
    open_link(page, "事例化の提案", within=work_menu(page))
    audit.check("proposals")
    check_account_pages(audit)
    context.close()
    audit.assert_clean()


def test_company_contact_pages(browser, live_site, screenshot_dir):
    context = browser.new_context(locale="ja-JP", viewport={"width": 375, "height": 740})
    page = context.new_page()  # the company answers on its phone
    audit = Audit(page, "company-contact", screenshot_dir)
    sign_in(page, live_site, COMPANY_CONTACT)

    open_link(page, "アンケート", within=work_menu(page))
    audit.check("my-surveys")
    open_link(page, re.compile("のアンケートに回答する$"), exact=False)
    audit.check("survey-answer")
    page.get_by_role("button", name="回答を送信する").click()  # nothing chosen: the errors
    expect(page.get_by_role("alert")).to_be_visible()
    audit.check("survey-answer-errors")
    page.goto(live_site + "/surveys/status/")  # not this role's page: the refusal page
    audit.check("forbidden")
    check_account_pages(audit)  # read-only profile for this role
    context.close()
    audit.assert_clean()


def test_secretariat_pages(browser, live_site, screenshot_dir):
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    audit = Audit(page, "secretariat", screenshot_dir)
    sign_in(page, live_site, SECRETARIAT)
    expect(page).to_have_url(re.compile("/accounts/2fa/verify/"))
    audit.check("two-factor-verify")
    pass_second_factor(page, DEMO_TOTP)

    open_link(page, "伴走支援案件", within=work_menu(page))
    audit.check("engagement-list")  # every engagement
    open_engagement(page, "2026-004")
    audit.check("engagement-detail")
    open_visit(page, 1)
    audit.check("visit-detail")
    open_link(page, "編集する", within=record_section(page, "訪問支援実施報告"))
    audit.check("visit-report-form")

    open_link(page, "回答状況", within=work_menu(page))
    audit.check("survey-status")
    open_link(page, re.compile("^回答済み"), exact=False)
    audit.check("survey-status-answered")
    open_link(page, "回答一覧", within=work_menu(page))
    audit.check("survey-answers")
    open_link(page, "分析", within=work_menu(page))
    audit.check("survey-analysis")
    page.get_by_role("form", name="案件の絞り込み").locator("select").first.select_option(index=1)
    page.get_by_role("button", name="絞り込む").click()
    page.wait_for_load_state("load")
    audit.check("survey-analysis-filtered")
    open_link(page, "事例化の提案", within=work_menu(page))
    audit.check("proposals")

    check_account_pages(audit)
    open_link(page, "ユーザー一覧", within=account_menu(page))
    audit.check("user-list")
    open_link(page, "中村 直子")
    audit.check("user-detail")
    # The agency's member lost her phone: her next sign-in sets up a new authenticator app.
    page.get_by_role("button", name="認証アプリの登録をリセットする").click()
    expect(page.get_by_role("status")).to_contain_text("認証アプリの登録を削除しました")
    open_link(page, "ユーザーの招待", within=account_menu(page))
    audit.check("user-invite")
    open_link(page, "一括登録", within=account_menu(page))
    audit.check("user-import")
    open_link(page, "監査ログ", within=account_menu(page))
    audit.check("audit-log")
    context.close()

    agency = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = agency.new_page()
    newcomer = Audit(page, "agency", screenshot_dir)
    sign_in(page, live_site, AGENCY)
    expect(page).to_have_url(re.compile("/accounts/2fa/setup/"))
    newcomer.check("two-factor-setup")
    agency.close()
    audit.failures += newcomer.failures
    audit.assert_clean()
