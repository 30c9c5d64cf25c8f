"""The facets of the case search, in one table.

Every reader takes its facets from here: the filters and counts of the case selectors, the case
documents, both backends (through search.types.FACET_FIELDS), the bounds on the query string,
the JSON API, the case list template and the words of a query that name a facet value
(search/query_words.py). Adding a facet starts here (CONTRIBUTING.md).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The codes of a yes/no field of the case (理念・ビジョンの言語化): the interchange format keeps a
# boolean, the index and the query string a code.
YES, NO = "yes", "no"
MAX_TAG_CHARS = 100  # taggit's Tag.name
# The labels of the values come from the taxonomy (search/facet_values.py): this module is read
# while the apps load (search.types), before any model may be imported.


@dataclass(frozen=True)
class Facet:
    name: str  # the query-string parameter, the document field, the API's key
    # The taxonomy vocabulary its codes come from; "" for a facet whose values are listed in
    # `choices` (a yes/no field) or are free text (the hashtags).
    vocabulary: str
    label: Promise  # the heading on the case list (Japanese)
    # Where a case keeps it: a field of the case page, "sections.<field>" for a value of each of
    # its sections, or "hashtags" for the case's hashtags (a case then has several values).
    source: str
    # The heading that groups facets on the case list (類型, 支援); None: 基礎情報.
    group: Promise | None = None
    # Fixed codes and labels, for a facet without a vocabulary (a yes/no field).
    choices: tuple[tuple[str, Promise], ...] = ()
    # What a word of a query that names one of its values does (search/query_words.py,
    # docs/search.md "Words that name a facet value"): "filter" narrows the results to it and
    # takes the word out of the text; "boost" keeps the word and ranks the cases with that value
    # first; "" leaves the word to the text search (values that are ordinary words: 増加, その他).
    query_words: Literal["filter", "boost", ""] = ""
    # Words for a value that its label cannot give: the label is an ordinary word shared with
    # another facet (増加 is a value of both trends: 増収 for 売上高 増加), or the word names
    # several values at once (親族外承継: 社内登用 and 外部招へい). code -> words.
    value_words: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def group_label(self) -> Promise:
        return self.group if self.group is not None else _BASICS

    @property
    def multi(self) -> bool:
        """Several values per case (collected from its sections, or its hashtags)."""
        return self.source.startswith("sections.") or self.source == "hashtags"

    @property
    def section_field(self) -> str:
        return self.source.removeprefix("sections.")

    @property
    def boolean(self) -> bool:
        """A yes/no field of the case page, stored as YES/NO codes."""
        return bool(self.choices) and {code for code, _label in self.choices} == {YES, NO}

    @property
    def free_text(self) -> bool:
        """Values are not codes of a list (hashtags): any short text is a value."""
        return not self.vocabulary and not self.choices


_BASICS = _("基礎情報")
_SUPPORT = _("支援")
_TYPOLOGY = _("類型")
FACETS: tuple[Facet, ...] = (
    Facet("industry", "industry", _("業種"), source="industry", query_words="filter"),
    # The region, never the prefecture: a prefecture with few cases could name the company. A
    # prefecture in a query is read as its region (query_words.py).
    Facet("region", "region", _("地域"), source="region", query_words="filter"),
    Facet("employees", "employees", _("従業員数"), source="employees", query_words="filter"),
    Facet("sales", "sales", _("売上規模"), source="sales", query_words="filter"),
    Facet(
        "owner_type",
        "owner_type",
        _("経営者属性"),
        source="owner_type",
        query_words="boost",
        value_words=(
            ("successor-internal", ("親族外承継", "従業員承継")),
            ("successor-external", ("親族外承継", "第三者承継")),
        ),
    ),
    Facet("owner_age", "owner_age", _("経営者年齢"), source="owner_age", query_words="filter"),
    # 増収減益 is two words of a query: 売上高 増加 and 経常利益率 減少.
    Facet(
        "sales_trend",
        "trend",
        _("売上高の傾向"),
        source="sales_trend",
        query_words="filter",
        value_words=(("up", ("増収",)), ("down", ("減収",))),
    ),
    Facet(
        "profit_trend",
        "trend",
        _("経常利益率の傾向"),
        source="profit_trend",
        query_words="filter",
        value_words=(("up", ("増益",)), ("down", ("減益",))),
    ),
    Facet(
        "scale_phase",
        "scale_phase",
        _("規模×局面"),
        source="scale_phase",
        group=_TYPOLOGY,
        query_words="filter",
    ),
    Facet(
        "vision_articulated",
        "",
        _("理念・ビジョンの言語化"),
        source="vision_articulated",
        group=_TYPOLOGY,
        choices=((YES, _("言語化したことがある")), (NO, _("言語化したことがない"))),
    ),
    Facet(
        "approach",
        "approach",
        _("アプローチ"),
        source="approach",
        group=_TYPOLOGY,
        query_words="filter",
    ),
    Facet(
        "requesting_body",
        "requesting_body",
        _("要請機関"),
        source="requesting_body",
        group=_SUPPORT,
        query_words="boost",
    ),
    Facet(
        "supporter_type",
        "supporter_type",
        _("支援者のタイプ"),
        source="supporter_type",
        group=_SUPPORT,
        query_words="filter",
    ),
    Facet("phase", "phase", _("フェーズ"), source="sections.phase", group=_SUPPORT),
    Facet("tool", "tool", _("ツール"), source="sections.tools", group=_SUPPORT),
    Facet("hashtag", "", _("ハッシュタグ"), source="hashtags", group=_SUPPORT),
)
BY_NAME: dict[str, Facet] = {facet.name: facet for facet in FACETS}
FACET_FIELDS: tuple[str, ...] = tuple(facet.name for facet in FACETS)
# The facets a case holds one value of (a field of the page itself).
PAGE_FIELDS: tuple[str, ...] = tuple(facet.name for facet in FACETS if not facet.multi)
MULTI_FIELDS: tuple[str, ...] = tuple(facet.name for facet in FACETS if facet.multi)


def code_of(facet: Facet, value) -> str:
    """The code a case's stored value has in the index ("" for none): YES/NO for a yes/no field."""
    if facet.boolean:
        return "" if value is None else (YES if value else NO)
    return value or ""


def stored_value(facet: Facet, code: str):
    """The value a code stands for in the case's field (the reverse of code_of)."""
    if facet.boolean:
        return code == YES
    return code


def facet_codes(page, sections: Iterable) -> dict[str, tuple[str, ...]]:
    """Every facet's codes for a page, read from each facet's source (what SearchDocument.facets
    holds): a page field gives at most one code, a section field each section's code or codes
    (first seen first), the hashtags their names."""
    values: dict[str, tuple[str, ...]] = {}
    sections = list(sections)
    for facet in FACETS:
        if facet.source == "hashtags":
            found = dict.fromkeys(t.name for t in page.hashtags.all())
        elif facet.multi:
            found = {}
            for section in sections:
                value = getattr(section, facet.section_field)
                # A section holds one code (phase) or a list of them (tools).
                found.update(dict.fromkeys([value] if isinstance(value, str) else value))
        else:
            found = dict.fromkeys([code_of(facet, getattr(page, facet.source, None))])
        values[facet.name] = tuple(code for code in found if code)
    return values
