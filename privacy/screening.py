"""What holds an imported, already anonymised case back as a draft.

A case in the interchange file claims to be anonymised already. It is held back only for what is
really there: structured identifiers (phone, e-mail, 法人番号 …) and names the rules read from
their context (a title, an honorific, a 法人格, a municipality). The statistical model is left
out: on its own it is a suggestion for the reviewer in the anonymisation assistant, not proof,
and the demo cases show it would hold back honest cases. Common nouns built like place names
(漁師町, 城下町, 商店街, 県内) are never findings (privacy.vocabulary.COMMON_PLACE_NOUNS).
"""

from privacy.detect import Finding
from privacy.detect import detect as _detect


def detect(text: str, *, known: dict[str, list[str]] | None = None) -> list[Finding]:
    """The findings that keep an imported case from being published, each with its text."""
    return _detect(text, known=known, statistical=False)
