from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from taxonomy import terms
from taxonomy.vocabularies import Vocabulary, prefectures_in_region

from .models import Survey
from .questions import QUESTIONS


class AnswerForm(forms.Form):
    """The six questions; every one must be answered (question 3 with one or more choices)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for q in QUESTIONS:
            field_class = forms.MultipleChoiceField if q.multiple else forms.ChoiceField
            widget = forms.CheckboxSelectMultiple if q.multiple else forms.RadioSelect
            self.fields[q.field] = field_class(
                label=f"{q.number}. {q.text}",
                choices=q.choices,
                widget=widget,
                error_messages={"required": _("この質問に回答してください。")},
            )

    def clean_q3(self):
        value = self.cleaned_data["q3"]
        if "none" in value and len(value) > 1:
            raise ValidationError(
                _("「特に新たな「気づき」は感じられなかった」はほかの選択肢と同時に選べません。")
            )
        return value


class SurveySetupForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["starts_on", "deadline"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "deadline": forms.DateInput(attrs={"type": "date"}),
        }

    def clean(self):
        cleaned = super().clean()
        starts_on, deadline = cleaned.get("starts_on"), cleaned.get("deadline")
        if starts_on and deadline and deadline < starts_on:
            self.add_error("deadline", _("回答期限は開始日以降の日付にしてください。"))
        return cleaned


class AnswerFilterForm(forms.Form):
    """Narrows the answers and the analysis to a set of engagements."""

    region = forms.ChoiceField(label=_("地域"), required=False)
    industry = forms.ChoiceField(label=_("業種"), required=False)
    requesting_body = forms.ChoiceField(label=_("要請機関"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        blank = [("", _("すべて"))]
        self.fields["region"].choices = blank + terms.choices(Vocabulary.REGION)
        self.fields["industry"].choices = blank + terms.choices(Vocabulary.INDUSTRY)
        self.fields["requesting_body"].choices = blank + [
            (str(o.pk), o.name)
            for o in Organisation.objects.filter(kind=Organisation.Kind.REQUESTING_BODY)
        ]

    def apply(self, surveys):
        """Filters a Survey queryset by the chosen engagement attributes."""
        if not self.is_valid():
            return surveys
        data = self.cleaned_data
        if data["region"]:
            surveys = surveys.filter(
                visit__engagement__company__prefecture__in=prefectures_in_region(data["region"])
            )
        if data["industry"]:
            surveys = surveys.filter(visit__engagement__company__industry=data["industry"])
        if data["requesting_body"]:
            surveys = surveys.filter(visit__engagement__requesting_body_id=data["requesting_body"])
        return surveys
