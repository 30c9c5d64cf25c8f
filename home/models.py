"""The site's own pages: the front page and the plain pages (about, help)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from cases import selectors
from cases.models import CaseIndexPage
from knowhow.models import KnowHowPage
from search import service
from search.types import SearchRequest
from taxonomy import terms


class HomePage(Page):
    """The front page: newest cases and ways in by phase, industry and tool."""

    intro = models.TextField(_("紹介文"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cases.CaseIndexPage",
        "knowhow.KnowHowIndexPage",
        "training.CurriculumIndexPage",
        "home.StandardPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("トップページ")
        db_table = "core_homepage"  # the table of its first home, core/ (home/migrations/0001)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        cases = selectors.published_cases()
        context["new_cases"] = list(selectors.with_list_data(selectors.newest(cases, limit=6)))
        context["case_index"] = CaseIndexPage.objects.live().first()
        industry_counts = published_per_industry()
        context["industries"] = [
            (code, info.label, industry_counts[code])
            for code, info in terms.terms("industry").items()
            if code in industry_counts
        ]
        context["phases"] = list(terms.terms("phase").values())
        context["tools"] = list(terms.terms("tool").values())
        context["new_knowhow"] = list(
            KnowHowPage.objects.live().public().order_by("-first_published_at")[:4]
        )
        return context


def published_per_industry() -> dict[str, int]:
    """Published cases per industry code: the search engine's facet counts, which the case list
    shows for the same links (「業種から探す」 leads there). Counting them in the database joined
    every case to its page row (about 10 ms at 10,000 cases, the home page's costliest query);
    the engine counts them from a column of its own in about 1 ms. When the engine cannot
    answer, service.search counts them in the database (and the page is not cached)."""
    response = service.search(SearchRequest(kinds=("case",), page_size=1, highlight=False))
    return {f.value: f.count for f in response.facets.get("industry", ()) if f.count}


class StandardPage(Page):
    """A plain page for help and about texts."""

    body = models.TextField(_("本文（Markdown）"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("標準ページ")
        db_table = "core_standardpage"  # as HomePage's
