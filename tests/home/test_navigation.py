"""The top navigation's children (home.context_processors.menu_children): the same pages, in the
same order, as Wagtail's get_children().live().in_menu(), read in one query that skips the
subtrees under the children."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from home.context_processors import menu_children, site_navigation

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


def sqlite_steps(func) -> int:
    """SQLite virtual-machine steps (in hundreds) that func() makes the database run."""
    steps = [0]

    def count():
        steps[0] += 1
        return 0

    connection.ensure_connection()
    connection.connection.set_progress_handler(count, 100)
    try:
        func()
    finally:
        connection.connection.set_progress_handler(None, 100)
    return steps[0]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="counts SQLite's steps")
def test_the_navigation_does_not_read_the_pages_under_the_menu_pages(rf):
    """The defect: get_children() walked every descendant of the home page (10,000 cases) on
    every public page. The database work must not grow with the pages under a menu page."""
    site = Site.objects.get(is_default_site=True)
    section = PlainPageFactory(parent=site.root_page)

    def navigation():
        request = rf.get("/")
        assert any(item["title"] == section.title for item in site_navigation(request)["nav_items"])

    navigation()
    few = sqlite_steps(navigation)
    for _ in range(120):
        PlainPageFactory(parent=section, live=False, show_in_menus=False)
    navigation()
    many = sqlite_steps(navigation)
    assert many <= few + 2, (few, many)
