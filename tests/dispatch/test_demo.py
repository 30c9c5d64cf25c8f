"""What `make run` (load_demo) puts into dispatch: the issue asks for at least 40 supporters, a few
open requests, a flagged stalled engagement and, for support requests, some open ones."""

import pytest

from dispatch import board
from dispatch.demo import STALLED_CODE, load_dispatch
from dispatch.models import DispatchRequest, Supporter, SupportRequest

pytestmark = pytest.mark.django_db

OPEN = (
    DispatchRequest.Status.RECEIVED,
    DispatchRequest.Status.SELECTING,
    DispatchRequest.Status.ASKING,
)


def test_the_demo_registry_requests_and_support_requests():
    assert Supporter.objects.filter(external_id__startswith="demo-sup-").count() >= 40
    assert (
        DispatchRequest.objects.filter(external_id__startswith="demo-req-", status__in=OPEN).count()
        >= 3
    )
    pending = SupportRequest.objects.exclude(status=SupportRequest.Status.CLOSED)
    assert set(pending.values_list("engagement__code", flat=True)) >= {"2026-002", STALLED_CODE}
    flagged = {r.engagement.code for r in board.rows() if board.SUPPORT in r.flags}
    assert {"2026-002", STALLED_CODE} <= flagged


def test_loading_the_demo_again_adds_nothing():
    before = (Supporter.objects.count(), SupportRequest.objects.count())
    counts = load_dispatch()
    assert counts == {"supporters": 0, "requests": 0, "stalled": 0, "support": 0}
    assert (Supporter.objects.count(), SupportRequest.objects.count()) == before
