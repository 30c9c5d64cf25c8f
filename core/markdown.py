"""Markdown to safe HTML: every body on the site goes through here (render-time sanitising)."""

import hashlib

import markdown as md
import nh3
from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
    "a",
}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "th": {"scope"}}


def _shift_headings(html: str, offset: int) -> str:
    """Move headings down so they nest under the template's own (h1 is the page title)."""
    for level in range(6, 0, -1):
        new = min(max(level + offset, 2), 6)
        html = html.replace(f"<h{level}>", f"<h{new}>").replace(f"</h{level}>", f"</h{new}>")
    return html


def render(text: str, heading_offset: int = 0) -> SafeString:
    """Render Markdown and keep only ALLOWED_TAGS; cached by content hash."""
    if not text:
        return mark_safe("")  # noqa: S308 - empty string
    key = f"md:{heading_offset}:" + hashlib.sha256(text.encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        raw = md.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
        html = nh3.clean(
            _shift_headings(raw, heading_offset),
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer nofollow",
        )
        cache.set(key, html, 3600)
    return mark_safe(html)  # noqa: S308 - sanitised by nh3 above
