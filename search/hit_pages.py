"""The pages behind search hits, as the JSON API names them: one query, no page objects.

The API shows a hit only while its page is live and outside every private section (the index
can lag a moment behind an unpublish or a new restriction). It needs four columns of each page
and its URL. Building Wagtail page objects for that cost more than the query (about 50 µs each:
ClusterableModel's __init__ walks the model's child relations), and Wagtail's private_q() reads
the restrictions in a query of its own: here the restrictions are a subquery and the URL is made
from the url_path as Page.get_url makes it (tests/search/test_api_cost.py holds the two equal).
"""

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.db.models.functions import Length, Substr
from django.urls import NoReverseMatch, reverse
from wagtail.models import PageViewRestriction, Site

from . import registry
from .types import Hit


class HitPage(NamedTuple):
    pk: int
    title: str
    url_path: str
    public_id: str  # the value of the type's IndexedType.public_id field


def _restricted() -> Exists:
    """A view restriction on the page or on one of its ancestors (Wagtail's private_q: the
    restricted page's path is a prefix of the page's path)."""
    return Exists(
        PageViewRestriction.objects.filter(
            page__path=Substr(OuterRef("path"), 1, Length("page__path"))
        )
    )


def live_public(hits: Iterable[Hit]) -> dict[int, HitPage]:
    """The live pages of the hits outside every private section, by page id: one query per kind
    that has hits."""
    by_kind: dict[str, list[int]] = {}
    for hit in hits:
        by_kind.setdefault(hit.kind, []).append(hit.id)
    pages = {}
    for kind, ids in by_kind.items():
        indexed = registry.get(kind)
        rows = (
            indexed.model.objects.live()
            .filter(pk__in=ids)
            .exclude(_restricted())
            .values_list("pk", "title", "url_path", indexed.public_id)
            .order_by()  # a dict by id: no order needed
        )
        pages.update((row[0], HitPage(*row)) for row in rows)
    return pages


def page_url(url_path: str, *, root_paths: Sequence, current_site: Site | None) -> str | None:
    """What Page.get_url(request=..., current_site=current_site) returns for the page at
    `url_path` (wagtail/models/pages.py, get_url_parts and get_url), given
    Site.get_site_root_paths(); None for a page outside every site.

    Without Wagtail's i18n (WAGTAIL_I18N_ENABLED is off here: with it, the path is reversed in
    the page's language, which this does not do)."""
    relevant = [root for root in root_paths if url_path.startswith(root.root_path)]
    if not relevant:
        return None
    site_id, root_path, root_url, _language = relevant[0]
    if current_site is not None and len({root[0] for root in relevant}) > 1:
        # A page under more than one site: the current one's URL where it is one of them.
        for root in relevant:
            if root[0] == current_site.pk:
                site_id, root_path, root_url, _language = root
                break
    try:
        path = reverse("wagtail_serve", args=(url_path[len(root_path) :],))
    except NoReverseMatch:
        return None
    if not getattr(settings, "WAGTAIL_APPEND_SLASH", True) and path != "/":
        path = path.rstrip("/")
    single_site = len({root[0] for root in root_paths}) == 1
    if (current_site is not None and site_id == current_site.pk) or single_site:
        return path
    return root_url + path
