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

from tests.browser.test_work_flows import (
    DEMO_TOTP,
    approve_in_editor,
    pass_second_factor,
    photo_with_location,
    sign_in,
)

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


# Who may open a draft's private media (事務局・編集者・中小企業庁), and who may not.
ROLE_ACCOUNTS = {
    "supporter": "shienin@demo.example",
    "requesting": "jisshi@demo.example",
    "contact": "kigyo@demo.example",
    "agency": "chusho@demo.example",
    "support": "support@demo.example",
    "secretariat": "jimukyoku@demo.example",
    "editor": "henshu@demo.example",
    "trainer": "koshi@demo.example",
}
SEES_PRIVATE_MEDIA = {"agency", "secretariat", "editor"}
TWO_FACTOR = {"agency", "secretariat", "editor"}


def signed_in_contexts(browser, base) -> dict:
    """One browser context per role (plus anonymous), signed in once for the whole test."""
    contexts = {"anonymous": browser.new_context(locale="ja-JP")}
    for role, email in ROLE_ACCOUNTS.items():
        context = browser.new_context(locale="ja-JP")
        page = context.new_page()
        sign_in(page, base, email)
        if role in TWO_FACTOR:
            pass_second_factor(page, DEMO_TOTP)
        page.wait_for_load_state()
        assert "/accounts/login/" not in page.url, email
        page.close()
        contexts[role] = context
    return contexts


def draft_media_urls(contexts, base, page_id) -> set[str]:
    """Every image of the latest draft as the page would show it, and each one's original file."""
    html = contexts["secretariat"].request.get(f"{base}/admin/pages/{page_id}/view_draft/").text()
    renditions = set(re.findall(r'<img[^>]+src="([^"]+)"', html))
    # Wagtail names a rendition images/<original stem>.<filter>.<ext> beside original_images/.
    originals = {
        re.sub(r"/images/([^/.]+)\.[^/]+\.(\w+)$", r"/original_images/\1.\2", url)
        for url in renditions
    }
    return {url for url in renditions | originals if "media/" in url}  # /media/, /private-media/


def who_gets(contexts, base, urls) -> dict[str, set[str]]:
    """For each URL, the roles that received the file (200 with the bytes of an image)."""
    seen = {}
    for url in urls:
        seen[url] = set()
        for role, context in contexts.items():
            response = context.request.get(base + url if url.startswith("/") else url)
            if response.status == 200 and response.headers["content-type"].startswith("image/"):
                seen[url].add(role)
    return seen


def assert_private(contexts, base, urls, step):
    assert urls, f"{step}: the draft shows no image"
    for url, roles_ in who_gets(contexts, base, urls).items():
        assert roles_ == SEES_PRIVATE_MEDIA, f"{step}: {url} reached {sorted(roles_)}"


def test_report_to_published_case_without_names(browser, live_site, screenshot_dir, tmp_path):
    # At every step from the draft on, each role (and the anonymous public) fetches every media
    # URL of the draft and gets exactly what it may see.
    roles_ = signed_in_contexts(browser, live_site)
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

    # The secretariat takes the proposal and creates the draft from the engagement (signed in
    # already: a second sign-in within the same 30 s would reuse the one-time code, refused).
    page = roles_["secretariat"].new_page()
    page.goto(live_site + "/admin/proposals/")
    page.get_by_role("link", name=re.compile(CODE)).click()
    page.get_by_role("button", name="自分が担当する").click()
    page.get_by_role("button", name="案件から事例原稿を作成").click()
    expect(page.get_by_role("heading", name="匿名化アシスタント")).to_be_visible()
    page_id = re.search(r"/cases/(\d+)/anonymise/", page.url)[1]
    assert_private(roles_, live_site, draft_media_urls(roles_, live_site, page_id), "draft")
    expect(page.locator("mark").first).to_be_visible()
    expect(page.get_by_text(re.compile("公開を止めている項目が"))).to_be_visible()
    page.screenshot(path=screenshot_dir / "anonymisation-assistant.png", full_page=True)
    # The list's labels first (the first candidate of each ambiguous mention), then the rest.
    for group in page.locator("fieldset.ambiguous").all():
        group.locator("input[type=radio]").first.check()
    page.get_by_role("button", name="この呼び方を事例全体に適用する").click()
    page.get_by_role("button", name="チェックした語をすべて置き換える").click()
    expect(page.get_by_text("既知の名前と識別番号は見つかりません", exact=False)).not_to_have_count(
        0
    )
    private_urls = draft_media_urls(roles_, live_site, page_id)
    assert_private(roles_, live_site, private_urls, "anonymised")

    # Submitted to the workflow by the member who drafted it, approved by another (four eyes).
    page.get_by_role("link", name="編集画面に戻る").click()
    page.wait_for_url(re.compile(rf"/admin/pages/{page_id}/edit/"))
    # 「事例の公開に提出する」 sits in the editor's action menu.
    with page.expect_navigation():
        page.locator("[name=action-submit]").dispatch_event("click")
    page.goto(f"{live_site}/admin/pages/{page_id}/edit/")
    expect(page.get_by_text("承認は別の事務局員が行います", exact=False)).to_be_visible()
    assert page.locator("[data-workflow-action-name=approve]").count() == 0
    page.close()
    assert_private(roles_, live_site, draft_media_urls(roles_, live_site, page_id), "submitted")

    approve_in_editor(browser, live_site, page_id)

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
        # Every word counts (OR): 株式会社丸七 may still find the case through 会社, but never
        # through the name itself.
        found = page.request.get(f"{live_site}/api/v1/search/", params={"q": name}).json()
        for result in found["results"]:
            if result["url"] == case_path:
                assert name not in " ".join(result["highlights"]), name
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

    # Published: the page's images (and their originals) reach everyone; the draft-time private
    # URLs reach no one, since the files moved to public storage.
    public_urls = draft_media_urls(roles_, live_site, page_id)
    assert public_urls and not public_urls & private_urls
    everyone = set(roles_)
    for url, roles_seen in who_gets(roles_, live_site, public_urls).items():
        assert roles_seen == everyone, f"published: {url} reached only {sorted(roles_seen)}"
    for url, roles_seen in who_gets(roles_, live_site, private_urls).items():
        assert not roles_seen, f"published: old private {url} still reached {sorted(roles_seen)}"
    for context in roles_.values():
        context.close()
