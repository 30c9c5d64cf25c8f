from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from core.blocks import BodyBlock
from taxonomy.fields import TermField, TermListField


class KnowHowIndexPage(Page):
    """Lists know-how articles grouped by skill."""

    intro = models.TextField(_("紹介文"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["core.HomePage"]
    subpage_types = ["knowhow.KnowHowPage"]
    max_count = 1

    class Meta:
        verbose_name = _("ノウハウ一覧ページ")

    def serve(self, request, *args, **kwargs):
        from search import params

        try:
            return super().serve(request, *args, **kwargs)
        except params.BadParameter as error:  # raised by get_context: a query it cannot use
            return params.bad_request_page(request, error)

    def get_context(self, request, *args, **kwargs):
        from cases.views import PAGE_SIZE, knowhow_results, pager, run_search
        from search import params
        from search.types import SearchRequest
        from taxonomy import terms

        context = super().get_context(request, *args, **kwargs)
        # Bounded by search.params (a BadParameter becomes the 400 page, see serve).
        query = params.query_text(request.GET).strip()
        context["query"] = query
        if query:
            search, response = run_search(
                SearchRequest(
                    text=query,
                    kinds=("knowhow",),
                    page=params.page_number(request.GET, page_size=PAGE_SIZE, clamp=True),
                    page_size=PAGE_SIZE,
                    facets=False,
                )
            )
            context["results"] = knowhow_results(response.hits)
            context["total"] = response.total
            context["degraded"] = response.degraded
            context["pager"] = pager(response, search)
            return context
        articles = KnowHowPage.objects.child_of(self).live().specific().order_by("title")
        by_skill: dict[str, list] = {code: [] for code in terms.terms("skill")}
        for article in articles:
            by_skill.setdefault(article.skill, []).append(article)
        context["skills"] = [
            (code, terms.label("skill", code), items) for code, items in by_skill.items() if items
        ]
        return context


class KnowHowPage(Page):
    """Codified supporter know-how: one lesson, by skill and phase, shown by cases."""

    skill = TermField("skill", _("スキル"))
    phases = TermListField("phase", _("フェーズ"))
    summary = models.TextField(_("要約"), help_text=_("一〜二文で、何が身につくか。"))
    body = StreamField(BodyBlock(), verbose_name=_("本文"))

    search_fields = [*Page.search_fields, index.FilterField("skill")]

    content_panels = [
        *Page.content_panels,
        FieldPanel("skill"),
        FieldPanel("phases"),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("case_links", heading=_("このノウハウが表れている事例"), label=_("事例")),
    ]
    parent_page_types = ["knowhow.KnowHowIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("ノウハウ")
        verbose_name_plural = _("ノウハウ")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["cases"] = [
            link.case for link in self.case_links.filter(case__live=True).select_related("case")
        ]
        return context


class KnowHowCaseLink(Orderable):
    """A case that shows a know-how article in practice (read from both sides)."""

    knowhow = ParentalKey(KnowHowPage, related_name="case_links", on_delete=models.CASCADE)
    case = models.ForeignKey(
        "cases.CasePage",
        related_name="knowhow_links",
        on_delete=models.CASCADE,
        verbose_name=_("事例"),
    )

    panels = [FieldPanel("case")]
    # The link shows the case's title, and the case passes the publish gate itself.
    not_public_fields = {"case": "リンク先の事例（事例自身が公開チェックを通る）"}

    class Meta(Orderable.Meta):
        verbose_name = _("事例へのリンク")
        constraints = [
            models.UniqueConstraint(fields=["knowhow", "case"], name="unique_knowhow_case")
        ]
