"""factory_boy factories for the search app's own rows."""

import factory
from django.utils import timezone

from search.models import SearchClick, SearchQueryLog


class SearchQueryLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SearchQueryLog

    text = factory.Sequence(lambda n: f"検索語{n}")
    filters = factory.LazyFunction(dict)
    result_count = 3
    searches = 1
    source = SearchQueryLog.Source.LIST
    created_on = factory.LazyFunction(timezone.localdate)


class SearchClickFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SearchClick

    text = factory.Sequence(lambda n: f"検索語{n}")
    filters = factory.LazyFunction(dict)
    rank = 1
    created_on = factory.LazyFunction(timezone.localdate)
