"""Read access to the vocabularies: labels and choices, cached, one query per cache miss."""

from dataclasses import dataclass

from django.core.cache import cache

from .models import CACHE_KEY, Term

CACHE_SECONDS = 300


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
    data = cache.get(CACHE_KEY)
    if data is None:
        data = {}
        for t in Term.objects.order_by("vocabulary", "sort_order", "code"):
            data.setdefault(t.vocabulary, {})[t.code] = TermInfo(
                t.code, t.label, t.short_label, t.parent
            )
        cache.set(CACHE_KEY, data, CACHE_SECONDS)
    return data


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
