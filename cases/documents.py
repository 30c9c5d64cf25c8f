"""How a case reaches the search index, and how the database answers when the engine cannot.

Registered with the search engine in CasesConfig.ready() (search/registry.py).
"""

from collections.abc import Mapping, Sequence

from django.db.models import QuerySet

from search.documents import page_version, plain
from search.facets import facet_codes
from search.registry import IndexedType
from search.types import FacetCount, SearchDocument
from taxonomy import terms

from . import selectors
from .models import CasePage


def case_document(case: CasePage) -> SearchDocument:
    sections = list(case.sections.all())
    opening = [case.subtitle, case.lead, " ".join(t.name for t in case.hashtags.all())]
    key_points = [block.value for block in case.key_points]
    parts = list(opening)
    for section in sections:
        parts += [section.heading, plain(section.markdown_text())]
    parts += key_points
    parts += [case.background, case.outcomes]
    facets = facet_codes(case, sections)
    date = case.display_date
    return SearchDocument(
        id=case.pk,
        version=page_version(case),
        kind="case",
        title=case.title,
        body="\n".join(p for p in parts if p),
        summary="\n".join(p for p in [*opening, *key_points] if p),
        published=date.toordinal() if date else 0,
        # The region only: a prefecture facet would have to read case.public_prefecture (k rule).
        facets=facets,
        suggest=(
            case.title,
            *(t.name for t in case.hashtags.all()),
            *(terms.label("tool", code) for code in facets["tool"]),
        ),
    )


def database_facets(
    pages: QuerySet[CasePage], selected: Mapping[str, Sequence[str]]
) -> dict[str, list[FacetCount]]:
    return {
        name: [FacetCount(o.value, o.count, o.selected) for o in options]
        for name, options in selectors.facet_options(pages, selected).items()
    }


INDEXED = IndexedType(
    kind="case",
    model=CasePage,
    public_id="external_id",
    document=case_document,
    prefetch=("sections", "hashtags"),
    text_fields=("title", "lead"),
    newest_first=selectors.NEWEST_FIRST,
    oldest_first=("published_on", "first_published_at", "pk"),
    apply_filters=selectors.apply_filters,
    facet_counts=database_facets,
)
