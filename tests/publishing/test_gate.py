"""Issue 10: one gate for everything public, name variants, and four eyes."""

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from modelcluster.models import get_all_child_relations
from wagtail import blocks
from wagtail.actions.publish_page_revision import PublishPageRevisionAction
from wagtail.fields import StreamField
from wagtail.models import Page, Workflow

from accounts import roles
from knowhow.models import KnowHowCaseLink
from privacy.variants import organisation_forms
from publishing import public_text
from publishing.gate import PublishBlocked, blocking_problems
from tests.conftest import login
from tests.factories import (
    CasePageFactory,
    EngagementFactory,
    KnowHowPageFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def engagement():
    """株式会社丸七水産加工 (in 七尾市) with its president 高橋 健一 in the team."""
    return EngagementFactory(
        company=OrganisationFactory(name="株式会社丸七水産加工", address="石川県七尾市"),
        team={"company_contact": UserFactory(display_name="高橋 健一")},
    )


@pytest.fixture
def case(engagement):
    """A published case, now known to come from the 丸七 engagement."""
    page = CasePageFactory()
    page.source_engagement = engagement
    page.save(update_fields=["source_engagement"])
    return page


# --- the 公開設定 tab -----------------------------------------------------------------------------


def test_seo_title_search_description_and_slug_are_gated(case, client):
    draft = case.get_latest_revision_as_object()
    draft.seo_title = "高橋健一社長（株式会社丸七水産加工）の事例"
    draft.search_description = "高橋 健一 0767-52-1234 takahashi@marushichi.example 七尾市"
    draft.slug = "丸七の事例"
    revision = draft.save_revision()
    with pytest.raises(PublishBlocked) as refused:
        revision.publish()
    message = str(refused.value)
    assert "SEO タイトル" in message and "高橋" in message
    assert "検索用の説明" in message and "0767-52-1234" in message
    assert "takahashi@marushichi.example" in message
    assert "スラッグ" in message and "丸七" in message
    case.refresh_from_db()
    assert case.live and not case.seo_title and case.live_revision_id != revision.pk
    html = client.get(case.url).content.decode()
    assert "高橋" not in html and "0767" not in html


def test_the_editor_publish_path_is_gated_too(case):
    """The edit view calls PublishPageRevisionAction directly, not Page.publish."""
    draft = case.get_latest_revision_as_object()
    draft.search_description = "問い合わせ 0767-52-1234"
    revision = draft.save_revision()
    with pytest.raises(PublishBlocked):
        PublishPageRevisionAction(revision).execute(skip_permission_checks=True)
    case.refresh_from_db()
    assert not case.search_description


# --- name variants --------------------------------------------------------------------------------


def test_short_company_name_blocks_and_is_offered(case, client):
    draft = case.get_latest_revision_as_object()
    draft.lead = "丸七の直売所で、売場の役割を社長と話し合った事例。"
    draft.save_revision()
    problems = blocking_problems(case.get_latest_revision_as_object())
    assert any("丸七" in p and "案件の組織名" in p for p in problems), problems
    login(client, UserFactory(role=roles.SECRETARIAT))
    table = client.get(reverse("publishing_admin:anonymise", args=[case.pk])).context["table"]
    row = next(r for r in table if r["surface"] == "丸七")
    assert row["blocking"] and row["replacement"] == "A社"


def test_short_forms_are_derived_without_false_positives():
    assert organisation_forms("株式会社丸七水産加工") == (
        "株式会社丸七水産加工",
        "丸七水産加工",
        "丸七水産",
        "丸七",
    )
    assert "長谷部" in organisation_forms("株式会社長谷部運輸")
    assert "丸" not in organisation_forms("丸(株)")  # one character: never derived
    assert "日本" not in organisation_forms("株式会社日本水産")  # a generic word
    assert "中央" not in organisation_forms("中央精機株式会社")


def test_brand_names_recorded_for_the_engagement_block(case, engagement):
    engagement.other_names = "能登のあじ屋\n七海ブランド"
    engagement.save()
    draft = case.get_latest_revision_as_object()
    draft.lead = "看板商品の七海ブランドを軸に売場を見直した。"
    problems = blocking_problems(draft)
    assert any("七海ブランド" in p for p in problems), problems


def test_person_by_surname_and_title(case):
    draft = case.get_latest_revision_as_object()
    draft.lead = "高橋社長と健一さんが売場を見直した。"
    problems = blocking_problems(draft)
    assert any("「高橋」" in p for p in problems) and any("「健一」" in p for p in problems)


# --- know-how -------------------------------------------------------------------------------------


def test_knowhow_with_phone_and_email_is_refused_on_direct_publish():
    article = KnowHowPageFactory()
    draft = article.get_latest_revision_as_object()
    draft.summary = "佐藤 花子さん（090-1234-5678、hanako@example.jp）に聞いた段取りの工夫。"
    revision = draft.save_revision()
    with pytest.raises(PublishBlocked) as refused:
        PublishPageRevisionAction(revision).execute(skip_permission_checks=True)
    assert "要約" in str(refused.value) and "090-1234-5678" in str(refused.value)
    article.refresh_from_db()
    assert "090" not in article.summary


def test_knowhow_is_checked_after_a_later_edit_against_its_cases_names(case):
    article = KnowHowPageFactory()
    draft = article.get_latest_revision_as_object()
    draft.case_links.add(KnowHowCaseLink(case=case))
    draft.save_revision().publish()  # a clean edit goes through
    later = article.get_latest_revision_as_object()
    later.body.append(("text", "高橋健一さんのように、先代の判断の理由をたどる。"))
    with pytest.raises(PublishBlocked) as refused:
        later.save_revision().publish()
    assert "案件の関係者名" in str(refused.value)


def test_any_page_type_created_live_is_checked():
    from home.models import HomePage, StandardPage

    home = HomePage.objects.get()
    with pytest.raises(PublishBlocked):
        home.add_child(instance=StandardPage(title="連絡先", slug="contact", body="03-1234-5678"))


# --- four eyes ------------------------------------------------------------------------------------


def _submitted_case(author):
    page = CasePageFactory()
    draft = page.get_latest_revision_as_object()
    draft.lead += "（改訂）"
    draft.save_revision(user=author)
    page.refresh_from_db()
    Workflow.objects.get(name="事例の公開").start(page, author)
    return page


def _actions(page, user):
    task_state = page.current_workflow_state.current_task_state
    return [a[0] for a in task_state.task.specific.get_actions(page, user)]


def test_the_author_cannot_approve_another_secretariat_member_can(client):
    author, other = UserFactory.create_batch(2, role=roles.SECRETARIAT)
    page = _submitted_case(author)
    assert "approve" not in _actions(page, author)
    task_state = page.current_workflow_state.current_task_state
    with pytest.raises(PublishBlocked) as refused:
        task_state.task.specific.on_action(task_state, author, "approve")
    assert "最後に編集したのはあなた" in str(refused.value)
    # The editor says why the button is missing.
    login(client, author)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert "承認は別の事務局員が行います" in html

    assert "approve" in _actions(page, other)
    task_state.task.specific.on_action(task_state, other, "approve")
    page.refresh_from_db()
    assert page.live and "（改訂）" in page.lead


def test_two_distinct_approvers_when_configured(settings):
    settings.PUBLISHING_CASE_APPROVERS = 2
    author, first, second = UserFactory.create_batch(3, role=roles.SECRETARIAT)
    page = _submitted_case(author)
    task_state = page.current_workflow_state.current_task_state
    task = task_state.task.specific
    task.on_action(task_state, first, "approve")
    page.refresh_from_db()
    assert "（改訂）" not in page.lead  # one approval is not enough
    assert "approve" not in _actions(page, first)  # and the same person cannot count twice
    task.on_action(task_state, second, "approve")
    page.refresh_from_db()
    assert "（改訂）" in page.lead


# --- every field of every public page type --------------------------------------------------------

SENTINEL = "連絡先 gate-sentinel@example.jp"


def _page_models():
    return [
        m
        for m in apps.get_models()
        if issubclass(m, Page) and m is not Page and m._meta.app_label not in ("wagtailcore",)
    ]


def _enumerate(model, prefix="", child=False):
    """Field paths of a model found independently of the gate: fields, inlines, block children."""
    for field in model._meta.get_fields():
        if field.auto_created and not field.concrete:
            continue
        yield f"{prefix}{field.name}"
        if isinstance(field, StreamField):
            yield from _enumerate_blocks(field.stream_block, f"{prefix}{field.name}.")
    if not child:
        for relation in get_all_child_relations(model):
            name = relation.get_accessor_name()
            yield name
            yield from _enumerate(relation.related_model, f"{name}.", child=True)


def _enumerate_blocks(block, prefix):
    children = getattr(block, "child_blocks", None)
    if children:
        for name, child in children.items():
            yield f"{prefix}{name}"
            yield from _enumerate_blocks(child, f"{prefix}{name}.")
    elif isinstance(block, blocks.ListBlock):
        yield f"{prefix}item"
        yield from _enumerate_blocks(block.child_block, f"{prefix}item.")


@pytest.mark.parametrize("model", _page_models(), ids=lambda m: m.__name__)
def test_every_field_of_every_page_type_is_read_or_declared_private(model):
    covered = {c.path: c for c in public_text.coverage(model)}
    for path in _enumerate(model):
        head = path.split(".")[0]
        if head != path and head in covered and not covered[head].read:
            continue  # inside an inline declared private as a whole (admin comments)
        assert path in covered, f"{model.__name__}.{path} は公開チェックの対象外です"
        if not covered[path].read:
            assert covered[path].reason, f"{model.__name__}.{path}: 非公開の理由がありません"


def _text_fields(model):
    private = public_text.private_fields(model)
    for field in model._meta.concrete_fields:
        if (
            isinstance(field, models.CharField | models.TextField)
            and field.name not in private
            and not getattr(field, "vocabulary", None)
            and not field.choices
        ) or field.name in public_text.PAGE_PUBLIC_FIELDS:
            yield field


@pytest.mark.parametrize("model", _page_models(), ids=lambda m: m.__name__)
def test_the_gate_reads_each_text_field_and_text_block(model):
    """A sentinel identifier in each text field (and each text block) alone blocks publication."""
    for field in _text_fields(model):
        if field.max_length and field.max_length < len(SENTINEL):
            continue  # too short for an identifier (支援開始 YYYY-MM); still read, see above
        page = model(title="見出し", slug="s")
        setattr(page, field.attname, SENTINEL)
        problems = blocking_problems(page)
        assert any("gate-sentinel@example.jp" in p for p in problems), (model, field.name)
    for field in model._meta.concrete_fields:
        if not isinstance(field, StreamField):
            continue
        for name, block in field.stream_block.child_blocks.items():
            value = _block_value(block)
            if value is None:
                continue
            page = model(title="見出し", slug="s")
            setattr(page, field.name, [(name, value)])
            problems = blocking_problems(page)
            assert any("gate-sentinel" in p for p in problems), (model, field.name, name)


def _block_value(block):
    if isinstance(block, blocks.CharBlock | blocks.TextBlock):
        return SENTINEL
    if isinstance(block, blocks.StructBlock):
        texts = [n for n, b in block.child_blocks.items() if isinstance(b, blocks.CharBlock)]
        return dict.fromkeys(texts, SENTINEL) | {
            n: None for n in block.child_blocks if n not in texts
        }
    return None
