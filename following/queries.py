"""A followed search: read from a query string, written back as one, run, described in Japanese.

The feed, the saved searches and the digest all run a case search through the search service,
which only ever finds live, public pages (search.registry.IndexedType.pages); the pages of its
hits are loaded again from the database with the same condition, so a page unpublished after it
was indexed is left out too (the index may lag a few seconds behind).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.apps import apps
from django.utils.translation import gettext as _

from core.mail import absolute_url
from search import params, registry, service
from search.documents import searchable_pages
from search.facets import BY_NAME, FACETS
from search.types import KINDS, MAX_PAGE_SIZE, MAX_RESULT_WINDOW, SearchRequest
from taxonomy import terms


@dataclass(frozen=True)
class Query:
    """The words and facet codes of a case search (bounded and normalised by search.params)."""

    text: str
    filters: Mapping[str, Sequence[str]]

    @classmethod
    def from_get(cls, query) -> "Query":
        """From a QueryDict; search.params.BadParameter (a Japanese message) when unusable.
        Unknown codes are refused here: the page only ever links known ones."""
        text = params.query_text(query).strip()
        filters, _rejected = params.filter_codes(query, strict=True)
        return cls(text=text, filters=filters)

    @classmethod
    def of(cls, text: str, filters: Mapping[str, Iterable[str]]) -> "Query":
        """From stored values (a saved search), dropping codes that no longer exist."""
        selected, _rejected = params.clean_filters(filters)
        return cls(text=text, filters=selected)

    def query_string(self) -> str:
        """`q=…&industry=…` in a fixed order, so one search always has one address."""
        pairs = [("q", self.text)] if self.text else []
        for facet in FACETS:
            pairs += [(facet.name, code) for code in self.filters.get(facet.name, ())]
        return urlencode(pairs)

    def describe(self) -> str:
        """「傾聴」・業種: 製造業、建設業 — what the search is, for names, titles and mails."""
        parts = [_("「%(text)s」") % {"text": self.text}] if self.text else []
        for name, codes in self.filters.items():
            facet = BY_NAME[name]
            labels = "、".join(terms.label(facet.vocabulary, code) for code in codes)
            parts.append(f"{facet.label}: {labels}")
        return "・".join(parts) or _("すべての事例とノウハウ")

    def request(self, *, page: int = 1, page_size: int = 20) -> SearchRequest:
        """Newest first, cases and know-how (know-how has no facets: a filter leaves it out)."""
        return SearchRequest(
            text=self.text,
            filters=dict(self.filters),
            kinds=KINDS,
            sort="-published",
            page=page,
            page_size=page_size,
            facets=False,
            highlight=False,
        )


@dataclass(frozen=True)
class Item:
    """One published page as a feed entry or a line of a digest (public content only)."""

    page_id: int
    kind_label: str
    title: str
    url: str  # absolute
    summary: str
    published: datetime | None
    updated: datetime | None


def page_url(page) -> str:
    """The page's absolute address, from BASE_URL or the request being answered (core.mail)."""
    url = page.get_url()
    return url if url.startswith(("http://", "https://")) else absolute_url(url)


def case_list_url() -> str:
    """The case list page. Read through the search registry (this app is below the content apps
    in the layers): the case pages' parent type is the list."""
    case_model = registry.get("case").model
    index_model = apps.get_model(case_model.parent_page_types[0])
    index = index_model.objects.live().first()
    return page_url(index) if index else absolute_url("/")


def items(ids: Sequence[int]) -> list[Item]:
    """The live, public pages of `ids` in that order (others are dropped)."""
    found: dict[int, Item] = {}
    for indexed, pages in searchable_pages(ids):
        for page in pages:
            document = indexed.document(page)
            found[page.pk] = Item(
                page_id=page.pk,
                kind_label=str(indexed.model._meta.verbose_name),
                title=page.title,
                url=page_url(page),
                summary=document.summary,
                published=page.first_published_at,
                updated=page.last_published_at or page.first_published_at,
            )
    return [found[i] for i in ids if i in found]


def newest(query: Query, *, limit: int) -> list[Item]:
    """The newest pages the search finds (the feed)."""
    response = service.search(query.request(page_size=limit))
    return items([hit.id for hit in response.hits])


def which_match(query: Query, candidates: set[int]) -> set[int] | None:
    """Those of `candidates` that the search finds; None when the engine could not answer.

    The engine has no filter by page id, so the results are read newest first, a hundred at a
    time, until every candidate has been seen or the results end. New pages sort near the top,
    so this usually takes one request. The database fallback (degraded) matches title and lead
    only: a digest must not judge by it, so the caller tries again at its next run.
    """
    found: set[int] = set()
    page = 1
    while candidates - found:
        response = service.search(query.request(page=page, page_size=MAX_PAGE_SIZE))
        if response.degraded:
            return None
        found |= {hit.id for hit in response.hits} & candidates
        if not response.hits or page * MAX_PAGE_SIZE >= min(response.total, MAX_RESULT_WINDOW):
            break
        page += 1
    return found
