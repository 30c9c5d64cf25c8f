"""The form of a saved search: its name and how often its new matches are mailed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SavedSearch


class SavedSearchForm(forms.ModelForm):
    class Meta:
        model = SavedSearch
        fields = ["name", "frequency"]
        widgets = {"frequency": forms.RadioSelect}
        help_texts = {
            "name": _("一覧とメールの件名に表示します。"),
            "frequency": _(
                "新しく公開された事例・ノウハウのうち、この検索に合うものをまとめてお知らせします。"
                "新着がない日は送りません。"
            ),
        }
