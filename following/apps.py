from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from pagecache.public import register_public_view
from search.types import FACET_FIELDS


class FollowingConfig(AppConfig):
    name = "following"
    verbose_name = _("検索のフォロー")

    def ready(self):
        # The feed of a search is the same for every reader (Query.from_get reads these).
        register_public_view("following.feeds.CaseSearchFeed", parameters=("q", *FACET_FIELDS))
