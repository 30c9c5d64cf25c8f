"""Reads of published cases: filtering, facet counts, related cases."""

import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate

from taxonomy import terms
from taxonomy.fields import contains_code, padded

from .models import CasePage, CaseSection

# Filter parameter -> vocabulary. Page fields filter directly; phase and tool through sections.
FILTERS: dict[str, str] = {
    "industry": "industry",
    "region": "region",
    "employees": "employees",
    "phase": "phase",
    "tool": "tool",
    "scale_phase": "scale_phase",
}
PAGE_FIELD_FILTERS = ("industry", "region", "employees", "scale_phase")


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


def published_cases() -> QuerySet[CasePage]:
    return CasePage.objects.live().public()


def _section_filter(name: str, codes: Sequence[str]) -> Q:
    if name == "phase":
        sections = CaseSection.objects.filter(page=OuterRef("pk"), phase__in=codes)
    else:
        q = Q()
        for code in codes:
            q |= contains_code("tools", code)
        sections = CaseSection.objects.annotate(tools_padded=padded("tools")).filter(
            q, page=OuterRef("pk")
        )
    return Q(Exists(sections))


def apply_filters(
    qs: QuerySet[CasePage], selected: Mapping[str, Sequence[str]], *, skip: str | None = None
) -> QuerySet[CasePage]:
    """OR within one filter, AND across filters; `skip` leaves one out (for its own counts)."""
    for name, codes in selected.items():
        if not codes or name == skip:
            continue
        if name in PAGE_FIELD_FILTERS:
            qs = qs.filter(**{f"{name}__in": codes})
        else:
            qs = qs.filter(_section_filter(name, codes))
    return qs


def facet_options(
    base: QuerySet[CasePage], selected: Mapping[str, Sequence[str]]
) -> dict[str, list[FacetOption]]:
    """Counts per option, each computed with every other filter applied (multi-select safe)."""
    facets: dict[str, list[FacetOption]] = {}
    for name, vocabulary in FILTERS.items():
        scoped = apply_filters(base, selected, skip=name)
        if name in PAGE_FIELD_FILTERS:
            counts = Counter(
                dict(
                    scoped.order_by()
                    .values_list(name)
                    .annotate(n=Count("pk"))
                    .values_list(name, "n")
                )
            )
        elif name == "phase":
            counts = Counter(
                dict(
                    CaseSection.objects.filter(page__in=scoped.values("pk"))
                    .order_by()
                    .values_list("phase")
                    .annotate(n=Count("page", distinct=True))
                    .values_list("phase", "n")
                )
            )
        else:
            # Raw strings (no per-row field converter): this is the heaviest facet on a big list.
            rows = (
                CaseSection.objects.filter(page__in=scoped.values("pk"))
                .exclude(tools="")
                .annotate(padded_tools=padded("tools"))
                .values_list("page_id", "padded_tools")
            )
            per_page: dict[int, set[str]] = {}
            for page_id, tools in rows.iterator(chunk_size=5000):
                per_page.setdefault(page_id, set()).update(tools.split())
            counts = Counter(code for tools in per_page.values() for code in tools)
        chosen = set(selected.get(name, ()))
        facets[name] = [
            FacetOption(code, info.display, counts.get(code, 0), code in chosen)
            for code, info in terms.terms(vocabulary).items()
            if counts.get(code, 0) or code in chosen
        ]
    return facets


def clean_filters(params: Mapping[str, Iterable[str]]) -> tuple[dict[str, list[str]], list[str]]:
    """Keep known codes (full-width input normalised); return them and the rejected values."""
    selected: dict[str, list[str]] = {}
    rejected: list[str] = []
    for name, vocabulary in FILTERS.items():
        for raw in params.get(name, ()):
            code = unicodedata.normalize("NFKC", raw).strip()
            if vocabulary == "industry":
                code = code.upper()
            if terms.is_valid(vocabulary, code):
                if code not in selected.setdefault(name, []):
                    selected[name].append(code)
            elif code:
                rejected.append(f"{name}={raw}")
    return {k: v for k, v in selected.items() if v}, rejected


def with_list_data(qs: QuerySet[CasePage]) -> QuerySet[CasePage]:
    """What a case card needs, in a fixed number of queries (section bodies are not loaded)."""
    sections = CaseSection.objects.only("page_id", "phase", "tools", "sort_order")
    return qs.prefetch_related(Prefetch("sections", queryset=sections))


def newest_first(qs: QuerySet[CasePage]) -> QuerySet[CasePage]:
    """By the date a case shows (CasePage.display_date), the newest first.

    A case approved in the admin has no published_on: its date is the first publication's, in
    Japan's time. Sorting on published_on alone put those cases last on SQLite (NULL sorts low)
    and first on PostgreSQL, so a newly approved case was missing from 新着の事例 on SQLite.
    """
    shown_on = Coalesce("published_on", TruncDate("first_published_at"))
    return qs.alias(shown_on=shown_on).order_by(
        F("shown_on").desc(nulls_last=True),
        F("first_published_at").desc(nulls_last=True),
        "-pk",
    )


def related_cases(case: CasePage, *, limit: int = 3) -> list[CasePage]:
    """Published cases most alike in industry, phases and tools (database fallback)."""
    tools = set(case.tools)
    # The newest two dozen candidates are enough to pick three; scoring more costs page time.
    candidates = with_list_data(
        newest_first(
            published_cases()
            .exclude(pk=case.pk)
            .filter(Q(industry=case.industry) | Q(scale_phase=case.scale_phase, region=case.region))
        )
    )[:24]
    scored = sorted(
        candidates,
        key=lambda c: (
            -(2 * (c.industry == case.industry) + len(tools & set(c.tools))),
            -(c.published_on.toordinal() if c.published_on else 0),
        ),
    )
    return scored[:limit]
