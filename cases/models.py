import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail import blocks
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.blocks.base import BlockWidget
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from core.blocks import BodyBlock
from search import params
from taxonomy import terms
from taxonomy.fields import TermField, TermListField

EXTERNAL_ID_VALIDATOR = RegexValidator(
    r"^[a-z0-9-]{1,64}$", _("英小文字・数字・ハイフンで 1〜64 文字にしてください。")
)
YEAR_MONTH_VALIDATOR = RegexValidator(
    r"^\d{4}-(0[1-9]|1[0-2])$", _("YYYY-MM の形式（例: 2024-07）で入力してください。")
)


def new_external_id() -> str:
    return f"case-{secrets.token_hex(4)}"


class CaseIndexPage(Page):
    """The case library: lists published cases with filters."""

    intro = models.TextField(_("紹介文"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["cases.CasePage"]
    max_count = 1

    class Meta:
        verbose_name = _("事例一覧ページ")

    def serve(self, request, *args, **kwargs):
        try:
            return super().serve(request, *args, **kwargs)
        except params.BadParameter as error:  # raised by get_context: a query it cannot use
            return params.bad_request_page(request, error)

    # What the list shows: views.case_list_context(request, page), set by CasesConfig.ready().
    # views.py reads the cases through selectors.py, which imports this module, so this module
    # does not import views.py.
    list_context = None

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(self.list_context(request, self))
        return context


class CaseTag(TaggedItemBase):
    content_object = ParentalKey(
        "cases.CasePage", related_name="tagged_items", on_delete=models.CASCADE
    )


# Block definitions as the editor's JavaScript receives them, per (block, language): see
# share_block_definitions.
_BLOCK_DEFINITIONS: dict[tuple[int, str], tuple] = {}


def share_block_definitions(form_class) -> None:
    """Builds each StreamField's block definition once per process instead of once per form.

    Wagtail serialises the definition of a StreamField's blocks (labels, help texts, the widgets'
    HTML) into every form that shows the field: the case editor did it for key_points and again
    for every phase and the empty phase template, a sixth of the editor's time. The definition
    depends only on the block and the language, so it is built once for each and set on the
    form classes' widgets; the copies Django makes for each form share it. Form classes are built
    per request, the blocks (the model fields' stream_block) live as long as the process.
    """
    classes = [
        form_class,
        *(formset.form for formset in getattr(form_class, "formsets", {}).values()),
    ]
    language = get_language() or ""
    for cls in classes:
        for field in cls.base_fields.values():
            widget = field.widget
            if not isinstance(widget, BlockWidget) or widget._block_json is not None:
                continue
            key = (id(widget.block_def), language)
            if key not in _BLOCK_DEFINITIONS:
                _BLOCK_DEFINITIONS[key] = (widget.block_def, widget.js_context, widget.block_json)
            # The entry keeps the block alive, so no other block can be given its id.
            _block, widget._js_context, widget._block_json = _BLOCK_DEFINITIONS[key]


class CasePageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        share_block_definitions(type(self))
        super().__init__(*args, **kwargs)
        # A callable default makes Django compare the id with a hidden "initial-" input that
        # Wagtail's panel does not render, so every save counted as an edit of the id; with
        # re-approval on edit, approving from the editor then restarted the workflow.
        self.fields["external_id"].show_hidden_initial = False


class CasePage(Page):
    """An anonymised support case, structured by the guideline's phases."""

    external_id = models.CharField(
        _("事例ID"),
        max_length=64,
        unique=True,
        default=new_external_id,
        validators=[EXTERNAL_ID_VALIDATOR],
        help_text=_("一括入出力で使う不変の ID（例: bsp-0001）。"),
    )
    subtitle = models.CharField(_("サブタイトル"), max_length=200, blank=True)
    lead = models.TextField(_("リード文"), help_text=_("事例の要約を一〜三文で。"))
    hashtags = ClusterTaggableManager(through=CaseTag, blank=True, verbose_name=_("ハッシュタグ"))

    # 基礎情報 (company profile, as bands, never identifying)
    industry = TermField("industry", _("業種"))
    region = TermField("region", _("地域"))
    prefecture = TermField("prefecture", _("都道府県"), blank=True)
    employees = TermField("employees", _("組織規模（従業員数）"))
    sales = TermField("sales", _("売上規模"), blank=True)
    owner_type = TermField("owner_type", _("経営者属性"), blank=True)
    owner_age = TermField("owner_age", _("経営者年齢"), blank=True)
    sales_trend = TermField("trend", _("売上高の傾向"), blank=True)
    profit_trend = TermField("trend", _("経常利益率の傾向"), blank=True)
    offices_outside_prefecture = models.BooleanField(_("県外の事業所"), null=True, blank=True)
    overseas_presence = models.BooleanField(_("海外の事業所"), null=True, blank=True)

    # Typology
    scale_phase = TermField("scale_phase", _("規模×局面"), blank=True)
    vision_articulated = models.BooleanField(
        _("理念・ビジョンの言語化"),
        null=True,
        blank=True,
        help_text=_("経営者が理念・ビジョンを自ら言語化したことがあるか。"),
    )
    approach = TermField("approach", _("アプローチ"), blank=True)

    # The support
    requesting_body = TermField("requesting_body", _("要請機関"), blank=True)
    supporter_type = TermField("supporter_type", _("支援者のタイプ"), blank=True)
    visits = models.PositiveSmallIntegerField(
        _("訪問回数"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    started = models.CharField(
        _("支援開始"), max_length=7, blank=True, validators=[YEAR_MONTH_VALIDATOR]
    )
    ended = models.CharField(
        _("支援終了"), max_length=7, blank=True, validators=[YEAR_MONTH_VALIDATOR]
    )

    key_points = StreamField(
        [("point", blocks.TextBlock(label=_("ポイント")))],
        blank=True,
        verbose_name=_("本事例のポイント"),
    )
    background = models.TextField(_("当社の背景"), blank=True)
    outcomes = models.TextField(_("支援の結果"), blank=True)
    # The engagement a draft was made from (never shown): its names must not be published.
    source_engagement = models.ForeignKey(
        "engagements.Engagement",
        verbose_name=_("元の伴走支援案件"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="case_drafts",
    )
    published_on = models.DateField(
        _("公開日"),
        null=True,
        blank=True,
        help_text=_("事例として公開した日。空なら初回公開時の日付を表示します。"),
    )

    # Never shown; the publish gate reads every other field (publishing.public_text).
    not_public_fields = {
        "source_engagement": "元の案件（公開されない内部の参照。名前の照合にだけ使う）",
    }

    # Wagtail's search serves the admin only; the public search has its own index (search/).
    search_fields = [*Page.search_fields, index.FilterField("industry")]

    # publishing/ puts its anonymisation check at the top of this list (PublishingConfig.ready):
    # publication is a layer above the cases, which do not import it.
    content_panels = [
        *Page.content_panels,
        FieldPanel("subtitle"),
        FieldPanel("lead"),
        FieldPanel("hashtags"),
        InlinePanel("sections", heading=_("フェーズごとの経過"), label=_("フェーズ"), min_num=1),
        FieldPanel("key_points"),
        FieldPanel("background"),
        FieldPanel("outcomes"),
        InlinePanel("updates", heading=_("公開後のフォローアップ"), label=_("更新")),
    ]
    profile_panels = [
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("industry"), FieldPanel("employees"), FieldPanel("sales")]
                ),
                FieldRowPanel([FieldPanel("region"), FieldPanel("prefecture")]),
                FieldRowPanel([FieldPanel("owner_type"), FieldPanel("owner_age")]),
                FieldRowPanel([FieldPanel("sales_trend"), FieldPanel("profit_trend")]),
                FieldRowPanel(
                    [FieldPanel("offices_outside_prefecture"), FieldPanel("overseas_presence")]
                ),
            ],
            heading=_("基礎情報"),
        ),
        MultiFieldPanel(
            [FieldPanel("scale_phase"), FieldPanel("vision_articulated"), FieldPanel("approach")],
            heading=_("類型"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("requesting_body"), FieldPanel("supporter_type")]),
                FieldRowPanel([FieldPanel("visits"), FieldPanel("started"), FieldPanel("ended")]),
            ],
            heading=_("支援の概要"),
        ),
    ]
    promote_panels = [FieldPanel("external_id"), FieldPanel("published_on"), *Page.promote_panels]

    base_form_class = CasePageForm
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("内容")),
            ObjectList(profile_panels, heading=_("基礎情報")),
            ObjectList(promote_panels, heading=_("公開設定")),
            ObjectList(Page.settings_panels, heading=_("設定")),
        ]
    )

    parent_page_types = ["cases.CaseIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("支援事例")
        verbose_name_plural = _("支援事例")
        # The public pages read these without the rest of the (long) rows: the newest cases
        # (selectors.newest), the k rule's peers (industry and prefecture) and the related cases
        # when the search engine has none (same industry, or same scale phase and region).
        # Without them each was a scan of every case.
        indexes = [
            models.Index(fields=["published_on"], name="cases_published_on_idx"),
            models.Index(fields=["industry", "prefecture"], name="cases_industry_pref_idx"),
            models.Index(fields=["scale_phase", "region"], name="cases_scale_region_idx"),
        ]

    def clean(self):
        super().clean()
        errors = {}
        if self.prefecture and self.region:
            info = terms.terms("prefecture").get(self.prefecture)
            if info and info.parent != self.region:
                errors["prefecture"] = _("都道府県が地域「%(region)s」に含まれていません。") % {
                    "region": terms.label("region", self.region)
                }
        if self.started and self.ended and self.started > self.ended:
            errors["ended"] = _("支援終了は支援開始と同じか、それより後の年月にしてください。")
        if errors:
            raise ValidationError(errors)

    @property
    def display_date(self):
        if self.published_on:
            return self.published_on
        # The date in Japan (TIME_ZONE): a case approved at 16:00 UTC is published the next day.
        return timezone.localdate(self.first_published_at) if self.first_published_at else None

    # --- what the public learns of where the company is (k rule, docs/security.md) ----------

    def prefecture_peers(self) -> int:
        """Published cases with this case's industry and prefecture, this one counted as if
        published (it is what the count will be once it is)."""
        if not self.prefecture or not self.industry:
            return 0
        others = (
            CasePage.objects.live()
            .filter(industry=self.industry, prefecture=self.prefecture)
            .exclude(pk=self.pk)
            .count()
        )
        return others + 1

    @cached_property
    def public_prefecture(self) -> str:
        """The prefecture code the public may see, or "".

        The region is the default (as on the agency's platform). The prefecture is shown only
        when the secretariat allowed it for this case (PrefectureDisclosure) and, at the moment
        of rendering or indexing, at least settings.CASE_PREFECTURE_K published cases share the
        industry and the prefecture: an unpublished peer hides it again without anyone acting.
        """
        if not self.prefecture or not self.pk:
            return ""
        if not PrefectureDisclosure.objects.filter(case_id=self.pk).exists():
            return ""
        return self.prefecture if self.prefecture_peers() >= settings.CASE_PREFECTURE_K else ""

    @property
    def public_area(self) -> str:
        """Where the company is, as the public page and the search document say it:
        「北陸」 by default, 「北陸（石川県）」 only where public_prefecture allows."""
        region = terms.label("region", self.region)
        if self.public_prefecture:
            return f"{region}（{terms.label('prefecture', self.public_prefecture)}）"
        return region

    @cached_property
    def tools(self) -> list[str]:
        """Tool codes used anywhere in the engagement, in first-use order."""
        seen: dict[str, None] = {}
        for section in self.sections.all():
            seen.update(dict.fromkeys(section.tools))
        return list(seen)

    @cached_property
    def phases(self) -> list[str]:
        return list(dict.fromkeys(s.phase for s in self.sections.all()))

    # What the page shows beside its fields: views.case_detail_context(page), set by
    # CasesConfig.ready() (as CaseIndexPage.list_context).
    detail_context = None

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(self.detail_context(self))
        return context


class CaseSection(Orderable):
    """One step of the engagement: a phase, what happened, and the tools used."""

    page = ParentalKey(CasePage, related_name="sections", on_delete=models.CASCADE)
    phase = TermField("phase", _("フェーズ"))
    heading = models.CharField(_("見出し"), max_length=200)
    body = StreamField(BodyBlock(), verbose_name=_("本文"))
    tools = TermListField("tool", _("使ったツール"))

    panels = [FieldPanel("phase"), FieldPanel("heading"), FieldPanel("body"), FieldPanel("tools")]

    class Meta(Orderable.Meta):
        verbose_name = _("フェーズ")

    def markdown_text(self) -> str:
        """The Markdown paragraphs of the body (what the interchange format carries)."""
        return "\n\n".join(block.value for block in self.body if block.block_type == "text")


class CaseUpdate(Orderable):
    """A dated note added after publication (how the company is doing now)."""

    page = ParentalKey(CasePage, related_name="updates", on_delete=models.CASCADE)
    date = models.DateField(_("日付"))
    body = models.TextField(_("内容"))

    panels = [FieldPanel("date"), FieldPanel("body")]

    class Meta(Orderable.Meta):
        verbose_name = _("フォローアップ")


class PrefectureDisclosure(models.Model):
    """The secretariat's permission to show a case's prefecture (the k rule still applies at every
    rendering: CasePage.public_prefecture). Kept outside the page so a revision cannot carry it."""

    case = models.OneToOneField(
        CasePage, on_delete=models.CASCADE, related_name="prefecture_disclosure"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("都道府県の公開許可")
        verbose_name_plural = _("都道府県の公開許可")

    def __str__(self):
        return str(self.case_id)
