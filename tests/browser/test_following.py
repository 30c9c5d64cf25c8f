"""Issue 14, following the library, as people use it: save a search on the case list, get its
digest through real SMTP once a case is published (and not twice), stop it from the mail; the
feed carries the new case. Every new page has 0 axe violations."""

import re
import time
from urllib.parse import quote

import feedparser
import pytest
from playwright.sync_api import expect

from tests.browser.test_work_flows import assert_accessible, sign_in

pytestmark = pytest.mark.browser

WORD = "ホヤ養殖"  # in no demo case
TITLE = f"{WORD}の六次産業化で販路を広げた事例"
PUBLISH = (
    "from tests.following.factories import CasePageFactory; "
    f"CasePageFactory(title={TITLE!r}, slug='hoya-browser', external_id='hoya-browser')"
)


def _digests(smtp_sink, before: int, *, wait: float = 10.0) -> list:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        found = [m for m in smtp_sink.messages[before:] if "保存した検索" in m["Subject"]]
        if found:
            return found
        time.sleep(0.2)
    return []


def test_save_a_search_get_its_digest_once_and_stop_it(
    browser, live_site, live_manage, smtp_sink, page, screenshot_dir
):
    page.set_default_timeout(15_000)
    sign_in(page, live_site, "shienin@demo.example")
    page.goto(f"{live_site}/cases/?q={quote(WORD)}")
    feed_link = page.get_by_role("link", name="この検索の新着をフィード（Atom）で受け取る")
    expect(feed_link).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="この検索を保存").click()
    expect(page.get_by_role("heading", name="検索を保存する")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("名前").fill("ホヤの事例")
    page.get_by_label("毎日").check()
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_role("heading", name="保存した検索")).to_be_visible()
    expect(page.get_by_role("cell", name="ホヤの事例", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="「ホヤの事例」を変更").click()
    expect(page.get_by_role("heading", name="保存した検索を変更する")).to_be_visible()
    assert_accessible(page)
    page.go_back()
    page.get_by_role("link", name="「ホヤの事例」を削除").click()
    expect(page.get_by_role("heading", name="保存した検索を削除する")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "following-delete.png", full_page=True)

    # A case is published; the scheduled command mails it through SMTP to the sink, once.
    before = len(smtp_sink.messages)
    live_manage("shell", "-c", PUBLISH)
    live_manage("send_search_digests", "--frequency", "daily")
    (message,) = _digests(smtp_sink, before)
    assert message["To"] == "shienin@demo.example"
    body = message.get_body(("plain",)).get_content()
    assert TITLE in body
    live_manage("send_search_digests", "--frequency", "daily")
    assert _digests(smtp_sink, before + 1, wait=2.0) == []

    # The feed of the same search carries the new case (parsed as Atom).
    response = page.request.get(f"{live_site}/following/feed/?q={quote(WORD)}")
    parsed = feedparser.parse(response.body())
    assert not parsed.bozo and [e.title for e in parsed.entries] == [TITLE]

    # The mail's link stops it, without signing in.
    link = message["List-Unsubscribe"].strip().strip("<>")
    path = re.sub(r"^https?://[^/]+", "", link)
    anonymous = browser.new_context(locale="ja-JP")
    other = anonymous.new_page()
    other.goto(live_site + path)
    expect(other.get_by_role("heading", name="検索の新着メールの停止")).to_be_visible()
    assert_accessible(other)
    other.get_by_role("button", name="メールを停止する").click()
    expect(other.get_by_text("のメールを停止しました")).to_be_visible()
    assert_accessible(other)
    anonymous.close()
    page.goto(live_site + "/following/saved/")
    expect(page.get_by_role("cell", name="メールを送らない", exact=True)).to_be_visible()
