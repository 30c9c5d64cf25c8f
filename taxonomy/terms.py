"""Read access to the vocabularies: labels and choices, cached, one query per cache miss."""

import threading
import time
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.core.signals import request_started
from django.db import transaction

from pagecache.generation import invalidate

from .models import CACHE_KEY, Term

# A page looks labels up a hundred times; unpickling from the cache each time cost more than the
# page itself, so each process keeps its own copy. An edit writes a new VERSION_KEY; the first
# lookup of each request compares it (one small cache read), so a label edited in another process
# shows from that process's next request on. Without requests (commands, the task worker) the copy
# lives LOCAL_SECONDS.
CACHE_SECONDS = 300
LOCAL_SECONDS = 30
VERSION_KEY = f"{CACHE_KEY}:version"
_local: dict = {"data": None, "until": 0.0, "version": None}
_request = threading.local()  # .check: this thread's request has not compared the version yet


def _new_request(**kwargs) -> None:
    _request.check = True


request_started.connect(_new_request, dispatch_uid="taxonomy_terms_request")


@dataclass(frozen=True)
class TermInfo:
    code: str
    label: str
    short_label: str
    parent: str

    @property
    def display(self) -> str:
        return self.short_label or self.label


def _all() -> dict[str, dict[str, TermInfo]]:
    if _local["data"] is not None:
        if getattr(_request, "check", False):
            _request.check = False
            if cache.get(VERSION_KEY) == _local["version"]:
                return _local["data"]
        elif time.monotonic() < _local["until"]:
            return _local["data"]
    version = cache.get(VERSION_KEY)
    data = cache.get(CACHE_KEY)
    if data is None:
        data = {}
        for t in Term.objects.order_by("vocabulary", "sort_order", "code"):
            data.setdefault(t.vocabulary, {})[t.code] = TermInfo(
                t.code, t.label, t.short_label, t.parent
            )
        cache.set(CACHE_KEY, data, CACHE_SECONDS)
    _request.check = False
    _local.update(data=data, until=time.monotonic() + LOCAL_SECONDS, version=version)
    return data


def forget() -> None:
    """Drop the cached labels everywhere (after an edit): this process's copy, the shared one,
    the other processes' copies (a new version), and the cached public pages that show them.

    Now and again after the commit: in between, another process may have read the labels as they
    were before the commit and put them back in the shared cache."""
    _drop_copies()
    transaction.on_commit(_drop_copies)
    invalidate(reason="taxonomy label")  # registered after: the labels go before the pages


def forget_local_copy() -> None:
    """Drop this process's copy only; the shared cache is someone else's business (tests clear
    it between tests, and a rolled-back label edit left this copy behind)."""
    _local.update(data=None, until=0.0, version=None)


def _drop_copies() -> None:
    forget_local_copy()
    cache.delete(CACHE_KEY)
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def forget_after_save(sender, **kwargs) -> None:
    """post_save or post_delete of a Term: the change must show up on the next request."""
    forget()


def terms(vocabulary: str) -> dict[str, TermInfo]:
    """Codes of one vocabulary in display order."""
    return _all().get(vocabulary, {})


def label(vocabulary: str, code: str | None) -> str:
    if not code:
        return ""
    info = terms(vocabulary).get(code)
    return info.label if info else code


def choices(vocabulary: str, *, short: bool = False) -> list[tuple[str, str]]:
    return [(c, i.display if short else i.label) for c, i in terms(vocabulary).items()]


def is_valid(vocabulary: str, code: str) -> bool:
    return code in terms(vocabulary)
