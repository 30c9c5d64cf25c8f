"""Search documents built from published pages: the only way content reaches an index."""

import re
from collections.abc import Iterable, Iterator

from wagtail.models import Page

from cases.models import CasePage
from knowhow.models import KnowHowPage
from taxonomy import terms

from .types import SearchDocument

_MARKDOWN_MARKS = re.compile(r"^\s{0,3}(?:#{1,6}|[-*+]|\d+\.|>)\s+|[*_`|]+", re.MULTILINE)


def plain(markdown_text: str) -> str:
    return _MARKDOWN_MARKS.sub("", markdown_text)


def _version(page: Page) -> int:
    stamp = page.last_published_at or page.latest_revision_created_at
    return int(stamp.timestamp()) if stamp else 0


def case_document(case: CasePage) -> SearchDocument:
    sections = list(case.sections.all())
    opening = [case.subtitle, case.lead, " ".join(t.name for t in case.hashtags.all())]
    key_points = [block.value for block in case.key_points]
    parts = list(opening)
    for section in sections:
        parts += [section.heading, plain(section.markdown_text())]
    parts += key_points
    parts += [case.background, case.outcomes]
    tools = tuple(dict.fromkeys(code for s in sections for code in s.tools))
    date = case.display_date
    return SearchDocument(
        id=case.pk,
        version=_version(case),
        kind="case",
        title=case.title,
        body="\n".join(p for p in parts if p),
        summary="\n".join(p for p in [*opening, *key_points] if p),
        published=date.toordinal() if date else 0,
        industry=case.industry,
        region=case.region,
        employees=case.employees,
        scale_phase=case.scale_phase,
        phase=tuple(dict.fromkeys(s.phase for s in sections)),
        tool=tools,
        suggest=(
            case.title,
            *(t.name for t in case.hashtags.all()),
            *(terms.label("tool", code) for code in tools),
        ),
    )


def knowhow_document(article: KnowHowPage) -> SearchDocument:
    body = "\n".join(
        [article.summary, *(plain(b.value) for b in article.body if b.block_type == "text")]
    )
    date = article.last_published_at or article.first_published_at
    return SearchDocument(
        id=article.pk,
        version=_version(article),
        kind="knowhow",
        title=article.title,
        body=body,
        summary=article.summary,
        published=date.date().toordinal() if date else 0,
        phase=tuple(article.phases),
        suggest=(article.title, terms.label("skill", article.skill)),
    )


def searchable_pages(ids: Iterable[int] | None = None):
    """Live, public cases and know-how: what may be in the index (the rest must not)."""
    cases = CasePage.objects.live().public().prefetch_related("sections", "hashtags")
    articles = KnowHowPage.objects.live().public()
    if ids is not None:
        ids = list(ids)
        cases, articles = cases.filter(pk__in=ids), articles.filter(pk__in=ids)
    return cases, articles


def documents(ids: Iterable[int] | None = None) -> Iterator[SearchDocument]:
    cases, articles = searchable_pages(ids)
    for case in cases.iterator(chunk_size=200):
        yield case_document(case)
    for article in articles.iterator(chunk_size=200):
        yield knowhow_document(article)


def count(ids: Iterable[int] | None = None) -> int:
    cases, articles = searchable_pages(ids)
    return cases.count() + articles.count()
