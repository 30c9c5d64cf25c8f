"""Finds English UI text in an admin page: visible text and the labels screen readers read."""

import json
import re
from html.parser import HTMLParser

# Words that stay as they are in a Japanese UI: names of things, formats, units, codes.
ALLOWED = {
    "wagtail",
    "ok",
    "id",
    "url",
    "urls",
    "seo",
    "pdf",
    "csv",
    "xlsx",
    "docx",
    "pptx",
    "jpeg",
    "jpg",
    "png",
    "webp",
    "gif",
    "svg",
    "markdown",
    "html",
    "api",
    "jsic",
    "ict",
    "dx",
    "it",
    "pc",
    "qr",
    "swot",
    "kpi",
    "pdca",
    "faq",
    "mb",
    "kb",
    "gb",
    "px",
    "utc",
    "jst",
    "am",
    "pm",
    "http",
    "https",
    "www",
    "example",
    "demo",
    "jp",
    "com",
    "org",
    "b",
    "c",
    "e",
    # Wagtail's own Japanese for the slug field quotes an example address.
    "domain",
    "blog",
    "my",
    "slug",
    # Words of the content itself.
    "fax",
    "bsp",
    # Python's None, which Wagtail 8.0 prints as the model name in a pagination label.
    "none",
    # Key names as printed on the keys (the keyboard shortcuts dialog: Ctrl + s, Esc).
    "ctrl",
    "alt",
    "shift",
    "esc",
}
# Whole texts Wagtail 8.0 writes in English without gettext, none of them visible on screen:
# the submit button of its search boxes (hidden; Enter submits) and the model name it leaves
# empty in a pagination label of page listings.
HARD_CODED = {"Search", "None"}
# The date picker Wagtail bundles (jquery.datetimepicker) builds an apply button it never shows.
HARD_CODED |= {"Save Selected"}
# Codes shown as codes (taxonomy terms: issue-setting, mixed), not words.
CODE = re.compile(r"[a-z0-9][a-z0-9_-]*")
ENGLISH = re.compile(r"[A-Za-z][A-Za-z'’]+")
LABEL_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt", "data-w-tooltip-content-value")
# <noscript>: Wagtail hard-codes its JavaScript warning in English (only seen without JavaScript).
SKIPPED_TAGS = {"script", "style", "template", "code", "pre", "textarea", "svg", "noscript"}
# Choices that are proper names: time zones (Asia/Tokyo) and languages named in their own tongue.
PROPER_NAME_SELECTS = ("time_zone", "language")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skipping = 0
        self.in_names = False
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "select" and any(
            n in (attributes.get("name") or "") for n in PROPER_NAME_SELECTS
        ):
            tag = "template"  # skipped like a template, up to its end tag
            self.in_names = True
        if tag in SKIPPED_TAGS:
            self.skipping += 1
        if self.skipping:
            return
        for name in LABEL_ATTRIBUTES:
            if attributes.get(name):
                self.texts.append(attributes[name])
        if (
            tag == "input"
            and attributes.get("type") in {"submit", "button"}
            and attributes.get("value")
        ):
            self.texts.append(attributes["value"])

    def handle_endtag(self, tag):
        if tag == "select" and self.in_names:
            tag, self.in_names = "template", False
        if tag in SKIPPED_TAGS and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.texts.append(data.strip())


def page_html(response) -> str:
    """The HTML of an admin response; choosers answer JSON with the modal's HTML inside."""
    if response["Content-Type"].startswith("application/json"):
        return json.loads(response.content)["html"]
    return response.content.decode()


def english_strings(html: str, *, allowed: frozenset[str] = frozenset()) -> list[str]:
    """Texts of the page that contain an English word outside the allow-lists."""
    parser = _Text()
    parser.feed(html)
    found = []
    for text in parser.texts:
        if text in HARD_CODED or CODE.fullmatch(text):
            continue
        words = [w.lower() for w in ENGLISH.findall(text)]
        if any(w not in ALLOWED and w not in allowed for w in words):
            found.append(text)
    return list(dict.fromkeys(found))
