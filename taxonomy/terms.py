"""Read access to the vocabularies: labels and choices, cached, one query per cache miss."""

import time
from dataclasses import dataclass

from django.core.cache import cache

from .models import CACHE_KEY, Term

# A page looks labels up a hundred times; unpickling from the cache each time cost more than the
# page itself, so each process keeps its own copy for a short while (the shared cache key tells
# it when a label was edited).
CACHE_SECONDS = 300
LOCAL_SECONDS = 30
_local: dict = {"data": None, "until": 0.0}


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
    if _local["data"] is not None and time.monotonic() < _local["until"]:
        return _local["data"]
    data = cache.get(CACHE_KEY)
    if data is None:
        data = {}
        for t in Term.objects.order_by("vocabulary", "sort_order", "code"):
            data.setdefault(t.vocabulary, {})[t.code] = TermInfo(
                t.code, t.label, t.short_label, t.parent
            )
        cache.set(CACHE_KEY, data, CACHE_SECONDS)
    _local.update(data=data, until=time.monotonic() + LOCAL_SECONDS)
    return data


def forget() -> None:
    """Drop the cached labels everywhere this process can reach (after an edit)."""
    _local.update(data=None, until=0.0)
    cache.delete(CACHE_KEY)


def forget_after_save(sender, **kwargs) -> None:
    """post_save of a Term: its label must show up on the next request."""
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
