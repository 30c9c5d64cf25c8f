from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from taxonomy.fields import TermField
from taxonomy.vocabularies import Vocabulary

from . import reading
from .fields import EncryptedTextField


class Organisation(models.Model):
    """A company supported, a requesting body, a supporter's body, the agency or the secretariat."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("派遣先企業")
        REQUESTING_BODY = "requesting_body", _("実施機関・要請機関")
        SUPPORTER_BODY = "supporter_body", _("支援者の所属団体")
        AGENCY = "agency", _("中小企業庁")
        SECRETARIAT = "secretariat", _("事務局")

    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("種別"), max_length=20, choices=Kind.choices)
    prefecture = TermField(Vocabulary.PREFECTURE, verbose_name=_("都道府県"), blank=True)
    # The company profile in numbers; case drafts turn them into the coded bands (issue 5).
    industry = TermField(Vocabulary.INDUSTRY, verbose_name=_("業種"), blank=True)
    employees = models.PositiveIntegerField(_("従業員数"), null=True, blank=True)
    sales_million_yen = models.PositiveIntegerField(_("売上高（百万円）"), null=True, blank=True)
    owner_type = TermField(Vocabulary.OWNER_TYPE, verbose_name=_("経営者属性"), blank=True)
    owner_age = models.PositiveSmallIntegerField(_("経営者年齢"), null=True, blank=True)
    address = models.CharField(_("所在地"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("組織")
        verbose_name_plural = _("組織")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class EmailUserManager(UserManager):
    """Creates users identified by e-mail; username mirrors the e-mail for Wagtail's admin."""

    def _create_user(self, username, email, password, **extra_fields):
        email = self.normalize_email(email or username)
        return super()._create_user(email, email, password, **extra_fields)

    def create_user(self, email=None, password=None, **extra_fields):
        return super().create_user(email, email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        return super().create_superuser(email, email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in with an e-mail address."""

    email = models.EmailField(_("メールアドレス"), unique=True)
    display_name = models.CharField(_("氏名"), max_length=100, blank=True)
    # Lists sort by this (五十音順); guessed from the name when left empty (accounts/reading.py).
    name_reading = models.CharField(
        _("氏名のよみ"),
        max_length=100,
        blank=True,
        help_text=_("ひらがなで入力してください（例: やまだ はなこ）。一覧の並び順に使います。"),
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所属組織"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    # 任意登録情報: what a person may update about themselves (docs/domain.md access matrix).
    job_title = models.CharField(_("役職"), max_length=100, blank=True)
    phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    qualifications = models.CharField(_("保有資格"), max_length=200, blank=True)

    objects = EmailUserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("ユーザー")
        verbose_name_plural = _("ユーザー")

    def __str__(self):
        return self.display_name or self.email

    def get_full_name(self):
        # Wagtail shows people by this (user lists, workflow, comments): the name, not the address.
        return self.display_name or self.email

    def get_short_name(self):
        return self.display_name or self.email

    def save(self, *args, **kwargs):
        # The username column stays for Wagtail and third-party code that expects it.
        self.username = self.email
        # Wagtail's sidebar greets people by first_name (else the address): mirror the name.
        self.first_name = self.display_name[:150]
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"display_name", "name_reading"} & set(update_fields):
            self.name_reading = reading.to_hiragana(self.name_reading)
            if not self.name_reading and self.display_name:
                self.name_reading = reading.guess(self.display_name)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "name_reading", "first_name"}
        super().save(*args, **kwargs)


class AuditEventQuerySet(models.QuerySet):
    """Append-only: bulk updates and deletes are refused, like single ones."""

    def update(self, **kwargs):
        raise PermissionError("監査ログは変更できません。")

    def delete(self):
        raise PermissionError("監査ログは削除できません。")


class AuditEvent(models.Model):
    """One write, download or authentication event: who, what, when, from where."""

    created_at = models.DateTimeField(_("日時"), auto_now_add=True, db_index=True)
    # No constraint and no cascade: deleting a user must neither delete nor rewrite their
    # history, so the id stays as it was and user_label says who it was.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ユーザー"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    user_label = models.CharField(_("ユーザー（記録時）"), max_length=254, blank=True)
    action = models.CharField(_("操作"), max_length=40, db_index=True)
    target_type = models.CharField(_("対象の種類"), max_length=100, blank=True)
    target_id = models.CharField(_("対象の ID"), max_length=64, blank=True)
    detail = models.TextField(_("詳細"), blank=True)
    method = models.CharField(_("HTTP メソッド"), max_length=10, blank=True)
    path = models.CharField(_("パス"), max_length=300, blank=True)
    status = models.PositiveSmallIntegerField(_("ステータス"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("IP アドレス"), null=True, blank=True)
    request_id = models.CharField(_("リクエスト ID"), max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("監査ログ")
        verbose_name_plural = _("監査ログ")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.action} {self.user_label}"

    def save(self, *args, **kwargs):
        # Why here and not in a service: nothing, not even a well-meant fix, may rewrite history.
        if not self._state.adding:
            raise PermissionError("監査ログは変更できません。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("監査ログは削除できません。")


class TOTPDevice(models.Model):
    """A person's authenticator app (RFC 6238), confirmed once a first code matched."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ユーザー"),
        on_delete=models.CASCADE,
        related_name="totp_device",
    )
    secret = EncryptedTextField(_("共有鍵"))  # stored encrypted: see accounts/fields.py
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("確認日時"), null=True, blank=True)
    # The newest 30-second step accepted; a code of this step or older never works again.
    last_used_step = models.BigIntegerField(_("最後に使ったステップ"), null=True, blank=True)

    class Meta:
        verbose_name = _("認証アプリ")
        verbose_name_plural = _("認証アプリ")

    def __str__(self):
        return str(self.user)

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class Invitation(models.Model):
    """One invitation e-mail sent (or re-sent) to a person by the secretariat."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("招待したユーザー"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("送信者"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("送信日時"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("招待")
        verbose_name_plural = _("招待")
        ordering = ["-sent_at"]

    def __str__(self):
        return f"{self.user} {self.sent_at:%Y-%m-%d %H:%M}"
