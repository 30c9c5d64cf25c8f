"""The case pack form: the pack's name, questions and notes, and one group per unit material."""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import CasePack
from .packs import Material, Selection

TEXTAREA_MAX = 4000  # a generous page of questions or notes


@dataclass
class MaterialRow:
    """What the template shows for one material: the page and its three fields."""

    material: Material
    include: forms.BoundField
    questions: forms.BoundField
    notes: forms.BoundField


class CasePackForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("パックの名前"), max_length=120)
    questions = forms.CharField(
        label=gettext_lazy("全体の討議の問い"),
        required=False,
        max_length=TEXTAREA_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("1 行に 1 つ。パックの最後に載ります（両方の版）。"),
    )
    trainer_notes = forms.CharField(
        label=gettext_lazy("講師メモ（パック全体）"),
        required=False,
        max_length=TEXTAREA_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("講師用の版だけに載ります。参加者用の版には載りません。"),
    )

    def __init__(self, *args, materials: list[Material], pack: CasePack | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.materials = materials
        chosen = {}
        if pack is not None:
            self.initial.update(
                title=pack.title, questions=pack.questions, trainer_notes=pack.trainer_notes
            )
            chosen = {
                (f"case-{i.case_id}" if i.case_id else f"knowhow-{i.knowhow_id}"): i
                for i in pack.items.all()
            }
        for material in materials:
            key = material.key
            item = chosen.get(key)
            self.fields[f"{key}-include"] = forms.BooleanField(
                label=_("パックに入れる"), required=False
            )
            self.fields[f"{key}-questions"] = forms.CharField(
                label=_("討議の問い"),
                required=False,
                max_length=TEXTAREA_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("1 行に 1 つ。両方の版に載ります。"),
            )
            self.fields[f"{key}-notes"] = forms.CharField(
                label=_("講師メモ"),
                required=False,
                max_length=TEXTAREA_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("講師用の版だけに載ります。"),
            )
            # A new pack starts with every case of the unit and the unit's own questions.
            self.initial[f"{key}-include"] = item is not None if pack else material.kind == "case"
            self.initial[f"{key}-questions"] = item.questions if item else material.questions
            self.initial[f"{key}-notes"] = item.trainer_notes if item else ""

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(f"{m.key}-include") for m in self.materials):
            raise forms.ValidationError(_("事例かノウハウを 1 つ以上選んでください。"))
        return cleaned

    def rows(self) -> list[MaterialRow]:
        return [
            MaterialRow(
                material=m,
                include=self[f"{m.key}-include"],
                questions=self[f"{m.key}-questions"],
                notes=self[f"{m.key}-notes"],
            )
            for m in self.materials
        ]

    def pack_fields(self) -> list[forms.BoundField]:
        return [self["title"], self["questions"], self["trainer_notes"]]

    def selections(self) -> list[Selection]:
        data = self.cleaned_data
        return [
            Selection(
                key=m.key,
                questions=data.get(f"{m.key}-questions", ""),
                trainer_notes=data.get(f"{m.key}-notes", ""),
            )
            for m in self.materials
            if data.get(f"{m.key}-include")
        ]
