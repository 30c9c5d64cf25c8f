"""Published pages and saved searches for the following tests, built on tests/factories.py.

Digests and feeds read the search index, so a published page here also reaches the index, as it
does once the search worker has run after the commit.
"""

import factory

from following.models import SavedSearch
from following.queries import Query
from following.services import saved_search_create
from search import service
from tests import factories


class IndexedPageMixin:
    """Publishes as the shared factory does (live=False: a draft), then drains the search outbox."""

    @classmethod
    def _create(cls, model_class, *args, live=True, **kwargs):
        page = super()._create(model_class, *args, live=live, **kwargs)
        if live:
            service.drain_outbox()  # looked up on the module: a test may stop the worker
        return page


class CasePageFactory(IndexedPageMixin, factories.CasePageFactory):
    """A case under the case list, published and indexed; in 北陸 (the digest filters use it)."""

    title = factory.Sequence(lambda n: f"フォロー確認用の事例 {n}")
    slug = factory.Sequence(lambda n: f"following-case-{n}")
    external_id = factory.Sequence(lambda n: f"following-case-{n}")
    region = "hokuriku"


class KnowHowPageFactory(IndexedPageMixin, factories.KnowHowPageFactory):
    title = factory.Sequence(lambda n: f"フォロー確認用のノウハウ {n}")
    slug = factory.Sequence(lambda n: f"following-knowhow-{n}")


class SavedSearchFactory(factory.Factory):
    """Saved through the service, as the form does (the cap, the starting point)."""

    class Meta:
        model = SavedSearch

    user = factory.SubFactory(factories.UserFactory)
    name = factory.Sequence(lambda n: f"保存した検索 {n}")
    text = ""
    filters = factory.LazyFunction(dict)
    frequency = SavedSearch.Frequency.DAILY

    @classmethod
    def _create(cls, model_class, *args, user, name, text, filters, frequency, **kwargs):
        return saved_search_create(
            user=user, query=Query.of(text, filters), name=name, frequency=frequency
        )
