"""The structured web forms of the activity plan, the pre-visit plan and the visit report.

A record's content is stored as the cleaned data of its form (JSON), one version per save; the
form classes are therefore also the schema used to show, compare and export a version.
"""

import contextlib
import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from taxonomy import terms
from taxonomy.fields import TermMultipleFormField
from taxonomy.vocabularies import Vocabulary

from .models import Attachment, Comment, Record, Visit

LONG = {"rows": 6}
SHORT = {"rows": 3}


def _text(label, help_text="", *, rows=LONG, required=False, max_length=4000):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs=rows),
    )


class RecordForm(forms.Form):
    """Base: carries the version the editor started from, to refuse overwriting a newer save."""

    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, record: Record, **kwargs):
        self.record = record
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("base_version") != self.record.version:
            # A form-wide error, shown above the form; the typed text stays in the fields.
            raise ValidationError(
                _(
                    "あなたが編集を始めた後に、ほかの人がこの記録を保存しました（第%(version)s版）。"
                    "入力内容は下に残っています。最新の版を確認してから、もう一度保存してください。"
                ),
                params={"version": self.record.version},
                code="conflict",
            )
        return cleaned

    def stored_data(self) -> dict:
        """Cleaned data as JSON-safe values, without the bookkeeping field."""
        data = {}
        for name, value in self.cleaned_data.items():
            if name == "base_version":
                continue
            data[name] = value.isoformat() if isinstance(value, datetime.date) else value
        return data

    @classmethod
    def display(cls, data: dict) -> list[tuple[str, str, str]]:
        """(field name, label, shown value) for every field of a stored version."""
        rows = []
        for name, field in cls.base_fields.items():
            if name == "base_version":
                continue
            value = data.get(name, "")
            if isinstance(field, TermMultipleFormField):
                value = "、".join(terms.label(field.vocabulary, code) for code in value or [])
            elif isinstance(field, forms.MultipleChoiceField):
                labels = dict(field.choices)
                value = "、".join(str(labels.get(code, code)) for code in value or [])
            elif isinstance(field, forms.ChoiceField):
                value = str(dict(field.choices).get(value, value or ""))
            elif isinstance(field, forms.DateField) and value:
                # Stored as ISO (2026-11-26); shown like every other date (2026年11月26日).
                # An old version with free text is shown as it was written.
                with contextlib.suppress(TypeError, ValueError):
                    value = date_format(datetime.date.fromisoformat(value))
            rows.append((name, str(field.label), value or ""))
        return rows


class ActivityPlanForm(RecordForm):
    """活動計画: what the team and the supporter aim for across the visits."""

    team_goal = _text(_("支援チームの目標"), required=True, rows=SHORT)
    supporter_goal = _text(
        _("支援者自身の目標"), _("この案件を通じて支援者として身につけたいこと。"), rows=SHORT
    )
    plan = _text(
        _("訪問全体の計画"), _("各回でどこまで進めるかの見通し。後から何度でも見直せます。")
    )


class VisitPlanForm(RecordForm):
    """訪問支援事前計画: prepared before each visit."""

    purpose = _text(_("訪問の目的"), required=True, rows=SHORT)
    goal = _text(_("今回のゴール"), _("訪問の終わりに経営者と確認したい状態。"), rows=SHORT)
    agenda = _text(
        _("アジェンダと時間配分"),
        _("経営者に冒頭で伝える流れ。例: 10:00–10:15 前回の振り返り"),
    )
    hypotheses = _text(_("仮説"), _("現時点で考えている本質的課題の仮説と、その確かめ方。"))
    tools = TermMultipleFormField(Vocabulary.TOOL, label=_("使う予定のツール"), required=False)


class VisitReportForm(RecordForm):
    """訪問支援実施報告: written after each visit."""

    held_on = forms.DateField(
        label=_("実施日"),
        required=True,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    happened = _text(_("実施内容"), _("当日の流れと話し合ったこと。"), required=True)
    owner_voice = _text(
        _("経営者の発言・気づき"), _("経営者が語ったこと、腹落ちした様子。固有名詞は不要です。")
    )
    next_steps = _text(_("次回までの合意事項"), rows=SHORT)
    concerns = _text(_("懸念事項・相談したいこと"), rows=SHORT)
    tools_used = TermMultipleFormField(Vocabulary.TOOL, label=_("使ったツール"), required=False)
    phase_reached = TermMultipleFormField(
        Vocabulary.PHASE, label=_("到達したフェーズ"), required=False
    )


RECORD_FORMS: dict[str, type[RecordForm]] = {
    Record.Kind.ACTIVITY_PLAN: ActivityPlanForm,
    Record.Kind.VISIT_PLAN: VisitPlanForm,
    Record.Kind.VISIT_REPORT: VisitReportForm,
}


class VisitForm(forms.ModelForm):
    class Meta:
        model = Visit
        fields = ["scheduled_on"]
        widgets = {"scheduled_on": forms.DateInput(attrs={"type": "date"})}


class AttachmentForm(forms.Form):
    slot = forms.ChoiceField(label=_("添付先"), choices=Attachment.Slot.choices)
    file = forms.FileField(
        label=_("ファイル"),
        allow_empty_file=True,  # uploads.validation explains an empty file in its own words
        help_text=_(
            "写真（JPEG・PNG・WebP、10MB まで）、PDF・Excel（xlsx）・Word（docx）・"
            "PowerPoint（pptx）（20MB まで）。同じ名前のファイルは新しい版になります。"
        ),
    )


class CommentForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}
