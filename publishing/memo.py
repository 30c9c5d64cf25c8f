"""Results kept for the length of one request, and only then.

The approver's editor and an approval ask the same questions several times in one request (the
publication gate's reading of a draft; whether this user may approve it, asked by Wagtail for the
action menu and again for the status panel and before the action). The answers depend on rows
that may change between two requests (a known name recorded, a vote cast), so nothing is kept
beyond the request; outside requests (commands, tasks) nothing is kept at all.
"""

import threading
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.core.signals import request_finished, request_started

T = TypeVar("T")
_request = threading.local()


def per_request(key: Hashable, compute: Callable[[], T]) -> T:
    """compute(), or what it returned for `key` earlier in this request."""
    memo = getattr(_request, "memo", None)
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _start(**kwargs) -> None:
    _request.memo = {}


def _end(**kwargs) -> None:
    _request.memo = None


def connect() -> None:
    request_started.connect(_start, dispatch_uid="publishing.memo.start", weak=False)
    request_finished.connect(_end, dispatch_uid="publishing.memo.end", weak=False)
