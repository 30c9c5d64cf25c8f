"""Issue 16: the explorer of the case index draws fewer rows a page and only the columns that tell
cases apart (cases/wagtail_hooks.py, CaseExplorerView); other parents keep Wagtail's listing."""

import re

import pytest
from django.urls import reverse

from accounts import roles
from cases.models import CaseIndexPage, CasePage
from cases.synthetic import insert_cases
from cases.wagtail_hooks import CaseExplorerView
from tests.conftest import login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CASES = 30
PER_PAGE = CaseExplorerView.paginate_by


def _rows(response) -> list[int]:
    """The ids of the pages listed, in order."""
    return [int(pk) for pk in re.findall(rb'id="page_(\d+)_title"', response.content)]


@pytest.fixture
def index():
    insert_cases(CASES)
    return CaseIndexPage.objects.get()


@pytest.mark.parametrize("role", [roles.SECRETARIAT, roles.EDITOR])
def test_the_case_index_lists_a_short_page_of_every_case(client, index, role):
    login(client, UserFactory(role=role))
    listing = reverse("wagtailadmin_explore", args=[index.pk])
    pages = [client.get(listing, {"p": n}) for n in range(1, -(-index.numchild // PER_PAGE) + 1)]
    assert all(page.status_code == 200 for page in pages)
    assert len(_rows(pages[0])) == PER_PAGE < CASES
    listed = [pk for page in pages for pk in _rows(page)]
    # Every case once (the permission filter left out for these roles lost none, added none).
    assert sorted(listed) == sorted(CasePage.objects.child_of(index).values_list("pk", flat=True))


def test_the_case_rows_keep_what_an_editor_uses(client, index):
    login(client, UserFactory(role=roles.EDITOR))
    response = client.get(reverse("wagtailadmin_explore", args=[index.pk]))
    columns = list(response.context["table"].columns)
    assert columns == ["bulk_actions", "title", "latest_revision_created_at", "status"]
    case = _rows(response)[0]
    html = response.content.decode()
    for action in ("edit", "history"):  # the title link and the row's "more" menu
        assert reverse(f"wagtailadmin_pages:{action}", args=[case]) in html, action


def test_other_parents_keep_wagtails_listing(client, index):
    login(client, UserFactory(role=roles.SECRETARIAT))
    response = client.get(reverse("wagtailadmin_explore", args=[index.get_parent().pk]))
    assert response.status_code == 200
    assert "type" in response.context["table"].columns
    assert "navigate" in response.context["table"].columns
