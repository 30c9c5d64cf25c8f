"""From an engagement to a published, anonymised case: proposal, draft, anonymisation, approval."""

from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import Workflow

from accounts import roles
from cases import documents as search_documents
from cases.models import CasePage
from engagements.models import Engagement
from publishing.gate import PublishBlocked, blocking_problems
from publishing.known import known_entities
from publishing.models import Proposal
from search import service as search_service
from tests.conftest import login
from tests.factories import CasePageFactory, KnowHowPageFactory, UserFactory

pytestmark = pytest.mark.django_db

# The demo engagement is the material here: its reports are full of real-looking names
# (株式会社丸七水産加工), which the draft must carry and the anonymisation must catch.
CODE = "2026-001"


@pytest.fixture
def engagement():
    return Engagement.objects.get(code=CODE)


@pytest.fixture
def people(engagement):
    members = {m.role: m.user for m in engagement.members.select_related("user")}
    return SimpleNamespace(
        supporter=members["supporter"],
        secretariat=UserFactory(role=roles.SECRETARIAT),
        # Four eyes: the member who drafted the case does not approve it.
        approver=UserFactory(role=roles.SECRETARIAT),
        editor=UserFactory(role=roles.EDITOR),
    )


def _propose(client, engagement, user):
    login(client, user)
    return client.post(
        reverse("publishing:propose", args=[engagement.pk]),
        {"note": "承継前の理念づくりから自走まで追えた案件です。"},
    )


def _draft(client, engagement, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _propose(client, engagement, people.supporter)
    proposal = Proposal.objects.get(engagement=engagement)
    login(client, people.secretariat)
    client.post(reverse("publishing_admin:assign", args=[proposal.pk]))
    response = client.post(reverse("publishing_admin:create_draft", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert response.status_code == 302, response.content[:500]
    return proposal, CasePage.objects.get(pk=proposal.case_id)


def test_supporter_proposes_once_and_the_secretariat_is_told(
    client, engagement, people, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _propose(client, engagement, people.supporter)
    assert response.status_code == 302
    proposal = Proposal.objects.get(engagement=engagement)
    assert proposal.status == Proposal.Status.SUBMITTED
    assert people.secretariat.email in {m.to[0] for m in mail.outbox}
    _propose(client, engagement, people.supporter)
    assert Proposal.objects.filter(engagement=engagement).count() == 1
    html = client.get(reverse("publishing:mine")).content.decode()
    assert "受付待ち" in html


def test_queue_shows_waiting_time_and_assignee(client, engagement, people):
    _propose(client, engagement, people.supporter)
    login(client, people.secretariat)
    proposal = Proposal.objects.get(engagement=engagement)
    client.post(reverse("publishing_admin:assign", args=[proposal.pk]))
    html = client.get(reverse("publishing_admin:queue")).content.decode()
    assert CODE in html and "0 日" in html and str(people.secretariat) in html


def test_draft_is_prefilled_from_the_engagement(
    client, engagement, people, django_capture_on_commit_callbacks
):
    proposal, page = _draft(client, engagement, people, django_capture_on_commit_callbacks)
    assert proposal.status == Proposal.Status.DRAFTING
    assert not page.live
    draft = page.get_latest_revision_as_object()
    company = engagement.company
    assert draft.industry == company.industry
    assert draft.prefecture == company.prefecture
    assert draft.employees  # a band code, e.g. "21-50"
    assert draft.visits == engagement.visits.filter(records__kind="visit_report").count()
    assert draft.sections.count() >= 2
    assert all(s.phase for s in draft.sections.all())
    # The reports' wording (with names) is there for the editor to rewrite.
    assert blocking_problems(draft)


def test_publishing_is_refused_while_names_remain(
    client, engagement, people, django_capture_on_commit_callbacks
):
    _proposal, page = _draft(client, engagement, people, django_capture_on_commit_callbacks)
    revision = page.get_latest_revision()
    with pytest.raises(PublishBlocked) as refused:
        revision.publish(user=people.secretariat)
    assert "公開できません" in str(refused.value)
    page.refresh_from_db()
    assert not page.live
    # The editor's publish button is refused the same way, with the reasons shown.
    response = client.get(reverse("publishing_admin:anonymise", args=[page.pk]))
    html = response.content.decode()
    assert "<mark" in html and "公開を止めている項目" in html


def _anonymise_all(client, page):
    """The assistant's defaults, accepted as they come: the list's labels (the first candidate
    of each ambiguous mention), then every remaining replacement."""
    url = reverse("publishing_admin:anonymise", args=[page.pk])
    context = client.get(url).context
    data = {"action": "labels", "revision": context["revision"]}
    for choice in context["ambiguous"]:
        data[choice["name"]] = str(choice["candidates"][0][0])
    client.post(url, data)
    html_response = client.get(reverse("publishing_admin:anonymise", args=[page.pk]))
    table = html_response.context["table"]
    data = {"surface": [row["surface"] for row in table]}
    for i, row in enumerate(table):
        data[f"apply-{i}"] = "1"
        data[f"replacement-{i}"] = row["replacement"]
    response = client.post(reverse("publishing_admin:anonymise", args=[page.pk]), data)
    page.refresh_from_db()  # latest_revision moved on
    return response


def test_full_pipeline_publishes_without_any_original_name(
    client, engagement, people, django_capture_on_commit_callbacks
):
    known = known_entities(engagement)
    proposal, page = _draft(client, engagement, people, django_capture_on_commit_callbacks)
    assert _anonymise_all(client, page).status_code == 302
    draft = page.get_latest_revision_as_object()
    assert blocking_problems(draft) == []

    workflow = Workflow.objects.get(name="事例の公開")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.start(page, people.editor)
    state = page.current_workflow_state
    task_state = state.current_task_state
    assert "approve" not in [
        a[0] for a in task_state.task.specific.get_actions(page, people.secretariat)
    ]
    assert [a[0] for a in task_state.task.specific.get_actions(page, people.approver)].count(
        "approve"
    ) >= 1
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        task_state.task.specific.on_action(task_state, people.approver, "approve")
    page.refresh_from_db()
    assert page.live
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PUBLISHED
    assert people.supporter.email in {m.to[0] for m in mail.outbox}

    html = client.get(page.url).content.decode()
    names = [n for values in known.values() for n in values]
    search_service.drain_outbox()
    # What the search index holds for the page (a search for a name would find the page through
    # the ordinary words of a compound name, 伴走支援推進事務局 → 支援: every word counts).
    indexed = search_documents.case_document(CasePage.objects.get(pk=page.pk))
    for name in names:
        assert name not in html
        for part in name.split():
            if len(part) >= 2:
                assert part not in html, part
                assert part not in f"{indexed.title} {indexed.summary} {indexed.body}", part


def test_approval_is_not_offered_while_names_remain(
    client, engagement, people, django_capture_on_commit_callbacks
):
    _proposal, page = _draft(client, engagement, people, django_capture_on_commit_callbacks)
    Workflow.objects.get(name="事例の公開").start(page, people.editor)
    task_state = page.current_workflow_state.current_task_state
    actions = [a[0] for a in task_state.task.specific.get_actions(page, people.secretariat)]
    assert actions == ["reject"]


def test_changes_requested_tells_the_supporter(
    client, engagement, people, django_capture_on_commit_callbacks
):
    proposal, page = _draft(client, engagement, people, django_capture_on_commit_callbacks)
    Workflow.objects.get(name="事例の公開").start(page, people.editor)
    task_state = page.current_workflow_state.current_task_state
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        task_state.task.specific.on_action(
            task_state, people.secretariat, "reject", comment="第3回の記述を補ってください"
        )
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.CHANGES_REQUESTED
    message = next(m for m in mail.outbox if m.to == [people.supporter.email])
    assert "第3回の記述を補ってください" in message.body


def test_approval_is_all_or_nothing_when_indexing_fails(
    client, engagement, people, django_capture_on_commit_callbacks, monkeypatch
):
    proposal, page = _draft(client, engagement, people, django_capture_on_commit_callbacks)
    _anonymise_all(client, page)
    Workflow.objects.get(name="事例の公開").start(page, people.editor)
    task_state = page.current_workflow_state.current_task_state

    def broken(*args, **kwargs):
        raise RuntimeError("injected failure")

    from search import signals

    monkeypatch.setattr(signals, "enqueue", broken)  # the outbox write inside publication
    mail.outbox.clear()
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        task_state.task.specific.on_action(task_state, people.approver, "approve")
    page.refresh_from_db()
    task_state.refresh_from_db()
    proposal.refresh_from_db()
    assert not page.live
    assert task_state.status == "in_progress"
    assert proposal.status == Proposal.Status.DRAFTING
    assert mail.outbox == []


def test_knowhow_from_a_case_links_back(
    client, engagement, people, django_capture_on_commit_callbacks
):
    from knowhow.models import KnowHowPage

    _proposal, page = _draft(client, engagement, people, django_capture_on_commit_callbacks)
    url = reverse("publishing_admin:codify", args=[page.pk])
    owner = known_entities(engagement)["persons"][0]
    refused = client.post(
        url,
        {
            "title": "理念を言葉にする前に",
            "skill": "structuring",
            "lesson": f"{owner}さんのように…",
        },
    )
    assert "個人を特定できる情報" in refused.content.decode()
    response = client.post(
        url,
        {
            "title": "理念を言葉にする前に",
            "skill": "structuring",
            "phases": ["awareness"],
            "lesson": "後継者が理念を語れないときは、先代の判断の理由を一緒にたどると言葉が出てくる。",
        },
    )
    assert response.status_code == 302
    article = KnowHowPage.objects.get(title="理念を言葉にする前に")
    draft = article.get_latest_revision_as_object()
    assert [link.case_id for link in draft.case_links.all()] == [page.pk]

    existing = KnowHowPageFactory()
    client.post(url, {"existing": existing.pk, "lesson": "小さな成功を本人の言葉で振り返る。"})
    existing.refresh_from_db()
    extended = existing.get_latest_revision_as_object()
    assert page.pk in [link.case_id for link in extended.case_links.all()]
    assert "小さな成功を本人の言葉で振り返る。" in str(extended.body.raw_data)


def test_editors_cannot_publish_cases_without_the_secretariats_approval(people):
    case = CasePageFactory()
    assert case.permissions_for_user(people.editor).can_edit()
    assert not case.permissions_for_user(people.editor).can_publish()
    assert case.permissions_for_user(people.secretariat).can_publish()
    assert Workflow.objects.get(name="事例の公開").active
    assert case.get_workflow().name == "事例の公開"
