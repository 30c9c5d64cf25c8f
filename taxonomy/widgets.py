from django import forms

from . import terms


class TermSelect(forms.Select):
    """A select whose options come from a vocabulary when rendered, not at import time."""

    def __init__(self, vocabulary: str, *, blank: bool = True, attrs=None):
        super().__init__(attrs)
        self.vocabulary = vocabulary
        self.blank = blank

    def optgroups(self, name, value, attrs=None):
        self.choices = ([("", "---------")] if self.blank else []) + terms.choices(self.vocabulary)
        return super().optgroups(name, value, attrs)


class TermCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes for a list of codes of one vocabulary."""

    def __init__(self, vocabulary: str, attrs=None):
        super().__init__(attrs)
        self.vocabulary = vocabulary

    def optgroups(self, name, value, attrs=None):
        self.choices = terms.choices(self.vocabulary)
        return super().optgroups(name, value, attrs)
