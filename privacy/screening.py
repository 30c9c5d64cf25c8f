"""What holds an imported, already anonymised case back as a draft.

A case in the interchange file claims to be anonymised already. It is held back only for what is
really there: structured identifiers (phone, e-mail, 法人番号 …) and names the rules read from
their context (a title, an honorific, a 法人格, a municipality). The statistical model is left
out: on its own it is a suggestion for the reviewer in the anonymisation assistant, not proof,
and the demo cases show it would hold back honest cases. Common nouns built like place names
(漁師町, 城下町, 商店街, 県内) are never findings (privacy.vocabulary.COMMON_PLACE_NOUNS).

Within ``one_import()`` the detector's findings are kept per text and known names: the screening
and the publication gate (privacy.anonymise.blocking_findings) read the same title, lead and
phases of a case, and the gate reads the same labels (業種, 地域, ツール …) on every case. The
findings depend on the text, the names and the rule tables alone, none of which change during
an import; outside the scope nothing is kept.
"""

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Iterator

from privacy.detect import Finding
from privacy.detect import detect as _detect

# Enough for the labels every case repeats and one case's own texts; a case's texts are seldom
# seen again, so the oldest go first and memory stays bounded over 100,000 cases.
KEPT = 4096

_scope = threading.local()


@contextlib.contextmanager
def one_import() -> Iterator[None]:
    """Keep the detector's findings per text within the block (one import, in one process)."""
    outer = getattr(_scope, "kept", None)
    _scope.kept = OrderedDict() if outer is None else outer
    try:
        yield
    finally:
        _scope.kept = outer


def findings(text: str, *, known: dict[str, list[str]] | None = None) -> list[Finding]:
    """detect(text, known=known) without the statistical model, once per text and known names
    within one_import(). The list returned is shared: callers filter it, never change it."""
    kept = getattr(_scope, "kept", None)
    if kept is None:
        return _detect(text, known=known, statistical=False)
    # None and {} (no engagement behind an imported case) find the same: one key.
    key = (text, tuple(sorted((kind, tuple(names)) for kind, names in (known or {}).items())))
    if key in kept:
        kept.move_to_end(key)
        return kept[key]
    found = kept[key] = _detect(text, known=known, statistical=False)
    if len(kept) > KEPT:
        kept.popitem(last=False)
    return found


def detect(text: str, *, known: dict[str, list[str]] | None = None) -> list[Finding]:
    """The findings that keep an imported case from being published, each with its text."""
    return findings(text, known=known)
