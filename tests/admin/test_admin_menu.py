"""Issue 14: the admin menu shows each role what it may use and nothing else, and all of it opens."""

import pytest

from tests.admin.menu import main_menu
from tests.conftest import login

pytestmark = pytest.mark.django_db

REPORTS = [
    "レポート / ロックされたページ",
    "レポート / ワークフロー",
    "レポート / ワークフローのタスク",
    "レポート / サイトの履歴",
    "レポート / 更新されていないページ",
]
MENUS = {
    "secretariat": [
        "ページ",
        "事例化の提案",
        "検索の分析",
        "伴走支援案件 / 伴走支援案件",
        "伴走支援案件 / 組織",
        "ケースパック",
        "分類コード",
        "画像",
        "ドキュメント",
        *REPORTS,
        "設定 / 検索の同義語",
    ],
    "editor": ["ページ", "事例化の提案", "分類コード", "画像", "ドキュメント", *REPORTS],
    "trainer": ["ページ", "ケースパック", "画像", "ドキュメント"],
}


@pytest.mark.parametrize("role", sorted(MENUS))
def test_each_role_sees_exactly_its_menu_and_every_item_opens(client, world, role):
    login(client, getattr(world, role))
    response = client.get("/admin/")
    assert response.status_code == 200
    menu = main_menu(response.content.decode())
    assert list(menu) == MENUS[role]
    for label, url in menu.items():
        # ケースパック lives on the work pages (/work/packs/), linked from the admin menu.
        assert url.startswith(("/admin/", "/work/")), f"{label}: {url}"
        opened = client.get(url, follow=True)
        # Wagtail answers a refusal by sending the person back to the dashboard.
        assert opened.status_code == 200, f"{label} ({url}): {opened.status_code}"
        assert opened.redirect_chain == [] or opened.redirect_chain[-1][0] != "/admin/", label
        assert "権限がありません" not in opened.content.decode(), label


def test_roles_without_admin_access_are_sent_to_sign_in(client, world):
    for role in ("supporter", "requesting", "contact", "agency", "support"):
        login(client, getattr(world, role))
        response = client.get("/admin/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], role
