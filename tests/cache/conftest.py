import pytest
from django.test import Client


@pytest.fixture
def anonymous():
    return Client()


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True
    return settings
