"""Checks on free text that arrives from files (case and registry imports)."""

import re

# Control characters other than line breaks and tabs: PostgreSQL refuses NUL in text, and none of
# the others belongs in text a person wrote (they come from binary junk or terminal escapes).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None
