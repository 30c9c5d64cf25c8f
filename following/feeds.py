"""The Atom feed of a case search: the same query string as the case list, newest first.

Only published content is in it (following/queries.py); nothing about who reads it: the feed
has no author but the site, and the address carries only the search itself.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from core.mail import absolute_url
from search import params

from .queries import Item, Query, case_list_url, newest

FEED_SIZE = 30


def feed_path(query: Query) -> str:
    """The feed's address for `query` (the list page links it in its head and its body)."""
    qs = query.query_string()
    return reverse("following:case_feed") + (f"?{qs}" if qs else "")


class CaseSearchFeed(Feed):
    feed_type = Atom1Feed
    language = "ja"

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except params.BadParameter as error:  # raised by get_object: a query it cannot use
            return params.bad_request_page(request, error)

    def get_object(self, request, *args, **kwargs) -> Query:
        return Query.from_get(request.GET)

    def title(self, query: Query) -> str:
        return _("%(site)s: %(search)s の新着") % {
            "site": settings.WAGTAIL_SITE_NAME,
            "search": query.describe(),
        }

    def subtitle(self, query: Query) -> str:
        return _(
            "匿名化して公開した支援事例とノウハウのうち、この検索に合うものを新しい順に載せています。"
        )

    def link(self, query: Query) -> str:
        qs = query.query_string()
        return case_list_url() + (f"?{qs}" if qs else "")

    def feed_url(self, query: Query) -> str:
        return absolute_url(feed_path(query))

    def author_name(self) -> str:
        # Atom wants an author for the feed; the site, never a person.
        return settings.WAGTAIL_SITE_NAME

    def items(self, query: Query) -> list[Item]:
        return newest(query, limit=FEED_SIZE)

    def item_title(self, item: Item) -> str:
        return item.title  # the feed generator escapes it once (Atom text)

    def item_description(self, item: Item) -> str:
        return linebreaks(escape(item.summary))  # written as type="html"

    def item_link(self, item: Item) -> str:
        return item.url

    def item_guid(self, item: Item) -> str:
        return item.url

    def item_pubdate(self, item: Item):
        return item.published

    def item_updateddate(self, item: Item):
        return item.updated

    def item_categories(self, item: Item) -> list[str]:
        return [item.kind_label]
