"""Two secretariat members approving the same case at the same moment publish it once.

The approvals run in two threads with their own database connections, so the data they work on
is committed (outside the per-test transaction) and removed again at the end.
"""

import threading

import pytest
from django.db import connection, connections
from wagtail.models import PageLogEntry, TaskState, Workflow

from accounts import roles
from tests.factories import CasePageFactory, UserFactory

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
    """A draft case (committed: no hashtag, so no tag row outlives the test)."""
    return CasePageFactory(title=title, slug=title, external_id=title, hashtags=[], live=False)


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
    approvers = UserFactory.create_batch(2, role=roles.SECRETARIAT)
    committed.extend(approvers)
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
