"""The publish gate: a case with a known name, an identifier or image metadata is not published."""

import io

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from PIL import Image

from privacy.anonymise import blocking_findings

from . import case_text
from .known import known_entities

# EXIF tags that identify a place, a device or a person.
REVEALING_EXIF = {
    0x8825: "GPS",
    0x010F: "Make",
    0x0110: "Model",
    0xA431: "BodySerialNumber",
    0x013B: "Artist",
}

KIND_LABELS = {
    "email": "メールアドレス",
    "url": "URL",
    "phone": "電話番号",
    "postal_code": "郵便番号",
    "corporate_number": "法人番号",
    "my_number": "マイナンバー",
    "known_person": "案件の関係者名",
    "known_organisation": "案件の組織名",
    "known_place": "案件の所在地",
}


class PublishBlocked(PermissionDenied):
    """Publishing was refused; the message lists what remains."""


def known_for(page) -> dict[str, list[str]]:
    # Any e-mail address or phone number is caught as a structured identifier, known or not.
    return known_entities(getattr(page, "source_engagement", None))


def blocking_problems(page) -> list[str]:
    """Why `page` (usually its latest revision as an object) may not be published; [] = fine."""
    known = known_for(page)
    problems = []
    for slot in case_text.slots(page):
        for finding in blocking_findings(slot.text, known):
            label = KIND_LABELS.get(finding.kind, finding.kind)
            problems.append(
                _("%(where)s: %(kind)s「%(text)s」")
                % {"where": slot.label, "kind": label, "text": finding.text}
            )
    for image in case_text.images(page):
        tags = image_metadata(image)
        if tags:
            problems.append(
                _("画像「%(title)s」に撮影場所・機器の情報（%(tags)s）が残っています")
                % {"title": image.title, "tags": "、".join(tags)}
            )
    return problems


def image_metadata(image) -> list[str]:
    """Names of revealing EXIF tags in a Wagtail image's original file."""
    try:
        with image.file.open("rb") as handle:
            exif = Image.open(io.BytesIO(handle.read())).getexif()
    except (OSError, ValueError):
        return []
    return [name for tag, name in REVEALING_EXIF.items() if tag in exif]


def check(page) -> None:
    problems = blocking_problems(page)
    if problems:
        raise PublishBlocked(
            _("個人情報が残っているため公開できません: ")
            + " ／ ".join(problems[:10])
            + (_(" ほか %(n)s 件") % {"n": len(problems) - 10} if len(problems) > 10 else "")
        )
