"""The top navigation's children (home.context_processors.menu_children): the same pages, in the
same order, as Wagtail's get_children().live().in_menu(), read in one query that skips the
subtrees under the children."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from home.context_processors import menu_children

from .factories import PlainPageFactory

pytestmark = pytest.mark.django_db


def expected(root: Page) -> list[Page]:
    return list(root.get_children().live().in_menu())


def test_same_children_as_wagtail_with_subtrees_drafts_gaps_and_moves():
    tree_root = Page.get_first_root_node()
    root = PlainPageFactory(parent=tree_root)
    other = PlainPageFactory(parent=tree_root)
    first = PlainPageFactory(parent=root)
    for _ in range(3):  # a deep subtree between two children
        PlainPageFactory(parent=PlainPageFactory(parent=first))
    PlainPageFactory(parent=root, live=False)  # a draft
    PlainPageFactory(parent=root, show_in_menus=False)  # not in the menu
    gone = PlainPageFactory(parent=root)
    PlainPageFactory(parent=gone)
    last = PlainPageFactory(parent=root)
    PlainPageFactory(parent=last)
    moved = PlainPageFactory(parent=other)
    PlainPageFactory(parent=moved)
    gone.delete()  # a gap in the children's paths
    moved.move(root, pos="first-child")  # a child that came from elsewhere
    root.refresh_from_db()

    wanted = expected(root)
    assert [p.pk for p in wanted] == [moved.pk, first.pk, last.pk]
    with CaptureQueriesContext(connection) as queries:
        found = menu_children(root)
    assert [(p.pk, p.path, p.title) for p in found] == [(p.pk, p.path, p.title) for p in wanted]
    assert len(queries) == 1


def test_no_children_and_a_leaf():
    root = PlainPageFactory(parent=Page.get_first_root_node())
    assert menu_children(root) == expected(root) == []
    PlainPageFactory(parent=root, live=False)
    root.refresh_from_db()
    assert menu_children(root) == expected(root) == []


def test_the_site_navigation_lists_the_home_pages_menu_children(client):
    site = Site.objects.get(is_default_site=True)
    child = PlainPageFactory(parent=site.root_page, title="メニューの子")
    PlainPageFactory(parent=child)
    response = client.get("/", follow=True)
    titles = [item["title"] for item in response.context["nav_items"]]
    assert titles == [p.title for p in expected(site.root_page)]
    assert "メニューの子" in titles
