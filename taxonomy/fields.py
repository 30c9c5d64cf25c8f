"""Model fields holding vocabulary codes; validated against the Term table, not fixed choices."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from . import terms
from .widgets import TermCheckboxes, TermSelect


class TermFormField(forms.ChoiceField):
    def __init__(self, vocabulary: str, **kwargs):
        self.vocabulary = vocabulary
        kwargs.pop("choices", None)
        kwargs.setdefault("widget", TermSelect(vocabulary, blank=not kwargs.get("required", True)))
        super().__init__(**kwargs)

    def valid_value(self, value):
        return terms.is_valid(self.vocabulary, value)


class TermMultipleFormField(forms.MultipleChoiceField):
    def __init__(self, vocabulary: str, **kwargs):
        self.vocabulary = vocabulary
        kwargs.pop("choices", None)
        kwargs.setdefault("widget", TermCheckboxes(vocabulary))
        super().__init__(**kwargs)

    def valid_value(self, value):
        return terms.is_valid(self.vocabulary, value)


class TermField(models.CharField):
    """One code of `vocabulary`, e.g. TermField("industry") holds "E"."""

    def __init__(self, vocabulary: str, *args, **kwargs):
        self.vocabulary = vocabulary
        kwargs.setdefault("max_length", 32)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        return name, path, [self.vocabulary, *args], kwargs

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if value and not terms.is_valid(self.vocabulary, value):
            raise ValidationError(
                _("「%(value)s」は%(field)sのコードとして登録されていません。"),
                params={"value": value, "field": self.verbose_name},
                code="unknown_code",
            )

    def formfield(self, **kwargs):
        return TermFormField(
            self.vocabulary,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
        )


class TermListField(models.TextField):
    """An ordered list of codes of `vocabulary`, stored space-separated (portable and filterable)."""

    def __init__(self, vocabulary: str, *args, **kwargs):
        self.vocabulary = vocabulary
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        return name, path, [self.vocabulary, *args], kwargs

    def from_db_value(self, value, expression, connection):
        return value.split() if value else []

    def to_python(self, value):
        if isinstance(value, list):
            return value
        return value.split() if value else []

    def get_prep_value(self, value):
        if isinstance(value, list | tuple):
            return " ".join(value)
        return value or ""

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))

    def validate(self, value, model_instance):
        unknown = [code for code in value if not terms.is_valid(self.vocabulary, code)]
        if unknown:
            raise ValidationError(
                _("「%(value)s」は%(field)sのコードとして登録されていません。"),
                params={"value": "、".join(unknown), "field": self.verbose_name},
                code="unknown_code",
            )
        if len(set(value)) != len(value):
            raise ValidationError(_("同じコードが重複しています。"), code="duplicate_code")

    def formfield(self, **kwargs):
        return TermMultipleFormField(
            self.vocabulary,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
        )


def padded(field: str) -> models.Func:
    """' a b c ' for a TermListField, so one code matches as ' b ' with a plain LIKE."""
    return Concat(models.Value(" "), field, models.Value(" "), output_field=models.TextField())


def contains_code(field: str, code: str) -> models.Q:
    """Rows whose TermListField `field` (annotated as `<field>_padded`) holds `code`."""
    return models.Q(**{f"{field}_padded__contains": f" {code} "})
