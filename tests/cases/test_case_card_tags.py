"""The case card's filters give exactly what the tags they replaced gave."""

import pytest
from django.template import Context, Template

from taxonomy import terms

pytestmark = pytest.mark.django_db

TEXTS = [
    "",
    "短いリード文。",
    "あ" * 110,
    "あ" * 111,
    "い" * 300,
    "e\u0301" * 60 + "x" * 55,  # decomposed: NFC makes 60 characters, 115 in all
    "e\u0301" * 110,  # 220 code points, 110 after NFC: fits
    "a\u0300\u0316" * 80,  # combining marks NFC cannot fold: counted as nothing by Django
    "<b>太字</b> & " * 20,
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("length", ["110", "1", "0", "-3", "x"])
def test_truncatechars_short_is_truncatechars(text, length):
    old = Template('{{ text|truncatechars:"' + length + '" }}')
    new = Template('{% load case_card_tags %}{{ text|truncatechars_short:"' + length + '" }}')
    for value in (text, Template("{{ t|safe }}").render(Context({"t": text}))):
        context = Context({"text": value})
        assert new.render(context) == old.render(context)


def test_term_is_term_label():
    cases = [("industry", code) for code in [*terms.terms("industry"), "??", ""]]
    cases += [("tool", code) for code in [*terms.terms("tool"), "<x>"]]
    for vocabulary, code in cases:
        context = Context({"code": code})
        old = Template('{% load site_tags %}{% term_label "' + vocabulary + '" code %}')
        new = Template('{% load case_card_tags %}{{ code|term:"' + vocabulary + '" }}')
        assert new.render(context) == old.render(context), (vocabulary, code)
    assert terms.terms("industry"), "the vocabulary must not be empty for this test to mean much"
