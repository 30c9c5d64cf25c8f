"""How a know-how article reaches the search index (registered in KnowhowConfig.ready())."""

from search.documents import page_version, plain
from search.registry import IndexedType
from search.types import SearchDocument
from taxonomy import terms

from .models import KnowHowPage


def knowhow_document(article: KnowHowPage) -> SearchDocument:
    body = "\n".join(
        [article.summary, *(plain(b.value) for b in article.body if b.block_type == "text")]
    )
    date = article.last_published_at or article.first_published_at
    return SearchDocument(
        id=article.pk,
        version=page_version(article),
        kind="knowhow",
        title=article.title,
        body=body,
        summary=article.summary,
        published=date.date().toordinal() if date else 0,
        facets={"phase": tuple(article.phases)},
        suggest=(article.title, terms.label("skill", article.skill)),
    )


# Know-how has no company profile: no facets, and a search with a filter finds none of it.
INDEXED = IndexedType(
    kind="knowhow",
    model=KnowHowPage,
    public_id="slug",
    document=knowhow_document,
    text_fields=("title", "summary"),
    newest_first=("-first_published_at", "-pk"),
    oldest_first=("first_published_at", "pk"),
)
