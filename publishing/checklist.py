"""What a case needs before the secretariat approves it: the reviewer's checklist (issue 11).

A case drafted in the platform is worth reading only with a lead, at least two 本事例のポイント,
a hashtag to find it by and one phase that tells what happened. The publish gate
(publishing.gate) refuses a publication written in the platform that misses any of them, and the
anonymisation assistant and the editor's panel show the list with ✔/✖.

Cases imported from the interchange format (import_cases) are not held to it: the format
(docs/case-format.md) makes ポイント and hashtags optional, and a well-formed imported case keeps
its publication unless personal data is found. The importer's revisions carry no author, which
is how the gate tells them apart (every revision saved in the admin or by a service has one).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

MIN_KEY_POINTS = 2
MIN_HASHTAGS = 1


@dataclass(frozen=True)
class Item:
    label: str
    ok: bool


def _has_body(section) -> bool:
    for block in section.body:
        if block.block_type == "text" and (block.value or "").strip():
            return True
        if block.block_type != "text" and block.value:
            return True
    return False


def checklist(page) -> list[Item]:
    """The checklist of a case (usually its latest revision as an object), in reading order."""
    points = [b for b in page.key_points if (b.value or "").strip()]
    tags = list(page.hashtags.all())
    return [
        Item(_("リード文が入力されている"), bool((page.lead or "").strip())),
        Item(
            _("本事例のポイントが %(n)s つ以上ある（いま %(count)s つ）")
            % {"n": MIN_KEY_POINTS, "count": len(points)},
            len(points) >= MIN_KEY_POINTS,
        ),
        Item(
            _("ハッシュタグが %(n)s つ以上ある（いま %(count)s つ）")
            % {"n": MIN_HASHTAGS, "count": len(tags)},
            len(tags) >= MIN_HASHTAGS,
        ),
        Item(
            _("本文のあるフェーズが 1 つ以上ある"),
            any(_has_body(s) for s in page.sections.all()),
        ),
    ]


def missing(page) -> list[str]:
    return [item.label for item in checklist(page) if not item.ok]
