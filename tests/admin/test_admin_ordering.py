"""Issue 16: Wagtail's "Sort menu order" lists every child of a page without paging; for a parent
with more children than ADMIN_MANUAL_ORDERING_MAX_CHILDREN it is refused (cases/wagtail_hooks.py),
below the bound it still works."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts import roles
from cases.models import CaseIndexPage
from cases.synthetic import insert_cases
from cases.wagtail_hooks import CaseExplorerView
from tests.conftest import login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CASES = 60  # more than one page of the listing


@pytest.fixture
def index(client):
    login(client, UserFactory(role=roles.SECRETARIAT))
    insert_cases(CASES)
    index = CaseIndexPage.objects.get()
    assert index.numchild >= CASES
    return index


def _rows(response) -> int:
    return len(re.findall(rb"data-listing-page-title", response.content))


def test_a_large_parent_refuses_the_unpaginated_ordering(client, index, settings):
    settings.ADMIN_MANUAL_ORDERING_MAX_CHILDREN = CASES // 2
    listing = reverse("wagtailadmin_explore", args=[index.pk])
    response = client.get(listing, {"ordering": "ord"})
    assert response.status_code == 302
    assert response["Location"] == listing  # the paginated listing, newest first
    message = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(message) == 1 and "手動の並べ替えは使えません" in message[0], message
    assert f"{index.numchild:,}件" in message[0]

    followed = client.get(response["Location"])
    assert followed.status_code == 200
    assert "手動の並べ替えは使えません" in followed.content.decode()
    assert _rows(followed) == CaseExplorerView.paginate_by  # one page, not every child


def test_the_results_fragment_is_refused_too_and_keeps_other_parameters(client, index, settings):
    settings.ADMIN_MANUAL_ORDERING_MAX_CHILDREN = CASES // 2
    results = reverse("wagtailadmin_explore_results", args=[index.pk])
    response = client.get(results, {"ordering": "ord", "p": "2"})
    assert response.status_code == 302
    assert response["Location"] == f"{results}?p=2"


def test_a_small_parent_keeps_the_manual_ordering(client, index, settings):
    settings.ADMIN_MANUAL_ORDERING_MAX_CHILDREN = index.numchild
    response = client.get(reverse("wagtailadmin_explore", args=[index.pk]), {"ordering": "ord"})
    assert response.status_code == 200
    assert _rows(response) == index.numchild  # every child, to be dragged into place
    assert not list(get_messages(response.wsgi_request))


def test_the_rows_menu_offers_the_ordering_only_for_small_parents(client, index, settings):
    """In the listing of the case index's parent, the index's row menu."""
    sort_link = f"/admin/pages/{index.pk}/?ordering=ord".encode()
    parent_listing = reverse("wagtailadmin_explore", args=[index.get_parent().pk])
    settings.ADMIN_MANUAL_ORDERING_MAX_CHILDREN = index.numchild
    assert sort_link in client.get(parent_listing).content
    settings.ADMIN_MANUAL_ORDERING_MAX_CHILDREN = index.numchild - 1
    assert sort_link not in client.get(parent_listing).content


def test_a_visitor_without_admin_access_is_sent_to_the_login_without_the_message(client, settings):
    settings.ADMIN_MANUAL_ORDERING_MAX_CHILDREN = 0
    index = CaseIndexPage.objects.get()
    response = client.get(reverse("wagtailadmin_explore", args=[index.pk]), {"ordering": "ord"})
    assert response.status_code == 302
    assert "ordering" in response["Location"]  # Wagtail's login redirect, with the next URL
    assert not list(get_messages(response.wsgi_request))
