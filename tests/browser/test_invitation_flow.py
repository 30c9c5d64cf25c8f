"""Invitation → set password → forced second factor, as a new secretariat member lives it."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_work_flows import DEMO_TOTP, assert_accessible, pass_second_factor, sign_in

pytestmark = pytest.mark.browser

NEW_PASSWORD = "いつもの駅から歩いて十二分の事務所"  # a Japanese passphrase, no digits


def verify_second_factor(page, secret: str) -> None:
    pass_second_factor(page, secret)


def test_invited_secretariat_member_sets_a_password_and_must_add_a_second_factor(
    browser, live_site, smtp_sink, screenshot_dir
):
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    sign_in(page, live_site, "jimukyoku@demo.example")
    verify_second_factor(page, DEMO_TOTP)
    page.goto(live_site + "/accounts/users/new/")
    page.get_by_label("メールアドレス").fill("arata@invited.example")
    page.get_by_label("氏名").fill("新田 彩")
    page.get_by_label("事務局", exact=True).check()
    before = len(smtp_sink.messages)
    page.get_by_role("button", name="作成して招待メールを送る").click()
    expect(page.get_by_text(re.compile("招待"))).not_to_have_count(0)
    context.close()

    # The mail went out over SMTP: Japanese subject, the addressee's name, text and HTML, no password.
    for _ in range(50):
        if len(smtp_sink.messages) > before:
            break
        page.wait_for_timeout(100)
    message = smtp_sink.messages[-1]
    assert message["To"].addresses[0].addr_spec == "arata@invited.example"
    assert "伴走ナレッジ" in message["Subject"]
    assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None
    text = message.get_body(("plain",)).get_content()
    assert "新田 彩" in text and "パスワード:" not in text
    link = re.search(r"https?://\S+/accounts/invitation/\S+/", text)[0]
    # The server runs on a random port: the link carries the address the secretariat used.
    assert link.startswith(live_site + "/accounts/invitation/"), link

    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    page.goto(link)
    assert_accessible(page)
    page.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    page.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    page.get_by_role("button", name="パスワードを設定する").click()

    # Signing in lands on the second-factor setup; no other page is reachable before it.
    page.goto(live_site + "/accounts/login/")
    page.get_by_label("メールアドレス").fill("arata@invited.example")
    page.get_by_label("パスワード").fill(NEW_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page).to_have_url(re.compile("/accounts/2fa/setup/"))
    for path in ("/engagements/", "/admin/", "/surveys/status/"):
        page.goto(live_site + path)
        expect(page).to_have_url(re.compile("/accounts/2fa/setup/"))
    page.screenshot(path=screenshot_dir / "two-factor-setup.png", full_page=True)
    assert_accessible(page)
    secret = page.locator(".secret__key").inner_text().replace(" ", "")
    verify_second_factor(page, secret)
    page.goto(live_site + "/surveys/status/")
    expect(page.get_by_role("heading", name="アンケートの回答状況")).to_be_visible()

    # The link was single-use.
    page.goto(link)
    expect(page.get_by_text(re.compile("無効|使用済み|期限"))).not_to_have_count(0)
    context.close()
