"""Creates the page tree, the default site and the page permissions of each role (idempotent)."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    GroupPagePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from accounts import roles
from cases.models import CaseIndexPage
from knowhow.models import KnowHowIndexPage
from publishing.media import reconcile, setup_media_permissions
from publishing.models import SecretariatApprovalTask
from training.models import CurriculumIndexPage

from .models import HomePage, StandardPage

ABOUT_BODY = """伴走ナレッジは、経営力再構築伴走支援に取り組む支援者が、互いの支援の経験から学ぶための場です。

## 掲載している事例について
事例はすべて匿名化しています。企業名・人名・所在地など、事業者を特定できる情報は載せていません。
業種・地域・規模などは区分（コード）で示しています。

## 使い方
- **支援事例**: 業種・地域・規模・フェーズ・ツールで絞り込めます。
- **ノウハウ**: 支援者のスキルごとに、現場で使える工夫をまとめています。
- **研修カリキュラム**: 事例とノウハウを組み合わせた研修の流れです。
"""

ABOUT_SLUG = "about"  # the footer links to it (context_processors.site_navigation)

SECTIONS = [
    (
        CaseIndexPage,
        "支援事例",
        "cases",
        "全国の伴走支援の事例を、支援のフェーズに沿って紹介します。",
    ),
    (KnowHowIndexPage, "ノウハウ", "knowhow", "事例から引き出した、支援者のための実践の知恵です。"),
    (
        CurriculumIndexPage,
        "研修カリキュラム",
        "training",
        "事例とノウハウで学ぶ伴走支援の研修です。",
    ),
]

EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
# Editors write case drafts; cases go live only through the secretariat's approval workflow.
CASE_EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page", "lock_page", "unlock_page"]
TRAINER_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]
# The secretariat keeps the search synonyms (settings menu of the admin).
SECRETARIAT_MODEL_PERMISSIONS = [
    ("search", f"{action}_synonym") for action in ("add", "change", "delete", "view")
] + [("search", "view_searchquerylog")]  # the search report (search/admin_views.py)


@transaction.atomic
def setup_site() -> HomePage:
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        # Wagtail's migration creates a placeholder "Welcome" page at /home/; ours replaces it.
        Page.objects.filter(depth=2, slug="home").exclude(
            content_type__model="homepage", content_type__app_label="home"
        ).delete()
        root.refresh_from_db()
        home = root.add_child(
            instance=HomePage(
                title="伴走ナレッジ",
                slug="home",
                intro="経営力再構築伴走支援の事例とノウハウを、全国の支援者で共有するためのナレッジベースです。",
            )
        )
    for model, title, slug, intro in SECTIONS:
        if not model.objects.exists():
            home.add_child(instance=model(title=title, slug=slug, intro=intro, show_in_menus=True))
    if not StandardPage.objects.filter(slug=ABOUT_SLUG).exists():
        home.add_child(
            instance=StandardPage(
                title="このサイトについて", slug=ABOUT_SLUG, body=ABOUT_BODY, show_in_menus=True
            )
        )

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(hostname="localhost", port=80, is_default_site=True)
    site.root_page = home
    site.site_name = "伴走ナレッジ"
    site.save()

    _grant(roles.SECRETARIAT, home, EDITOR_PAGE_PERMISSIONS)
    GroupPagePermission.objects.filter(
        group__name=roles.EDITOR, page=home, permission__codename="publish_page"
    ).delete()
    _grant(roles.EDITOR, home, CASE_EDITOR_PAGE_PERMISSIONS)
    for section in (KnowHowIndexPage, CurriculumIndexPage):
        _grant(roles.EDITOR, section.objects.get(), ["publish_page"])
    _case_workflow(CaseIndexPage.objects.get())
    _grant(roles.TRAINER, CurriculumIndexPage.objects.get(), TRAINER_PAGE_PERMISSIONS)
    # Collections and their permissions: drafts' images and documents stay private.
    setup_media_permissions()
    reconcile()
    secretariat = Group.objects.get(name=roles.SECRETARIAT)
    for app_label, codename in SECRETARIAT_MODEL_PERMISSIONS:
        secretariat.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return home


def _case_workflow(cases: Page) -> None:
    """Cases are published by the secretariat's approval, which checks for personal data."""
    task = SecretariatApprovalTask.objects.filter(name="事務局の承認").first()
    if task is None:
        task = SecretariatApprovalTask.objects.create(name="事務局の承認")
    task.groups.set([Group.objects.get(name=roles.SECRETARIAT)])
    workflow, _ = Workflow.objects.get_or_create(name="事例の公開")
    if not workflow.workflow_tasks.exists():
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=cases, defaults={"workflow": workflow})


def _grant(role: str, page: Page, codenames: list[str]) -> None:
    group = Group.objects.get(name=role)
    for codename in codenames:
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=page,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
