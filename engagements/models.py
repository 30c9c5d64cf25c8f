"""Engagements (伴走支援案件), their team, visits, the written records and files of each visit."""

import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel

from accounts.models import Organisation
from uploads.storage import generated_path, private_storage


class Engagement(ClusterableModel):
    """One company supported by one team across a series of visits."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("支援中")
        CLOSED = "closed", _("終了")

    code = models.CharField(_("案件番号"), max_length=20, unique=True)
    title = models.CharField(_("案件名"), max_length=200)
    company = models.ForeignKey(
        Organisation,
        verbose_name=_("派遣先企業"),
        on_delete=models.PROTECT,
        related_name="company_engagements",
        limit_choices_to={"kind": Organisation.Kind.COMPANY},
    )
    requesting_body = models.ForeignKey(
        Organisation,
        verbose_name=_("要請機関"),
        on_delete=models.PROTECT,
        related_name="requested_engagements",
        limit_choices_to={"kind": Organisation.Kind.REQUESTING_BODY},
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    started_on = models.DateField(_("支援開始日"), null=True, blank=True)
    # Names a case must not carry besides the registered ones: 屋号, brands, products, the name
    # the town uses. They block publication like the company's own name.
    other_names = models.TextField(
        _("屋号・ブランド名・商品名"),
        blank=True,
        help_text=_(
            "事例に書かれると企業が分かってしまう名前を 1 行に 1 つ（例: 屋号、ブランド名、"
            "看板商品の名前、地元での呼び名）。事例の公開前チェックで使います。"
        ),
    )
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    panels = [
        FieldPanel("code"),
        FieldPanel("title"),
        FieldPanel("company"),
        FieldPanel("requesting_body"),
        FieldPanel("status"),
        FieldPanel("started_on"),
        FieldPanel("other_names"),
        InlinePanel("members", label=_("支援チームのメンバー")),
    ]

    class Meta:
        verbose_name = _("伴走支援案件")
        verbose_name_plural = _("伴走支援案件")
        ordering = ["-started_on", "code"]

    def __str__(self):
        return f"{self.code} {self.title}"

    def activity_plan(self) -> "Record | None":
        return self.records.filter(kind=Record.Kind.ACTIVITY_PLAN).first()


class EngagementMember(models.Model):
    """A person's place in an engagement; what they may see is scoped by these rows."""

    class Role(models.TextChoices):
        SUPPORTER = "supporter", _("伴走支援員")
        REQUESTING_BODY = "requesting_body", _("実施機関")
        SUPPORT_MEMBER = "support_member", _("サポートメンバー")
        COMPANY_CONTACT = "company_contact", _("派遣先企業担当者")

    engagement = ParentalKey(Engagement, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="engagement_roles"
    )
    role = models.CharField(_("チームでの役割"), max_length=20, choices=Role.choices)

    panels = [FieldPanel("user"), FieldPanel("role")]

    class Meta:
        verbose_name = _("支援チームのメンバー")
        verbose_name_plural = _("支援チームのメンバー")
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "user", "role"], name="unique_engagement_member_role"
            )
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.user}"


class Visit(models.Model):
    """One visit of the team to the company (第 n 回訪問)."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="visits")
    number = models.PositiveSmallIntegerField(_("訪問回"))
    scheduled_on = models.DateField(_("訪問日"), null=True, blank=True)

    class Meta:
        verbose_name = _("訪問")
        verbose_name_plural = _("訪問")
        ordering = ["engagement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "number"], name="unique_visit_number")
        ]

    def __str__(self):
        return _("第%(number)s回訪問") % {"number": self.number}


class Record(models.Model):
    """A written record: the activity plan, or a visit's pre-visit plan or report.

    The content lives in its versions; every save adds one, so earlier texts can be compared.
    """

    class Kind(models.TextChoices):
        ACTIVITY_PLAN = "activity_plan", _("活動計画")
        VISIT_PLAN = "visit_plan", _("訪問支援事前計画")
        VISIT_REPORT = "visit_report", _("訪問支援実施報告")

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="records")
    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="records", null=True, blank=True
    )
    kind = models.CharField(_("種類"), max_length=20, choices=Kind.choices)
    # The number of the newest version; saves are refused when the editor started from an
    # older one (optimistic concurrency, no lost updates).
    version = models.PositiveIntegerField(_("版"), default=0)

    class Meta:
        verbose_name = _("記録")
        verbose_name_plural = _("記録")
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "kind"],
                condition=Q(visit__isnull=False),
                name="unique_record_per_visit",
            ),
            models.UniqueConstraint(
                fields=["engagement", "kind"],
                condition=Q(visit__isnull=True),
                name="unique_record_per_engagement",
            ),
            models.CheckConstraint(
                condition=Q(kind="activity_plan", visit__isnull=True)
                | (~Q(kind="activity_plan") & Q(visit__isnull=False)),
                name="record_kind_matches_owner",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}（{self.visit or self.engagement}）"

    def current(self) -> "RecordVersion | None":
        return self.versions.filter(number=self.version).first()


class RecordVersion(models.Model):
    """One saved state of a record, never changed afterwards."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版"))
    data = models.JSONField(_("内容"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("保存した人"), null=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("保存日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("記録の版")
        verbose_name_plural = _("記録の版")
        ordering = ["record", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["record", "number"], name="unique_record_version")
        ]

    def __str__(self):
        return _("第%(number)s版") % {"number": self.number}


def name_key(name: str) -> str:
    """Two uploads are versions of one file when their names match after NFKC and case folding."""
    return unicodedata.normalize("NFKC", name).casefold()


class Attachment(models.Model):
    """A file of a visit (photo, spreadsheet, document); same name again = a newer version."""

    class Slot(models.TextChoices):
        VISIT_PLAN = "visit_plan", _("訪問支援事前計画")
        VISIT_REPORT = "visit_report", _("訪問支援実施報告")

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="attachments")
    slot = models.CharField(_("添付先"), max_length=20, choices=Slot.choices)
    name = models.CharField(_("ファイル名"), max_length=120)
    name_key = models.CharField(max_length=120, editable=False)
    version = models.PositiveIntegerField(_("版"), default=1)
    kind = models.CharField(_("形式"), max_length=10)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField(_("サイズ"))
    sha256 = models.CharField(max_length=64)
    file = models.FileField(storage=private_storage, upload_to=generated_path, max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("アップロードした人"),
        null=True,
        on_delete=models.SET_NULL,
    )
    uploaded_at = models.DateTimeField(_("アップロード日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("添付ファイル")
        verbose_name_plural = _("添付ファイル")
        ordering = ["visit", "slot", "name_key", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "slot", "name_key", "version"], name="unique_attachment_version"
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)

    @property
    def is_image(self) -> bool:
        return self.kind == "image"

    def is_latest(self) -> bool:
        return not Attachment.objects.filter(
            visit_id=self.visit_id,
            slot=self.slot,
            name_key=self.name_key,
            version__gt=self.version,
        ).exists()


class Comment(models.Model):
    """A message in a visit's thread between supporters, support member and secretariat."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("投稿者"), null=True, on_delete=models.SET_NULL
    )
    body = models.TextField(_("コメント"), max_length=4000)
    created_at = models.DateTimeField(_("投稿日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("コメント")
        verbose_name_plural = _("コメント")
        ordering = ["visit", "created_at"]

    def __str__(self):
        return self.body[:40]
