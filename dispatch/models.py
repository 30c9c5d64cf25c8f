"""The secretariat's registry of 伴走支援員 and the dispatch requests (派遣依頼書).

Both mirror the interchange format of docs/registry-format.md field by field, so that export →
import → export gives the same objects. This is personal data: never indexed, never public, seen
only by the secretariat and the agency (a supporter sees and edits their own 任意登録情報).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from engagements.models import Engagement
from taxonomy.fields import TermField
from taxonomy.vocabularies import Vocabulary
from uploads.storage import generated_path, private_storage

ID_PATTERN = r"^[a-z0-9-]{1,64}$"
external_id_validator = RegexValidator(
    ID_PATTERN, _("半角英小文字・数字・ハイフンで 64 文字以内にしてください。")
)


class Supporter(models.Model):
    """One 伴走支援員 of the registry (the row of supporters.jsonl)."""

    class Category(models.IntegerChoices):
        EXPERIENCED = 1, _("区分1（経験豊富・協会長推薦）")
        GROWING = 2, _("区分2（成長期待・都道府県協会推薦）")

    class Travel(models.TextChoices):
        OWN_PREFECTURE = "own-prefecture", _("自県のみ")
        NEIGHBOURING = "neighbouring", _("近隣の都道府県まで")
        ANYWHERE = "anywhere", _("全国どこでも")

    external_id = models.CharField(
        _("支援員 ID"), max_length=64, unique=True, validators=[external_id_validator]
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ログインアカウント"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supporter_profile",
    )
    name = models.CharField(_("氏名"), max_length=100)
    email = models.EmailField(_("メールアドレス"), unique=True)
    category = models.PositiveSmallIntegerField(_("区分"), choices=Category.choices)
    recommended_by = TermField(Vocabulary.REQUESTING_BODY, verbose_name=_("推薦機関"))
    home_prefecture = TermField(Vocabulary.PREFECTURE, verbose_name=_("拠点の都道府県"))
    travel = models.CharField(_("移動範囲"), max_length=20, choices=Travel.choices)
    qualifications = models.JSONField(_("保有資格"), default=list, blank=True)
    # course slug → not-registered / registered / completed (dispatch/conf.py lists the courses)
    training = models.JSONField(_("研修の受講状況"), default=dict, blank=True)
    supporter_type = models.PositiveSmallIntegerField(
        _("特性タイプ"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 = ゼネラリスト型 … 5 = 専門特化型"),
    )
    max_engagements = models.PositiveSmallIntegerField(
        _("同時に担当できる案件数"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    # Lists of objects exactly as in the format (dispatch/interchange.py validates them).
    experience = models.JSONField(_("支援経験"), default=list, blank=True)
    conflicts = models.JSONField(_("競業避止"), default=list, blank=True)
    relationships = models.JSONField(_("関係性"), default=list, blank=True)
    motto = models.TextField(_("支援に対する考え方・モットー"), blank=True, max_length=2000)
    # The secretariat's interview notes: never shown to the supporter or the requesting body.
    notes = models.TextField(_("事務局の面談メモ"), blank=True, max_length=4000)
    # When the secretariat last mailed them about missing courses (the training list shows it).
    training_reminded_at = models.DateTimeField(
        _("研修のお願いを送った日時"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("伴走支援員")
        verbose_name_plural = _("伴走支援員")
        ordering = ["external_id"]

    def __str__(self):
        return f"{self.name}（{self.external_id}）"


class DispatchRequest(models.Model):
    """One 伴走支援員派遣依頼書 (the row of requests.jsonl) and where it stands."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("受付")
        SELECTING = "selecting", _("候補選定")
        ASKING = "asking", _("打診中")
        DECIDED = "decided", _("決定")
        ENGAGED = "engaged", _("案件化")
        WITHDRAWN = "withdrawn", _("取下げ")

    class Approach(models.TextChoices):
        ISSUE_SETTING = "issue-setting", _("課題設定型（ゼネラリスト型が合う）")
        ISSUE_SOLVING = "issue-solving", _("課題解決型（専門特化型が合う）")

    external_id = models.CharField(
        _("依頼 ID"), max_length=64, unique=True, validators=[external_id_validator]
    )
    received = models.DateField(_("受付日"))
    status = models.CharField(
        _("状態"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    # The company as the requesting body described it (company.* of the format).
    company_id = models.CharField(
        _("企業 ID"), max_length=64, validators=[external_id_validator], db_index=True
    )
    company_name = models.CharField(_("企業名"), max_length=200)
    industry = TermField(Vocabulary.INDUSTRY, verbose_name=_("業種"))
    prefecture = TermField(Vocabulary.PREFECTURE, verbose_name=_("所在地の都道府県"))
    employees = TermField(Vocabulary.EMPLOYEES, verbose_name=_("従業員数"))
    sales = TermField(Vocabulary.SALES, verbose_name=_("売上規模"), blank=True)
    owner_type = TermField(Vocabulary.OWNER_TYPE, verbose_name=_("経営者属性"), blank=True)
    owner_age = TermField(Vocabulary.OWNER_AGE, verbose_name=_("経営者年齢"), blank=True)
    # The requesting body (requesting_body.* of the format).
    body_id = models.CharField(
        _("要請機関 ID"), max_length=64, validators=[external_id_validator], db_index=True
    )
    body_kind = TermField(Vocabulary.REQUESTING_BODY, verbose_name=_("要請機関の種別"))
    body_prefecture = TermField(Vocabulary.PREFECTURE, verbose_name=_("要請機関の都道府県"))
    approach = models.CharField(_("支援のアプローチ"), max_length=20, choices=Approach.choices)
    needs = models.TextField(_("支援ニーズ"), max_length=4000)
    desired = models.TextField(
        _("派遣される支援員に求めるスキル・経験"), blank=True, max_length=2000
    )
    exclude = models.JSONField(_("派遣を避けたい支援員"), default=list, blank=True)
    # Names the requesting body typed that matched no supporter: for the secretariat to resolve.
    exclude_note = models.TextField(_("派遣を避けたい支援員（未照合の氏名）"), blank=True)
    consent_signed = models.DateField(_("同意書の署名日"), null=True, blank=True)
    # The signed 同意書: a private upload (uploads.validation), served only through a view.
    consent_file = models.FileField(
        _("同意書（署名済み）"),
        storage=private_storage,
        upload_to=generated_path,
        max_length=200,
        blank=True,
    )
    consent_file_name = models.CharField(_("同意書のファイル名"), max_length=120, blank=True)
    consent_content_type = models.CharField(max_length=120, blank=True)
    # Who submitted it through the form (empty when the secretariat imported it).
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出した人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dispatch_requests",
    )
    chosen = models.ManyToManyField(
        Supporter, verbose_name=_("決定した支援員"), blank=True, related_name="chosen_for"
    )
    engagement = models.OneToOneField(
        Engagement,
        verbose_name=_("伴走支援案件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dispatch_request",
    )
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("派遣依頼")
        verbose_name_plural = _("派遣依頼")
        ordering = ["-received", "external_id"]

    def __str__(self):
        return f"{self.external_id} {self.company_name}"


# Which status may follow which: the steps of the secretariat's work, and 取下げ at any time
# before the engagement exists.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    DispatchRequest.Status.RECEIVED: (
        DispatchRequest.Status.SELECTING,
        DispatchRequest.Status.WITHDRAWN,
    ),
    DispatchRequest.Status.SELECTING: (
        DispatchRequest.Status.ASKING,
        DispatchRequest.Status.RECEIVED,
        DispatchRequest.Status.WITHDRAWN,
    ),
    DispatchRequest.Status.ASKING: (
        DispatchRequest.Status.DECIDED,
        DispatchRequest.Status.SELECTING,
        DispatchRequest.Status.WITHDRAWN,
    ),
    DispatchRequest.Status.DECIDED: (
        DispatchRequest.Status.ENGAGED,
        DispatchRequest.Status.SELECTING,
        DispatchRequest.Status.WITHDRAWN,
    ),
    DispatchRequest.Status.ENGAGED: (),
    DispatchRequest.Status.WITHDRAWN: (DispatchRequest.Status.RECEIVED,),
}


class Offer(models.Model):
    """The secretariat asking one candidate to take a request (打診), answered by a mailed link."""

    class Status(models.TextChoices):
        SENT = "sent", _("回答待ち")
        ACCEPTED = "accepted", _("承諾")
        DECLINED = "declined", _("辞退")

    request = models.ForeignKey(
        DispatchRequest, verbose_name=_("派遣依頼"), on_delete=models.CASCADE, related_name="offers"
    )
    supporter = models.ForeignKey(
        Supporter, verbose_name=_("支援員"), on_delete=models.CASCADE, related_name="offers"
    )
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.SENT)
    # The secret half of the mailed link (the link is signed as well: dispatch/offers.py).
    nonce = models.CharField(max_length=32, editable=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("打診した人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("打診日時"), auto_now_add=True)
    expires_at = models.DateTimeField(_("回答期限"))
    answered_at = models.DateTimeField(_("回答日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("打診")
        verbose_name_plural = _("打診")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["request", "supporter"], name="one_offer_per_supporter")
        ]

    def __str__(self):
        return f"{self.request.external_id} → {self.supporter.external_id}"


class SupportRequest(models.Model):
    """A request of an engagement's team to the secretariat for help (支援要請, report §2-2-2).

    Raised by the engagement's supporter or requesting body, assigned to a secretariat member,
    answered in its own thread and closed by the secretariat. Internal to the support side: the
    engagement's team, the secretariat and the agency see it; the company contact does not. A
    private one is seen by its author, the secretariat and the agency only.
    """

    class Category(models.TextChoices):
        POLICY = "policy", _("支援方針の相談")
        COMPANY = "company", _("企業との関係")
        TEAM = "team", _("支援員チームの調整")
        PROCEDURE = "procedure", _("制度・手続き")
        OTHER = "other", _("その他")

    class Status(models.TextChoices):
        OPEN = "open", _("受付")
        ASSIGNED = "assigned", _("対応中")
        ANSWERED = "answered", _("回答済み")
        CLOSED = "closed", _("完了")

    engagement = models.ForeignKey(
        Engagement,
        verbose_name=_("伴走支援案件"),
        on_delete=models.CASCADE,
        related_name="support_requests",
    )
    category = models.CharField(_("相談の種類"), max_length=12, choices=Category.choices)
    body = models.TextField(_("相談したいこと"), max_length=4000)
    # The report (§2-2-2) met teams where the supporter and the requesting body's person could not
    # give each other feedback: such a request is read by its author and the secretariat only.
    private = models.BooleanField(
        _("事務局だけに相談する"),
        default=False,
        help_text=_(
            "支援チームのほかのメンバーには表示しません（事務局と中小企業庁だけが読みます）。"
            "チームの中では話しにくいことに使ってください。"
        ),
    )
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("要請した人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="support_requests_raised",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("事務局の担当者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_requests_assigned",
    )
    created_at = models.DateTimeField(_("受付日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    closed_at = models.DateTimeField(_("完了日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("支援要請")
        verbose_name_plural = _("支援要請")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return _("支援要請 #%(pk)s（%(category)s）") % {
            "pk": self.pk,
            "category": self.get_category_display(),
        }


# Which status may follow which. 対応中 again: another secretariat member takes it over, or the
# team wrote back after an answer; 回答済み again: a further answer.
SUPPORT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    SupportRequest.Status.OPEN: (SupportRequest.Status.ASSIGNED,),
    SupportRequest.Status.ASSIGNED: (
        SupportRequest.Status.ASSIGNED,
        SupportRequest.Status.ANSWERED,
    ),
    SupportRequest.Status.ANSWERED: (
        SupportRequest.Status.ASSIGNED,
        SupportRequest.Status.ANSWERED,
        SupportRequest.Status.CLOSED,
    ),
    SupportRequest.Status.CLOSED: (),
}


class SupportMessage(models.Model):
    """One message of a support request's thread: the secretariat's answer or the team's reply."""

    class Kind(models.TextChoices):
        ANSWER = "answer", _("事務局の回答")
        REPLY = "reply", _("チームからの返信")

    support_request = models.ForeignKey(
        SupportRequest,
        verbose_name=_("支援要請"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    kind = models.CharField(_("種類"), max_length=10, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("書いた人"), null=True, on_delete=models.SET_NULL
    )
    body = models.TextField(_("本文"), max_length=4000)
    created_at = models.DateTimeField(_("投稿日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("支援要請のメッセージ")
        verbose_name_plural = _("支援要請のメッセージ")
        ordering = ["support_request", "created_at", "pk"]

    def __str__(self):
        return self.body[:40]
