"""The comparison of two versions of a record: per field, the new text with what changed marked."""

import difflib

from django.utils.html import escape
from django.utils.safestring import mark_safe


def diff_rows(form_class, old: dict, new: dict) -> list[dict]:
    """Per field: label, whether it changed, and the new text with deletions and insertions."""
    old_rows = {name: value for name, _label, value in form_class.display(old)}
    rows = []
    for name, label, value in form_class.display(new):
        before = old_rows.get(name, "")
        rows.append(
            {"label": label, "changed": before != value, "diff": inline_diff(before, value)}
        )
    return rows


def inline_diff(before: str, after: str) -> str:
    parts = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(after[b1:b2]))
            continue
        if a2 > a1:
            parts.append(f"<del>{escape(before[a1:a2])}</del>")
        if b2 > b1:
            parts.append(f"<ins>{escape(after[b1:b2])}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above
