from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page

from accounts.roles import SECRETARIAT, TRAINER, TRAINER_NOTE_READERS, has_any_role

# Who composes case packs and downloads them: trainers, and the secretariat that runs the
# training programme. Nobody else sees a pack (the trainer's edition carries trainer notes).
PACK_MAKERS = frozenset({TRAINER, SECRETARIAT})


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
        context["can_make_packs"] = has_any_role(request.user, PACK_MAKERS)
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


class CasePack(models.Model):
    """Course material a trainer composes from one unit, downloaded as a print-ready PDF.

    The pack holds the trainer's choices and words only (which cases and know-how, questions,
    notes); the content itself is read from the live pages each time the PDF is made, through
    the publish gate (training.packs), so an unpublished or changed page never goes out stale.
    """

    unit = models.ForeignKey(
        CurriculumUnitPage,
        on_delete=models.CASCADE,
        related_name="case_packs",
        verbose_name=_("研修ユニット"),
    )
    title = models.CharField(_("パックの名前"), max_length=120)
    questions = models.TextField(
        _("全体の討議の問い"),
        blank=True,
        help_text=_("1 行に 1 つ。すべての事例を読んだあとに話し合う問いです。"),
    )
    trainer_notes = models.TextField(
        _("講師メモ"),
        blank=True,
        help_text=_("講師用の版だけに載ります。進め方や時間配分など。"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("作成者"),
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("ケースパック")
        verbose_name_plural = _("ケースパック")
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def question_list(self) -> list[str]:
        return [q.strip() for q in self.questions.splitlines() if q.strip()]


class CasePackItem(models.Model):
    """One case or know-how article of a pack, in reading order, with its questions and notes."""

    pack = models.ForeignKey(CasePack, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("順番"))
    case = models.ForeignKey(
        "cases.CasePage",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("事例"),
    )
    knowhow = models.ForeignKey(
        "knowhow.KnowHowPage",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("ノウハウ"),
    )
    questions = models.TextField(_("討議の問い"), blank=True, help_text=_("1 行に 1 つ。"))
    trainer_notes = models.TextField(
        _("講師メモ"), blank=True, help_text=_("講師用の版だけに載ります。")
    )

    class Meta:
        verbose_name = _("ケースパックの教材")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(case__isnull=False, knowhow__isnull=True)
                | models.Q(case__isnull=True, knowhow__isnull=False),
                name="case_pack_item_case_xor_knowhow",
            ),
            models.UniqueConstraint(fields=["pack", "case"], name="unique_case_pack_case"),
            models.UniqueConstraint(fields=["pack", "knowhow"], name="unique_case_pack_knowhow"),
        ]

    def __str__(self) -> str:
        return f"{self.pack_id}:{self.position}"

    def clean(self):
        if bool(self.case_id) == bool(self.knowhow_id):
            raise ValidationError(_("事例かノウハウのどちらか一方を選んでください。"))

    @property
    def question_list(self) -> list[str]:
        return [q.strip() for q in self.questions.splitlines() if q.strip()]
