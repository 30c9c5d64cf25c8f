"""Issue 16, a quick admin: the case listing and the case editor ask the database a bounded number
of times whatever the number of cases, and the publication gate reads each text once per request.

Timings are benchmarks/admin.py's business (the machine is shared); these tests pin what makes
them: query counts that do not grow with the cases, and the detector not run again and again.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Workflow

from accounts import roles
from cases.models import CaseIndexPage
from cases.synthetic import insert_cases
from privacy import anonymise
from publishing import gate
from tests.conftest import login
from tests.factories import CasePageFactory, UserFactory

pytestmark = pytest.mark.django_db

# Measured with the demo content: the listing 33–36 queries, the editor of a case in moderation
# about 120 (Wagtail's workflow panels and action menu, and the approval task's checks).
LISTING_BOUND = 40
EDITOR_BOUND = 130
# Wagtail's editor writes on its own schedule (editing sessions cleaned up, the second factor's
# last-seen time): one query more or less between two requests, seen on a loaded machine (48 → 49).
# A query per case would add tens here: the tests add 60 and 120 cases.
SLACK = 2


@pytest.fixture
def people():
    return {
        "author": UserFactory(role=roles.EDITOR),
        "approver": UserFactory(role=roles.SECRETARIAT),
    }


@pytest.fixture
def moderated(people):
    """A case whose new draft the editor submitted to the secretariat's workflow."""
    case = CasePageFactory(sections=[("trust", ["whiteboard"]), ("awareness", [])])
    draft = case.get_latest_revision_as_object()
    draft.lead = "社長の話を聞き、社員と工程を見える化した事例。"
    draft.save_revision(user=people["author"], log_action=True)
    Workflow.objects.get(name="事例の公開").start(case, people["author"])
    case.refresh_from_db()
    return case


def _queries(client, url: str) -> int:
    """The queries of one request, but the session's: the second-factor middleware writes the
    session when its last-seen time is due (accounts.middleware), which a slow test reaches."""
    client.get(url)  # what a running server holds already (site root paths, labels)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return sum('"django_session"' not in q["sql"] for q in queries.captured_queries)


def test_listing_and_editor_queries_do_not_grow_with_the_cases(client, people, moderated):
    login(client, people["approver"])
    index = CaseIndexPage.objects.get()
    urls = {
        "listing": reverse("wagtailadmin_explore", args=[index.pk]),
        "editor": reverse("wagtailadmin_pages:edit", args=[moderated.pk]),
    }
    insert_cases(10)
    few = {name: _queries(client, url) for name, url in urls.items()}
    insert_cases(120, first=11)  # more than two pages of the listing (50 a page)
    many = {name: _queries(client, url) for name, url in urls.items()}
    assert all(many[name] <= few[name] + SLACK for name in few), f"grew: {few} → {many}"
    assert few["listing"] <= LISTING_BOUND, few
    assert few["editor"] <= EDITOR_BOUND, few


def test_the_editor_of_a_plain_case_stays_bounded_too(client, people):
    """A case without revisions (as insert_cases and the bulk paths write them)."""
    login(client, people["approver"])
    insert_cases(30)
    case = CaseIndexPage.objects.get().get_children().last().specific
    url = reverse("wagtailadmin_pages:edit", args=[case.pk])
    few = _queries(client, url)
    insert_cases(60, first=31)
    assert _queries(client, url) <= few + SLACK
    assert few <= 60, few


@pytest.fixture
def detections(monkeypatch):
    """Every text the gate's detector reads, in order."""
    read: list[str] = []

    def counting(text, known):
        read.append(text)
        return original(text, known)

    original = anonymise.blocking_findings
    monkeypatch.setattr(gate, "blocking_findings", counting)
    return read


def test_the_approvers_editor_reads_each_text_once(client, people, moderated, detections):
    """The anonymisation panel and the workflow's action checks (get_actions, asked for the
    action menu and again for the status panel) share one reading of the draft."""
    login(client, people["approver"])
    response = client.get(reverse("wagtailadmin_pages:edit", args=[moderated.pk]))
    assert response.status_code == 200
    assert b'data-workflow-action-name="approve"' in response.content  # the gate was asked
    assert detections, "the gate read nothing"
    assert len(detections) == len(set(detections)), (
        f"{len(detections)} readings of {len(set(detections))} texts"
    )


def test_an_approval_reads_each_text_once_and_still_publishes(
    client, people, moderated, detections
):
    login(client, people["approver"])
    task_state = moderated.current_workflow_task_state
    response = client.post(
        reverse(
            "wagtailadmin_pages:workflow_action", args=[moderated.pk, "approve", task_state.pk]
        ),
        {"comment": ""},
    )
    assert response.status_code == 302
    moderated.refresh_from_db()
    assert moderated.live and not moderated.has_unpublished_changes
    assert moderated.lead == "社長の話を聞き、社員と工程を見える化した事例。"
    assert detections and len(detections) == len(set(detections)), (
        f"{len(detections)} readings of {len(set(detections))} texts"
    )


def test_a_name_added_between_two_requests_is_caught(client, people, moderated):
    """The memo lives for one request: a known name recorded after the editor was opened still
    blocks the approval that follows."""
    from publishing.models import CaseEntity

    login(client, people["approver"])
    client.get(reverse("wagtailadmin_pages:edit", args=[moderated.pk]))
    CaseEntity.objects.create(page=moderated, name="見える化", kind=CaseEntity.Kind.ORGANISATION)
    task_state = moderated.current_workflow_task_state
    client.post(
        reverse(
            "wagtailadmin_pages:workflow_action", args=[moderated.pk, "approve", task_state.pk]
        ),
        {"comment": ""},
    )
    moderated.refresh_from_db()
    assert moderated.live_revision_id != moderated.latest_revision_id
    assert gate.blocking_problems(moderated.get_latest_revision_as_object())
