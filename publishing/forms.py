from django import forms
from django.utils.translation import gettext_lazy as _

from knowhow.models import KnowHowPage
from taxonomy import terms
from taxonomy.vocabularies import Vocabulary

from .models import Proposal


class ProposalForm(forms.ModelForm):
    class Meta:
        model = Proposal
        fields = ["note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "note": _("この案件から他の支援者が学べること、事例化で配慮してほしいことなど。"),
        }


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("見送りの理由（提案者に伝わります）"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class KnowHowForm(forms.Form):
    """Codify a lesson: extend an existing know-how article or start a new one."""

    existing = forms.ModelChoiceField(
        label=_("追記するノウハウ"),
        queryset=None,
        required=False,
        empty_label=_("（新しいノウハウを作る）"),
    )
    title = forms.CharField(label=_("新しいノウハウのタイトル"), max_length=200, required=False)
    skill = forms.ChoiceField(label=_("スキル"), required=False)
    phases = forms.MultipleChoiceField(
        label=_("フェーズ"), required=False, widget=forms.CheckboxSelectMultiple
    )
    lesson = forms.CharField(
        label=_("教訓（一般化した書き方で）"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        help_text=_(
            "この事例から言える、ほかの支援先でも使える学び。社名・人名は書かないでください。"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["existing"].queryset = KnowHowPage.objects.order_by("title")
        self.fields["skill"].choices = [("", "---------"), *terms.choices(Vocabulary.SKILL)]
        self.fields["phases"].choices = terms.choices(Vocabulary.PHASE)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("existing") and not (cleaned.get("title") and cleaned.get("skill")):
            raise forms.ValidationError(
                _("追記するノウハウを選ぶか、新しいノウハウのタイトルとスキルを入力してください。")
            )
        return cleaned
