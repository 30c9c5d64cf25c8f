"""The facet panel's checkboxes, built in Python (cases.views.facet_options_html), must be the
exact bytes the template loop they replaced printed: same escaping, numbering and whitespace."""

import pytest
from django.template import Context, Template

from cases.selectors import FacetOption
from cases.views import facet_options_html

# The loop of case_index_page.html before it moved to Python, verbatim.
OLD_LOOP = Template(
    """<ul>
              {% for option in facet.options %}
              <li>
                <input type="checkbox" id="f-{{ facet.name }}-{{ forloop.counter }}" name="{{ facet.name }}" value="{{ option.value }}"{% if option.selected %} checked{% endif %}>
                <label for="f-{{ facet.name }}-{{ forloop.counter }}">{% if facet.name == "hashtag" %}#{% endif %}{{ option.label }} <span class="count">（{{ option.count }}）</span></label>
              </li>
              {% endfor %}
            </ul>"""
)
NEW_LIST = Template(
    """<ul>
              {{ facet.options_html }}
            </ul>"""
)

OPTIONS = [
    FacetOption("E", "製造業", 1234, False),
    FacetOption('a"<b>&c', "<script>alert('x')</script> & 「引用」", 0, True),
    FacetOption("M", "宿泊業、飲食サービス業", 7, True),
]


@pytest.mark.parametrize("name", ["industry", "hashtag", "tool"])
@pytest.mark.parametrize("options", [OPTIONS, OPTIONS[:1], []])
def test_same_bytes_as_the_template_loop(name, options):
    facet = {"name": name, "options": options, "options_html": facet_options_html(name, options)}
    old = OLD_LOOP.render(Context({"facet": facet}))
    new = NEW_LIST.render(Context({"facet": facet}))
    assert new == old
    if options:
        assert "&lt;script&gt;" in new or len(options) == 1
        assert "<script>" not in new
