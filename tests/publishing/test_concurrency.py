"""Two secretariat members approving the same case at the same moment publish it once.

The approvals run in two threads with their own database connections, so the data they work on
is committed (outside the per-test transaction) and removed again at the end.
"""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, connections
from wagtail.models import PageLogEntry, TaskState, Workflow

from accounts import roles

RUNS = 20


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    if connection.vendor != "postgresql":
        pytest.skip(
            "行ロック（select_for_update）は PostgreSQL でだけ働きます（CI の PostgreSQL で実行）"
        )
    created = []
    with django_db_blocker.unblock():
        yield created
        for obj in reversed(created):
            type(obj).objects.filter(pk=obj.pk).delete()


def _case(title: str):
    from cases.models import CaseIndexPage, CasePage, CaseSection

    page = CasePage(
        title=title,
        slug=title,
        external_id=title,
        lead="製造業の事業承継で、後継者が自分の言葉で方針を語れるようになった事例。",
        industry="E",
        region="hokuriku",
        employees="21-50",
        live=False,
    )
    page.sections = [
        CaseSection(phase="trust", heading="初回", body=[("text", "対話から始めた。")])
    ]
    CaseIndexPage.objects.get().add_child(instance=page)
    page.save_revision()
    return page


def _approve(user, task_state_pk, barrier, errors) -> None:
    """One secretariat member's click on 承認, on this thread's own connection."""
    try:
        barrier.wait()
        task_state = TaskState.objects.get(pk=task_state_pk)
        task_state.task.specific.on_action(task_state, user, "approve")
    except Exception as exc:
        errors.append(exc)  # asserted empty by the test
    finally:
        connections.close_all()


def test_two_approvals_at_once_publish_once(committed):
    User = get_user_model()
    group = Group.objects.get(name=roles.SECRETARIAT)
    approvers = []
    for n in range(2):
        user = User.objects.create_user(email=f"race-{n}@example.test", password="x" * 16)
        user.groups.add(group)
        committed.append(user)
        approvers.append(user)
    workflow = Workflow.objects.get(name="事例の公開")
    outcomes = []
    for run in range(RUNS):
        page = _case(f"race-case-{run}")
        committed.insert(0, page)  # removed before the users
        workflow.start(page, approvers[0])
        task_state_pk = page.current_workflow_state.current_task_state.pk
        barrier = threading.Barrier(2)
        errors = []
        threads = [
            threading.Thread(target=_approve, args=(u, task_state_pk, barrier, errors))
            for u in approvers
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        page.refresh_from_db()
        publications = PageLogEntry.objects.filter(page=page, action="wagtail.publish").count()
        outcomes.append((page.live, publications))
    assert outcomes == [(True, 1)] * RUNS
