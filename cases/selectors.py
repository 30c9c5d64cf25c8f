"""Reads of published cases: filtering, facet counts, related cases."""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate

from search import facet_values
from search.facets import BY_NAME, FACETS, PAGE_FIELDS, Facet, code_of, stored_value
from taxonomy.fields import contains_code, padded

from .models import CasePage, CaseSection, CaseTag

# The order of the case list without search words (and of the database fallback's "newest"):
# by the date a case shows (CasePage.display_date), the newest first. A case approved in the admin
# has no published_on: its date is the first publication's, in Japan's time. Sorting on
# published_on alone put those cases last on SQLite (NULL sorts low) and first on PostgreSQL, so
# a newly approved case was missing from 新着の事例 on SQLite.
NEWEST_FIRST = (
    Coalesce("published_on", TruncDate("first_published_at")).desc(nulls_last=True),
    F("first_published_at").desc(nulls_last=True),
    "-pk",
)


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


def published_cases() -> QuerySet[CasePage]:
    return CasePage.objects.live().public()


def _section_filter(name: str, codes: Sequence[str]) -> Q:
    field = BY_NAME[name].section_field
    if field == "phase":
        sections = CaseSection.objects.filter(page=OuterRef("pk"), phase__in=codes)
    else:
        q = Q()
        for code in codes:
            q |= contains_code(field, code)
        sections = CaseSection.objects.annotate(tools_padded=padded(field)).filter(
            q, page=OuterRef("pk")
        )
    return Q(Exists(sections))


def _hashtag_filter(names: Sequence[str]) -> Q:
    return Q(Exists(CaseTag.objects.filter(content_object=OuterRef("pk"), tag__name__in=names)))


def apply_filters(
    qs: QuerySet[CasePage], selected: Mapping[str, Sequence[str]], *, skip: str | None = None
) -> QuerySet[CasePage]:
    """OR within one filter, AND across filters; `skip` leaves one out (for its own counts).
    The facets are search/facets.py's: page fields filter directly, hashtags through the tags,
    the others through sections."""
    for name, codes in selected.items():
        if not codes or name == skip:
            continue
        facet = BY_NAME[name]
        if name in PAGE_FIELDS:
            values = [stored_value(facet, code) for code in codes]
            qs = qs.filter(**{f"{facet.source}__in": values})
        elif facet.source == "hashtags":
            qs = qs.filter(_hashtag_filter(codes))
        else:
            qs = qs.filter(_section_filter(name, codes))
    return qs


def _options(facet: Facet, counts: Counter, chosen: set[str]) -> list[FacetOption]:
    """The facet's values with a count or chosen, in the list's order (by count for hashtags)."""
    if facet.free_text:
        ranked = sorted(set(counts) | chosen, key=lambda v: (-counts.get(v, 0), v))
        return [FacetOption(v, v, counts.get(v, 0), v in chosen) for v in ranked]
    return [
        FacetOption(code, label, counts.get(code, 0), code in chosen)
        for code, label in facet_values.options(facet).items()
        if counts.get(code, 0) or code in chosen
    ]


def _page_field_counts(scoped: QuerySet[CasePage], facets: Sequence[Facet]) -> dict[str, Counter]:
    """Cases per value of each page-field facet, in one query: the cases grouped by the
    combination of their values, summed per facet here (far cheaper than a query per facet, or
    one COUNT per value, which Django takes longer to compile than the database to run)."""
    counts: dict[str, Counter] = {facet.name: Counter() for facet in facets}
    if not facets:
        return counts
    sources = [facet.source for facet in facets]
    rows = (
        scoped.order_by().values_list(*sources).annotate(n=Count("pk")).values_list(*sources, "n")
    )
    for *values, n in rows:
        for facet, value in zip(facets, values, strict=True):
            counts[facet.name][code_of(facet, value)] += n
    return counts


def facet_options(
    base: QuerySet[CasePage], selected: Mapping[str, Sequence[str]]
) -> dict[str, list[FacetOption]]:
    """Counts per option, each computed with every other filter applied (multi-select safe)."""
    facets: dict[str, list[FacetOption]] = {}
    # The page fields without a selection share their scope (all the filters): counted in one
    # query, as the database fallback counts thirteen of them on every search.
    shared = [f for f in FACETS if not f.multi and not selected.get(f.name)]
    page_counts = _page_field_counts(apply_filters(base, selected), shared)
    for facet in FACETS:
        name = facet.name
        scoped = apply_filters(base, selected, skip=name)
        if facet in shared:
            counts = page_counts[name]
        elif not facet.multi:
            counts = _page_field_counts(scoped, [facet])[name]
        elif facet.source == "hashtags":
            counts = Counter(
                dict(
                    CaseTag.objects.filter(content_object__in=scoped.values("pk"))
                    .order_by()
                    .values_list("tag__name")
                    .annotate(n=Count("content_object", distinct=True))
                    .values_list("tag__name", "n")
                )
            )
        elif facet.section_field == "phase":
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
        counts.pop("", None)  # cases without a value
        facets[name] = _options(facet, counts, set(selected.get(name, ())))
    return facets


def with_list_data(qs: QuerySet[CasePage]) -> QuerySet[CasePage]:
    """What a case card needs, in a fixed number of queries (section bodies are not loaded)."""
    sections = CaseSection.objects.only("page_id", "phase", "tools", "sort_order")
    return qs.prefetch_related(Prefetch("sections", queryset=sections))


def newest_first(qs: QuerySet[CasePage]) -> QuerySet[CasePage]:
    """By the date a case shows, the newest first (NEWEST_FIRST)."""
    return qs.order_by(*NEWEST_FIRST)


def newest(qs: QuerySet[CasePage], *, limit: int) -> QuerySet[CasePage]:
    """The `limit` first cases of qs in NEWEST_FIRST order, without sorting all of them.

    NEWEST_FIRST sorts on an expression over two tables (published_on here, first_published_at
    in wagtailcore_page), which no index can serve: the database read and sorted every case, the
    costliest query of the home page (about 30 ms at 10,000 cases). The newest cases are among
    the newest `limit` with a published_on (in its index's order, ties sorted among themselves)
    and the newest `limit` without one (first_published_at, also indexed, orders them as the
    expression does); the outer query sorts those few candidates by NEWEST_FIRST itself, so the
    order, ties included, is exactly newest_first(qs)'s. One query, as before.
    """
    dated = (
        qs.filter(published_on__isnull=False)
        .order_by("-published_on", *NEWEST_FIRST[1:])
        .values("pk")[:limit]
    )
    undated = qs.filter(published_on__isnull=True).order_by(*NEWEST_FIRST[1:]).values("pk")[:limit]
    return newest_first(qs.filter(Q(pk__in=dated) | Q(pk__in=undated)))[:limit]


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
