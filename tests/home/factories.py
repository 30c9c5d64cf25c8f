"""Plain Wagtail pages for tree tests (the navigation's children)."""

import factory
from wagtail.models import Page

from tests.factories import PageFactory


class PlainPageFactory(PageFactory):
    """A plain Page under `parent` (required); show_in_menus as given."""

    class Meta:
        model = Page

    title = factory.Sequence(lambda n: f"ページ{n}")
    slug = factory.Sequence(lambda n: f"plain-page-{n}")
    show_in_menus = True
