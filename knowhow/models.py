from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from core.blocks import BodyBlock
from search import params
from taxonomy.fields import TermField, TermListField


class KnowHowIndexPage(Page):
    """Lists know-how articles grouped by skill."""

    intro = models.TextField(_("紹介文"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["knowhow.KnowHowPage"]
    max_count = 1

    class Meta:
        verbose_name = _("ノウハウ一覧ページ")

    def serve(self, request, *args, **kwargs):
        try:
            return super().serve(request, *args, **kwargs)
        except params.BadParameter as error:  # raised by get_context: a query it cannot use
            return params.bad_request_page(request, error)

    # What the list shows: views.knowhow_list_context(request, page), set by KnowhowConfig.ready()
    # (views.py imports this module, so this module does not import views.py).
    list_context = None

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(self.list_context(request, self))
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
