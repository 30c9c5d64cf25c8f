"""The working side as people use it: a supporter's report with a photo, a company on its phone."""

import io
import re
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from playwright.sync_api import expect

from accounts import totp

pytestmark = pytest.mark.browser

PASSWORD = "demo-passphrase-2026"  # the published dev-only demo password (README)
DEMO_TOTP = "BANSOKNOWLEDGEDEMOTOTPSECRET2345"  # the demo accounts' 2FA key (README, dev only)


def sign_in(page, base, email):
    page.goto(base + "/accounts/login/")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()


def pass_second_factor(page, secret: str = DEMO_TOTP) -> None:
    """Enters the current code. The demo accounts share one secret, and a code used once (by an
    earlier sign-in this step) is spent: then the next step's code, which the server accepts as
    a phone's clock slightly ahead (accounts/totp.WINDOW); when that is spent too, it waits for
    the next step. At most two wrong codes, well under the lock-out (throttle.TOTP_FAILURES)."""
    for ahead, wait in ((0, False), (totp.STEP, False), (totp.STEP, True)):
        if wait:
            time.sleep(totp.STEP - time.time() % totp.STEP + 0.5)
        page.get_by_label(re.compile("確認コード")).fill(totp.code_at(secret, time.time() + ahead))
        with page.expect_navigation():  # the form posts: wait for its answer, not the old page
            page.get_by_role("button", name=re.compile("確認する|登録する")).click()
        if "/accounts/2fa/" not in page.url:
            return
    pytest.fail("確認コードが受け付けられませんでした")


def approve_in_editor(browser, base, page_id, email="jimukyoku2@demo.example") -> None:
    """A second secretariat member approves the case from inside its editor, where the whole
    form is sent again: an untouched form must not count as an edit, or the approval would
    restart the workflow."""
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, base, email)
    pass_second_factor(page, DEMO_TOTP)
    page.goto(f"{base}/admin/pages/{page_id}/edit/")
    with page.expect_navigation():
        page.locator(
            "[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])"
        ).first.dispatch_event("click")
    context.close()


def assert_accessible(page):
    results = Axe().run(page)
    assert results.response["violations"] == [], results.generate_report()


def photo_with_location() -> bytes:
    image = Image.new("RGB", (800, 600), "white")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (35.0, 41.0, 22.0), 3: "E", 4: (139.0, 41.0, 30.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def open_new_visit(page, base):
    """Opens engagement 2026-001 and adds a visit; returns the visit page URL."""
    page.goto(base + "/engagements/")
    page.locator("tr", has_text="2026-001").get_by_role("link").first.click()
    page.get_by_role("button", name="訪問を追加する").click()
    page.wait_for_url(re.compile(r"/engagements/visits/\d+/$"))
    return page.url


def test_supporter_writes_a_report_with_a_photo(live_site, page, screenshot_dir, tmp_path):
    sign_in(page, live_site, "shienin@demo.example")
    visit_url = open_new_visit(page, live_site)
    page.locator("section", has=page.get_by_role("heading", name="訪問支援実施報告")).get_by_role(
        "link", name="書く"
    ).click()
    assert_accessible(page)
    page.get_by_label("実施日").fill("2026-11-20")
    page.get_by_label("実施内容").fill(
        "ホワイトボードに事業の流れを描き、社長と一緒に詰まりどころを探した。"
    )
    page.get_by_label("経営者の発言・気づき").fill(
        "「受注の入口で迷っている」と社長自身が言葉にした。"
    )
    page.get_by_label("ホワイトボード").first.check()
    page.get_by_label(re.compile("気づき・腹落ちの促進")).check()
    page.get_by_role("button", name="保存する").click()
    page.wait_for_url(visit_url)
    assert page.get_by_text("訪問支援実施報告を保存しました（第1版）").is_visible()
    assert page.get_by_text("受注の入口で迷っている").is_visible()

    photo = tmp_path / "ホワイトボード　1枚目.jpg"
    photo.write_bytes(photo_with_location())
    page.get_by_label("添付先").select_option(label="訪問支援実施報告")
    page.locator("input[type=file]").set_input_files(str(photo))
    page.get_by_role("button", name="アップロード").click()
    assert page.get_by_text("「ホワイトボード　1枚目.jpg」をアップロードしました").is_visible()
    page.screenshot(path=screenshot_dir / "visit-with-report.png", full_page=True)
    assert_accessible(page)

    page.get_by_role("link", name="ホワイトボード　1枚目.jpg").click()
    image = page.get_by_role("img", name=re.compile("ホワイトボード"))
    expect(image).to_be_visible()
    assert page.evaluate("document.querySelector('main img').naturalWidth") == 800
    served = page.request.get(live_site + image.get_attribute("src"))
    assert served.ok
    exif = Image.open(io.BytesIO(served.body())).getexif()
    assert 0x8825 not in exif and 0x010F not in exif  # no location, no camera
    page.screenshot(path=screenshot_dir / "attachment-photo.png", full_page=True)


def test_company_answers_the_survey_on_a_phone(browser, live_site, screenshot_dir):
    desk = browser.new_context(locale="ja-JP")
    page = desk.new_page()
    sign_in(page, live_site, "shienin@demo.example")
    open_new_visit(page, live_site)
    page.get_by_role("link", name="アンケートを設定する").click()
    page.get_by_role("button", name="保存する").click()  # no dates: requested at once
    assert page.get_by_text("アンケートを設定しました").is_visible()
    desk.close()

    phone = browser.new_context(
        locale="ja-JP", viewport={"width": 375, "height": 740}, is_mobile=True
    )
    page = phone.new_page()
    sign_in(page, live_site, "kigyo@demo.example")
    page.goto(live_site + "/surveys/")
    page.get_by_role("link", name=re.compile("のアンケートに回答する")).first.click()
    assert_accessible(page)
    page.get_by_label("充分にお話できた").check()
    page.get_by_label("充分に理解していると感じた").check()
    page.get_by_label("会社の課題に関して、その原因分析などで新たな「気づき」があった").check()
    page.get_by_label("経営を考えるうえで、新たな「気づき」があった").check()
    page.locator("fieldset", has_text="全体のお打ち合わせ").get_by_label("ちょうどよい").check()
    page.locator("fieldset", has_text="事前事後の準備").get_by_label("やや長い").check()
    page.get_by_label("非常に満足").check()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    page.screenshot(path=screenshot_dir / "survey-phone.png", full_page=True)
    assert overflow <= 0
    page.get_by_role("button", name="回答を送信する").click()
    assert page.get_by_role("heading", name="ご回答ありがとうございました").is_visible()
    phone.close()
