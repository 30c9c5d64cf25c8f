"""The facets of the case search, in one table.

Every reader takes its facets from here: the filters and counts of the case selectors, the case
documents (facet_values), both backends (schema, indexing, filters and counts), the bounds on the
query string, the JSON API and the case list template. Adding a facet is one line in FACETS plus
the field it comes from on the case page or its sections (CONTRIBUTING.md).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Facet:
    name: str  # the query-string parameter, the document field, the API's key
    vocabulary: str  # the taxonomy vocabulary its codes come from
    label: Promise  # the heading on the case list (Japanese)
    # Where a case keeps it: a field of the case page, or "sections.<field>" for a value of
    # each of its sections (a case then has several).
    source: str

    @property
    def multi(self) -> bool:
        """Several values per case (collected from its sections)."""
        return self.source.startswith("sections.")

    @property
    def section_field(self) -> str:
        return self.source.removeprefix("sections.")


FACETS: tuple[Facet, ...] = (
    Facet("industry", "industry", _("業種"), source="industry"),
    Facet("region", "region", _("地域"), source="region"),
    Facet("employees", "employees", _("従業員数"), source="employees"),
    Facet("phase", "phase", _("フェーズ"), source="sections.phase"),
    Facet("tool", "tool", _("ツール"), source="sections.tools"),
    Facet("scale_phase", "scale_phase", _("規模×局面"), source="scale_phase"),
)
BY_NAME: dict[str, Facet] = {facet.name: facet for facet in FACETS}
FACET_FIELDS: tuple[str, ...] = tuple(facet.name for facet in FACETS)
# The facets a case holds one value of (a field of the page itself).
PAGE_FIELDS: tuple[str, ...] = tuple(facet.name for facet in FACETS if not facet.multi)


def facet_values(page, sections: Iterable) -> dict[str, tuple[str, ...]]:
    """Every facet's codes for a case page, read from each facet's source: a page field gives at
    most one code; a section field gives each section's code or codes, first seen first."""
    values: dict[str, tuple[str, ...]] = {}
    sections = list(sections)
    for facet in FACETS:
        if not facet.multi:
            code = getattr(page, facet.source)
            values[facet.name] = (code,) if code else ()
            continue
        found: dict[str, None] = {}
        for section in sections:
            value = getattr(section, facet.section_field)
            # A section holds one code (phase) or a list of them (tools).
            found.update(dict.fromkeys([value] if isinstance(value, str) else value))
        values[facet.name] = tuple(found)
    return values
