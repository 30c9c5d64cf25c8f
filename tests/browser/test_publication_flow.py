"""Issue 5 end to end: a report becomes a published case that names nobody.

report → proposal → draft from the engagement → findings replaced → approval → published page;
then the original names find nothing, and the page and its images contain none of them.
"""

import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from accounts import totp
from tests.browser.test_invitation_flow import DEMO_TOTP
from tests.browser.test_work_flows import photo_with_location, sign_in

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CODE = "2026-002"


def original_names() -> list[str]:
    """The names the platform knows for the engagement, read from the demo fixture."""
    data = json.loads((ROOT / "fixtures" / "engagements.json").read_text(encoding="utf-8"))
    engagement = next(e for e in data["engagements"] if e["code"] == CODE)
    people = {p["key"]: p for p in data["people"]}
    organisations = {o["key"]: o for o in data["organisations"]}
    company = organisations[engagement["company"]]
    names = {company["name"], "丸七", "七尾"}
    for member in engagement["team"]:
        names.update(people[member["person"]]["display_name"].split())
    return sorted(names)


def test_report_to_published_case_without_names(browser, live_site, screenshot_dir, tmp_path):
    # A supporter reports a visit, with names and a phone number, and a whiteboard photo.
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    sign_in(page, live_site, "shienin@demo.example")
    page.goto(live_site + "/engagements/")
    page.locator("tr", has_text=CODE).get_by_role("link").first.click()
    page.get_by_role("button", name="訪問を追加する").click()
    page.locator("section", has=page.get_by_role("heading", name="訪問支援実施報告")).get_by_role(
        "link", name="書く"
    ).click()
    page.get_by_label("実施日").fill("2026-11-21")
    page.get_by_label("実施内容").fill(
        "株式会社丸七の高橋健一社長と、七尾の直売所で売場の役割を話し合った。"
        "連絡は 0767-52-1234 まで。"
    )
    page.get_by_label("経営者の発言・気づき").fill("高橋社長「店は母の代の形のままだった」")
    page.get_by_label(re.compile("フォローアップ（自走化")).check()
    page.get_by_role("button", name="保存する").click()
    photo = tmp_path / "ホワイトボード.jpg"
    photo.write_bytes(photo_with_location())
    page.get_by_label("添付先").select_option(label="訪問支援実施報告")
    page.locator("input[type=file]").set_input_files(str(photo))
    page.get_by_role("button", name="アップロード").click()

    page.goto(live_site + "/engagements/")
    page.locator("tr", has_text=CODE).get_by_role("link").first.click()
    page.get_by_role("link", name="この案件の事例化を提案する").click()
    page.get_by_label(re.compile("事務局へのひとこと")).fill(
        "直売所の引き継ぎの過程が参考になると思います。"
    )
    page.get_by_role("button", name="提案する").click()
    expect(page.get_by_text("受付待ち")).not_to_have_count(0)
    context.close()

    # The secretariat takes the proposal and creates the draft from the engagement.
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    sign_in(page, live_site, "jimukyoku@demo.example")
    page.get_by_label(re.compile("確認コード")).fill(totp.code_at(DEMO_TOTP))
    page.get_by_role("button", name="確認する").click()
    page.goto(live_site + "/admin/proposals/")
    page.get_by_role("link", name=re.compile(CODE)).click()
    page.get_by_role("button", name="自分が担当する").click()
    page.get_by_role("button", name="案件から事例原稿を作成").click()
    expect(page.get_by_role("heading", name="匿名化アシスタント")).to_be_visible()
    expect(page.locator("mark").first).to_be_visible()
    expect(page.get_by_text(re.compile("公開を止めている項目が"))).to_be_visible()
    page.screenshot(path=screenshot_dir / "anonymisation-assistant.png", full_page=True)
    page.get_by_role("button", name="チェックした語をすべて置き換える").click()
    expect(page.get_by_text("既知の名前と識別番号は見つかりません", exact=False)).not_to_have_count(
        0
    )

    # Submitted to the workflow by the member who drafted it, approved by another (four eyes).
    page.get_by_role("link", name="編集画面に戻る").click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/"))
    page_id = re.search(r"/admin/pages/(\d+)/edit/", page.url)[1]
    # 「事例の公開に提出する」 sits in the editor's action menu.
    with page.expect_navigation():
        page.locator("[name=action-submit]").dispatch_event("click")
    page.goto(f"{live_site}/admin/pages/{page_id}/edit/")
    expect(page.get_by_text("承認は別の事務局員が行います", exact=False)).to_be_visible()
    assert page.locator("[data-workflow-action-name=approve]").count() == 0
    context.close()

    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    sign_in(page, live_site, "jimukyoku2@demo.example")
    page.get_by_label(re.compile("確認コード")).fill(totp.code_at(DEMO_TOTP))
    page.get_by_role("button", name="確認する").click()
    # The reviewer approves from inside the editor, where the whole form is sent again: an
    # untouched form must not count as an edit, or the approval would restart the workflow.
    page.goto(f"{live_site}/admin/pages/{page_id}/edit/")
    with page.expect_navigation():
        page.locator(
            "[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])"
        ).first.dispatch_event("click")
    context.close()

    # The supporter sees the proposal published and follows the link to the public page.
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    sign_in(page, live_site, "shienin@demo.example")
    page.goto(live_site + "/proposals/")
    row = page.locator("tr", has_text=CODE)
    expect(row.get_by_text("公開済み")).to_be_visible()
    case_path = row.locator("td").last.get_by_role("link").get_attribute("href")
    context.close()

    context = browser.new_context(locale="ja-JP")  # anonymous reader
    page = context.new_page()
    published = page.request.get(live_site + case_path)
    assert published.ok
    html = published.text()
    page.goto(live_site + case_path)
    page.screenshot(path=screenshot_dir / "published-case.png", full_page=True)
    for name in original_names():
        assert name not in html, name
        found = page.request.get(f"{live_site}/api/v1/search/", params={"q": name}).json()
        assert case_path not in [r["url"] for r in found["results"]], name
    assert "0767" not in html
    images = page.locator("main img")
    assert images.count() >= 1
    for i in range(images.count()):
        body = page.request.get(live_site + images.nth(i).get_attribute("src")).body()
        exif = Image.open(io.BytesIO(body)).getexif()
        assert 0x8825 not in exif and 0x010F not in exif
        for name in original_names():
            assert name.encode() not in body
    context.close()
