from django import template
from django.utils.safestring import SafeString

from core import markdown
from taxonomy import terms

register = template.Library()


@register.filter
def render_markdown(text: str, heading_offset=0) -> SafeString:
    return markdown.render(text, int(heading_offset or 0))


@register.simple_tag
def term_label(vocabulary: str, code: str, short: bool = False) -> str:
    info = terms.terms(vocabulary).get(code)
    if info is None:
        return code or ""
    return info.display if short else info.label


@register.filter
def yyyymm_ja(value: str) -> str:
    """'2019-07' -> '2019年7月'."""
    if not value or len(value) != 7:
        return value or ""
    return f"{value[:4]}年{int(value[5:])}月"


@register.filter
def shown_pages(items) -> list[int]:
    """The page numbers includes/pagination.html prints something for: the first two, the last
    two and two either side of the current one (the template decides link or ellipsis). Looping
    over every page instead cost 8 ms of a 45 ms case list at 10,000 cases (448 pages)."""
    last, current = items.paginator.num_pages, items.number
    wanted = {1, 2, last - 1, last, *range(current - 2, current + 3)}
    return sorted(n for n in wanted if 1 <= n <= last)


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
