"""Forms of the registry and the requests; Japanese labels, help and errors.

The lists of objects of the format (experience, conflicts, relationships) are edited as formsets:
one small form per entry, an empty one to add, a checkbox to remove.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from taxonomy.fields import TermFormField
from taxonomy.vocabularies import Vocabulary
from uploads.validation import validate_upload

from . import conf, interchange
from .models import ID_PATTERN, DispatchRequest, Supporter, SupportRequest

CONSENT_KINDS = ("pdf", "image")


def _choices(mapping: dict, *, blank: bool = False) -> list[tuple[str, str]]:
    items = list(mapping.items())
    return [("", _("（選択なし）")), *items] if blank else items


class ExperienceForm(forms.Form):
    industry = TermFormField(Vocabulary.INDUSTRY, label=_("業種"))
    employees = TermFormField(Vocabulary.EMPLOYEES, label=_("企業の従業員数"), required=False)
    content = forms.CharField(label=_("支援内容"), max_length=1000, required=False)
    role = forms.ChoiceField(label=_("役割"), choices=_choices(interchange.ROLES))
    years = forms.IntegerField(label=_("年数"), min_value=0, max_value=60)

    def entry(self) -> dict:
        d = self.cleaned_data
        return {
            "industry": d["industry"],
            "employees": d["employees"] or None,
            "content": d["content"],
            "role": d["role"],
            "years": d["years"],
        }


class ConflictForm(forms.Form):
    industry = TermFormField(Vocabulary.INDUSTRY, label=_("業種"), required=False)
    prefecture = TermFormField(Vocabulary.PREFECTURE, label=_("都道府県"), required=False)
    company = forms.RegexField(
        label=_("企業 ID"),
        regex=ID_PATTERN,
        required=False,
        help_text=_("特定の企業の場合だけ（例: co-0001）"),
        error_messages={"invalid": _("半角英小文字・数字・ハイフンで入力してください。")},
    )
    note = forms.CharField(label=_("メモ"), max_length=1000, required=False)

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(k) for k in ("industry", "prefecture", "company")):
            raise ValidationError(_("業種・都道府県・企業 ID のいずれかを入力してください。"))
        return cleaned

    def entry(self) -> dict:
        d = self.cleaned_data
        return {
            "industry": d["industry"] or None,
            "prefecture": d["prefecture"] or None,
            "company": d["company"] or None,
            "note": d["note"],
        }


class RelationshipForm(forms.Form):
    target = forms.RegexField(
        label=_("相手"),
        regex=interchange.RELATION_RE.pattern,
        help_text=_("company:<企業 ID> または req-body:<要請機関 ID>（例: req-body:yorozu-17）"),
        error_messages={
            "invalid": _("company:<企業 ID> または req-body:<要請機関 ID> の形にしてください。")
        },
    )
    kind = forms.ChoiceField(label=_("関係"), choices=_choices(interchange.RELATION_KINDS))
    note = forms.CharField(label=_("メモ"), max_length=1000, required=False)

    def entry(self) -> dict:
        d = self.cleaned_data
        return {"with": d["target"], "kind": d["kind"], "note": d["note"]}


class _EntryFormSet(forms.BaseFormSet):
    def entries(self) -> list[dict]:
        return [
            f.entry()
            for f in self.forms
            if f.has_changed() and f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


def _formset(form, prefix):
    cls = forms.formset_factory(form, formset=_EntryFormSet, extra=1, can_delete=True, max_num=30)
    cls.prefix_name = prefix
    return cls


ExperienceFormSet = _formset(ExperienceForm, "experience")
ConflictFormSet = _formset(ConflictForm, "conflicts")
RelationshipFormSet = _formset(RelationshipForm, "relationships")


def initial_relationships(values: list[dict]) -> list[dict]:
    return [{"target": v["with"], "kind": v["kind"], "note": v["note"]} for v in values]


class _Qualifications(forms.MultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            label=_("保有資格"),
            choices=_choices(interchange.QUALIFICATIONS),
            widget=forms.CheckboxSelectMultiple,
            required=False,
            **kwargs,
        )


class OwnProfileForm(forms.ModelForm):
    """What a supporter edits about themselves (任意登録情報)."""

    qualifications = _Qualifications()

    class Meta:
        model = Supporter
        fields = ["travel", "qualifications", "motto"]
        widgets = {"motto": forms.Textarea(attrs={"rows": 4})}


class SupporterForm(forms.ModelForm):
    """Everything the secretariat keeps about a supporter, with one field per training course."""

    qualifications = _Qualifications()

    class Meta:
        model = Supporter
        fields = [
            "external_id",
            "name",
            "email",
            "category",
            "recommended_by",
            "home_prefecture",
            "travel",
            "qualifications",
            "supporter_type",
            "max_engagements",
            "motto",
            "notes",
        ]
        widgets = {
            "motto": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {"notes": _("支援員本人と要請機関には表示されません。")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["external_id"].disabled = True
        self.fields["supporter_type"] = forms.TypedChoiceField(
            label=_("特性タイプ"),
            coerce=int,
            choices=[
                (1, _("1 強いゼネラリスト型")),
                (2, _("2 ややゼネラリスト型")),
                (3, _("3 中間")),
                (4, _("4 やや専門特化型")),
                (5, _("5 強い専門特化型")),
            ],
            initial=self.instance.supporter_type or 3,
        )
        training = self.instance.training or {}
        for slug, label in conf.courses().items():
            self.fields[f"training_{slug}"] = forms.ChoiceField(
                label=label,
                choices=_choices(interchange.TRAINING_STATUSES, blank=True),
                required=False,
                initial=training.get(slug, ""),
            )

    def training_fields(self):
        return [self[f"training_{slug}"] for slug in conf.courses()]

    def main_fields(self):
        return [self[name] for name in self.Meta.fields]

    def training(self) -> dict:
        return {
            slug: self.cleaned_data[f"training_{slug}"]
            for slug in conf.courses()
            if self.cleaned_data.get(f"training_{slug}")
        }


class RegistryFilterForm(forms.Form):
    q = forms.CharField(label=_("氏名・ID・メール"), required=False, max_length=100)
    category = forms.TypedChoiceField(
        label=_("区分"),
        coerce=int,
        required=False,
        choices=[("", _("すべて")), *Supporter.Category.choices],
    )
    prefecture = TermFormField(Vocabulary.PREFECTURE, label=_("拠点の都道府県"), required=False)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("種類"),
        choices=[
            ("", _("ファイル名で判別（supporters.* / requests.*）")),
            (interchange.SUPPORTERS, _("支援員登録簿")),
            (interchange.REQUESTS, _("派遣依頼")),
        ],
        required=False,
    )
    file = forms.FileField(
        label=_("ファイル"),
        help_text=_("JSON Lines（.jsonl）、CSV（UTF-8・Shift_JIS）、Excel（.xlsx）。20 MB まで。"),
    )


def _clean_consent(uploaded):
    if not uploaded:
        return None
    # The same checks as every upload: content sniffing, limits, metadata removed.
    return validate_upload(uploaded, kinds=CONSENT_KINDS)


class RequestForm(forms.ModelForm):
    """The 派遣依頼書 a requesting body fills in."""

    exclude_names = forms.CharField(
        label=_("派遣を避けたい支援員"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("氏名を 1 行に 1 人。事務局だけが確認します。"),
    )
    consent_file = forms.FileField(
        label=_("同意書（署名済み）"),
        required=False,
        help_text=_("PDF または画像。署名日と一緒に、あとから事務局に送っても構いません。"),
    )

    class Meta:
        model = DispatchRequest
        fields = [
            "company_name",
            "industry",
            "prefecture",
            "employees",
            "sales",
            "owner_type",
            "owner_age",
            "body_kind",
            "body_prefecture",
            "approach",
            "needs",
            "desired",
            "consent_signed",
        ]
        widgets = {
            "needs": forms.Textarea(attrs={"rows": 5}),
            "desired": forms.Textarea(attrs={"rows": 3}),
            "consent_signed": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {
            "needs": _("経営者の抱える課題や、支援に期待することを書いてください。"),
            "approach": _("課題の設定から始めるか、設定済みの課題の解決を支援するか。"),
        }

    def clean_consent_file(self):
        return _clean_consent(self.cleaned_data.get("consent_file"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("consent_file") and not cleaned.get("consent_signed"):
            self.add_error("consent_signed", _("同意書を添付する場合は署名日も入力してください。"))
        return cleaned

    def request_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["exclude_names"] = self.cleaned_data["exclude_names"]
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("新しい状態"), choices=DispatchRequest.Status.choices)


class ConsentForm(forms.Form):
    consent_signed = forms.DateField(
        label=_("同意書の署名日"), widget=forms.DateInput(attrs={"type": "date"})
    )
    file = forms.FileField(
        label=_("同意書（署名済み）"), required=False, help_text=_("PDF または画像。")
    )

    def clean_file(self):
        return _clean_consent(self.cleaned_data.get("file"))


# Support requests --------------------------------------------------------------------------


class SupportRequestForm(forms.ModelForm):
    class Meta:
        model = SupportRequest
        fields = ["category", "body", "private"]
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "body": _(
                "困っていること、事務局に手伝ってほしいことを書いてください（4000 字まで）。"
                "派遣先企業には表示されません。"
            )
        }
        error_messages = {
            "category": {"required": _("相談の種類を選んでください。")},
            "body": {"required": _("相談したいことを入力してください。")},
        }


class SupportAssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("事務局の担当者"),
        queryset=None,
        error_messages={
            "required": _("担当者を選んでください。"),
            "invalid_choice": _("担当者には事務局のメンバーを選んでください。"),
        },
    )

    def __init__(self, *args, assignable, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable


class SupportMessageForm(forms.Form):
    body = forms.CharField(
        label=_("本文"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": _("本文を入力してください。"),
            "max_length": _("4000 字以内にしてください。"),
        },
    )
