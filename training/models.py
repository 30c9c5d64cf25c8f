from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page

from accounts.roles import TRAINER_NOTE_READERS, has_any_role


class CurriculumIndexPage(Page):
    """Lists the training curricula."""

    intro = models.TextField(_("紹介文"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["training.CurriculumPage"]
    max_count = 1

    class Meta:
        verbose_name = _("研修カリキュラム一覧ページ")


class CurriculumPage(Page):
    """A training curriculum made of ordered units (e.g. スキルⅠ〜Ⅳ and the case course)."""

    intro = models.TextField(_("概要（Markdown）"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["training.CurriculumIndexPage"]
    subpage_types = ["training.CurriculumUnitPage"]

    class Meta:
        verbose_name = _("研修カリキュラム")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["units"] = CurriculumUnitPage.objects.child_of(self).live().specific()
        return context


class CurriculumUnitPage(Page):
    """One unit: objectives, linked cases with discussion questions, know-how, trainer notes."""

    objectives = StreamField(
        [("objective", blocks.CharBlock(label=_("学習目標")))], verbose_name=_("学習目標")
    )
    description = models.TextField(_("内容（Markdown）"), blank=True)
    trainer_notes = models.TextField(
        _("講師メモ（Markdown）"),
        blank=True,
        help_text=_("研修講師と事務局だけに表示されます。進め方や時間配分、つまずきやすい点など。"),
    )

    # Trainer notes are shown only to trainers and the secretariat (TRAINER_NOTE_READERS).
    not_public_fields = {"trainer_notes": "研修講師と事務局だけに表示される講師メモ"}

    content_panels = [
        *Page.content_panels,
        FieldPanel("objectives"),
        FieldPanel("description"),
        InlinePanel("items", heading=_("教材（順番どおりに扱います）"), label=_("教材")),
        FieldPanel("trainer_notes"),
    ]
    parent_page_types = ["training.CurriculumPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("研修ユニット")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["items"] = self.items.select_related("case", "knowhow")
        context["can_read_trainer_notes"] = has_any_role(request.user, TRAINER_NOTE_READERS)
        return context


class CurriculumItem(Orderable):
    """A case (with discussion questions) or a know-how article used in a unit."""

    unit = ParentalKey(CurriculumUnitPage, related_name="items", on_delete=models.CASCADE)
    case = models.ForeignKey(
        "cases.CasePage",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="curriculum_items",
        verbose_name=_("事例"),
    )
    knowhow = models.ForeignKey(
        "knowhow.KnowHowPage",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="curriculum_items",
        verbose_name=_("ノウハウ"),
    )
    questions = models.TextField(
        _("討議の問い"), blank=True, help_text=_("1 行に 1 つ。事例を扱うときに使います。")
    )

    panels = [FieldPanel("case"), FieldPanel("knowhow"), FieldPanel("questions")]
    # The linked pages show their own titles and pass the publish gate themselves.
    not_public_fields = {
        "case": "リンク先の事例（事例自身が公開チェックを通る）",
        "knowhow": "リンク先のノウハウ（ノウハウ自身が公開チェックを通る）",
    }

    class Meta(Orderable.Meta):
        verbose_name = _("教材")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(case__isnull=False, knowhow__isnull=True)
                | models.Q(case__isnull=True, knowhow__isnull=False),
                name="curriculum_item_case_xor_knowhow",
            )
        ]

    def clean(self):
        if bool(self.case_id) == bool(self.knowhow_id):
            raise ValidationError(_("事例かノウハウのどちらか一方を選んでください。"))

    @property
    def question_list(self) -> list[str]:
        return [q.strip() for q in self.questions.splitlines() if q.strip()]
