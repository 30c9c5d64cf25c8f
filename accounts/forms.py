"""Forms of the accounts pages: labels, help and autocomplete hints for every field."""

import re
import unicodedata

from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from . import roles
from .models import Organisation, User


def nfkc(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "").strip()


class JapaneseFormMixin:
    """No trailing colon after labels (the Japanese pages use none)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _email_widget(autocomplete: str) -> forms.TextInput:
    # type="text", not "email": browsers reject a full-width address before the server can
    # normalise it, and people here often type with the Japanese IME on.
    return forms.TextInput(
        attrs={
            "autocomplete": autocomplete,
            "inputmode": "email",
            "autocapitalize": "none",
            "spellcheck": "false",
        }
    )


class EmailField(forms.CharField):
    """An e-mail address typed in any width; cleaned to NFKC and validated."""

    def __init__(self, *, autocomplete: str = "email", **kwargs):
        kwargs.setdefault("label", _("メールアドレス"))
        kwargs.setdefault("max_length", 150)
        super().__init__(widget=_email_widget(autocomplete), **kwargs)

    def to_python(self, value):
        return nfkc(super().to_python(value))

    def validate(self, value):
        super().validate(value)
        if value:
            validate_email(value)


class LoginForm(JapaneseFormMixin, forms.Form):
    email = EmailField(autocomplete="username")
    password = forms.CharField(
        label=_("パスワード"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _(
            "メールアドレスまたはパスワードが正しくありません。"
            "全角・半角や大文字・小文字の違いは気にせず入力できます。"
        ),
    }


class CodeForm(JapaneseFormMixin, forms.Form):
    code = forms.CharField(
        label=_("確認コード（6 桁の数字）"),
        max_length=16,
        help_text=_("認証アプリに表示されている 6 桁の数字を入力してください。"),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "none",
                "spellcheck": "false",
                "size": "8",
            }
        ),
    )


class SetPasswordForm(JapaneseFormMixin, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(JapaneseFormMixin, auth_forms.PasswordChangeForm):
    pass


class PasswordResetRequestForm(JapaneseFormMixin, forms.Form):
    email = EmailField(
        help_text=_("登録しているメールアドレスを入力してください。"),
    )


def role_choices():
    return [(name, name) for name in roles.ALL_ROLES]


class InviteForm(JapaneseFormMixin, forms.Form):
    email = EmailField(autocomplete="off")
    display_name = forms.CharField(
        label=_("氏名"),
        max_length=100,
        help_text=_("招待メールの宛名になります（例: 山田 花子）。"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    organisation = forms.ModelChoiceField(
        label=_("所属組織"),
        queryset=Organisation.objects.order_by("kind", "name"),
        required=False,
        empty_label=_("（所属なし）"),
        help_text=_("一覧にない組織は、先に管理画面で登録してください。"),
    )
    roles = forms.MultipleChoiceField(
        label=_("役割"),
        choices=role_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("複数選べます。"),
    )
    job_title = forms.CharField(
        label=_("役職"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_display_name(self):
        name = self.cleaned_data["display_name"].strip()
        if re.search(r"[\r\n]", name):
            raise forms.ValidationError(_("改行は使えません。"))
        return name

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _(
                    "このメールアドレスはすでに登録されています。ユーザー一覧から招待を再送できます。"
                )
            )
        return email


class ImportForm(JapaneseFormMixin, forms.Form):
    file = forms.FileField(
        label=_("ファイル（CSV または Excel）"),
        help_text=_(
            "1 行目に列名（メールアドレス、氏名、所属組織、役割、役職）を書いてください。"
            "CSV は UTF-8 と Shift_JIS のどちらでも読めます。"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class ProfileForm(JapaneseFormMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "name_reading", "job_title", "phone", "qualifications"]
        widgets = {
            "display_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "name_reading": forms.TextInput(attrs={"autocomplete": "off"}),
            "job_title": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "qualifications": forms.TextInput(attrs={"autocomplete": "off"}),
        }
        help_texts = {
            "phone": _("例: 03-1234-5678（全角でも入力できます）"),
            "qualifications": _("例: 中小企業診断士、税理士"),
        }

    def clean_display_name(self):
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError(_("氏名を入力してください。"))
        if re.search(r"[\r\n]", name):
            raise forms.ValidationError(_("改行は使えません。"))
        return name

    def clean_phone(self):
        phone = nfkc(self.cleaned_data["phone"]).replace("ー", "-").replace("‐", "-")
        if phone and not re.fullmatch(r"\+?[0-9()\- ]{6,30}", phone):
            raise forms.ValidationError(_("数字とハイフンで入力してください（例: 03-1234-5678）。"))
        return phone


class DirectoryFilterForm(JapaneseFormMixin, forms.Form):
    q = forms.CharField(label=_("氏名・メールアドレス"), required=False, max_length=100)
    organisation = forms.CharField(label=_("所属組織"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("役割"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("すべて")), *role_choices()]


class AuditFilterForm(JapaneseFormMixin, forms.Form):
    user = forms.CharField(label=_("ユーザー（メールアドレス）"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("操作"), required=False)
    date_from = forms.DateField(
        label=_("開始日"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("終了日"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, actions: list[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("すべて")), *actions]
