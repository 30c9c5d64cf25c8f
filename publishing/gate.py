"""The publish gate: nothing private reaches the public, whichever page type and whichever path.

What is read: everything the public receives from the page (publishing.public_text), on every
page type. What blocks:

- structured identifiers (phone, e-mail, postcode, URL, 法人番号, マイナンバー) on every page;
- the known names of the engagements behind the page, with the short forms writers use
  (privacy.variants): a case's own engagement, and for a know-how article the engagements of
  the cases it is linked to;
- revealing EXIF metadata in the images the page shows;
- for a case written in the platform, a missing lead, fewer than two 本事例のポイント, no hashtag
  or no phase with a body (publishing.checklist; imported cases follow the case format).

Where it runs: install() wraps Wagtail's PublishRevisionAction._publish_revision, the one step
every publication passes (the editor's 公開 button calls the action directly, not Page.publish;
workflow approval, scheduled publishing, bulk publish, the admin API, revision.publish() and
import_cases all end there). A page created already live without a revision (add_child with
live=True, page copies) is checked by a pre_save receiver. A refused publication raises
PublishBlocked; the draft revision stays as it was.
"""

import functools
import io

from django.core.exceptions import PermissionDenied
from django.db.models.signals import pre_save
from django.utils.translation import gettext as _
from PIL import Image
from wagtail.actions.publish_revision import PublishRevisionAction
from wagtail.models import Page

from cases.models import CasePage
from privacy.anonymise import blocking_findings

from . import checklist, memo, public_text
from .known import known_entities, merge

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

MAX_LISTED = 10


class PublishBlocked(PermissionDenied):
    """Publishing was refused; the message lists what remains, field by field."""


def engagements_behind(page) -> list:
    """The engagements whose names must not appear on `page`.

    A case drafted from an engagement has it as source_engagement; a know-how article is linked
    to cases (case_links), each possibly drafted from one.
    """
    found = []
    engagement = getattr(page, "source_engagement", None)
    if engagement is not None:
        found.append(engagement)
    links = getattr(page, "case_links", None)
    if links is not None:
        for link in links.all():
            case = getattr(link, "case", None)
            if case is not None and case.source_engagement_id:
                found.append(case.source_engagement)
    return found


def known_for(page) -> dict[str, list[str]]:
    # Any e-mail address or phone number is caught as a structured identifier, known or not.
    known = merge(*(known_entities(e) for e in engagements_behind(page)))
    # The people and firms the reviewer listed for this case (publishing.entities) are known
    # names too: a mention the assistant could not resolve still blocks publication.
    listed = {"persons": [], "organisations": []}
    # Through the case's relation (publishing.models.CaseEntity): models.py imports this module.
    entities = getattr(page, "anonymisation_entities", None)
    for row in entities.all() if entities is not None and page.pk else ():
        key = "persons" if row.kind == row.Kind.PERSON else "organisations"
        listed[key].append(row.name)
    return merge(known, listed) if any(listed.values()) else known


def blocking_problems(page) -> list[str]:
    """Why `page` (usually its latest revision as an object) may not be published; [] = fine.

    Each problem says, in Japanese, which field holds what: 「SEO タイトル: 案件の関係者名「高橋」」.
    """
    try:
        texts = list(public_text.public_texts(page))
    except public_text.UncoveredField as exc:
        return [_("公開チェックが未対応の項目があります（開発者に連絡してください）: %s") % exc]
    known = known_for(page)
    problems = []
    for text in texts:
        for finding in _findings(text.text, known):
            label = KIND_LABELS.get(finding.kind, finding.kind)
            problems.append(
                _("%(where)s: %(kind)s「%(text)s」")
                % {"where": text.label, "kind": label, "text": finding.text}
            )
    for image in public_text.images(page):
        tags = image_metadata(image)
        if tags:
            problems.append(
                _("画像「%(title)s」に撮影場所・機器の情報（%(tags)s）が残っています")
                % {"title": image.title, "tags": "、".join(tags)}
            )
    return list(dict.fromkeys(problems))


def _findings(text: str, known: dict[str, list[str]]) -> list:
    """blocking_findings, once per text and known names in a request (publishing.memo): the
    approver's editor asks the gate three times for the same draft (the panel, and the workflow's
    get_actions for the action menu and the status panel), an approval twice (get_actions, then
    the gate in front of the publication). The findings depend on the text and the names alone."""
    names = tuple(sorted((kind, tuple(found)) for kind, found in known.items()))
    return memo.per_request(("gate", text, names), lambda: blocking_findings(text, known))


def image_metadata(image) -> list[str]:
    """Names of revealing EXIF tags in a Wagtail image's original file."""
    try:
        with image.file.open("rb") as handle:
            exif = Image.open(io.BytesIO(handle.read())).getexif()
    except (OSError, ValueError):
        return []
    return [name for tag, name in REVEALING_EXIF.items() if tag in exif]


def summary(problems: list[str]) -> str:
    listed = " ／ ".join(problems[:MAX_LISTED])
    if len(problems) > MAX_LISTED:
        listed += _(" ほか %(n)s 件") % {"n": len(problems) - MAX_LISTED}
    return listed


def check(page) -> None:
    """Raises PublishBlocked when `page` may not be published as it is."""
    problems = blocking_problems(page)
    if problems:
        raise PublishBlocked(_("個人情報が残っているため公開できません: ") + summary(problems))


def check_editorial(page) -> None:
    """Raises PublishBlocked when a case written in the platform misses the checklist's items
    (publishing.checklist); the draft stays as it is."""
    if not isinstance(page, CasePage):
        return
    lacking = checklist.missing(page)
    if lacking:
        raise PublishBlocked(
            _("事例の必須項目が揃っていないため公開できません（下書きはそのまま残っています）: ")
            + " ／ ".join(lacking)
        )


# --- the choke point -----------------------------------------------------------------------------

_CHECKED = "_publish_gate_checked"


def _gated(publish_revision):
    @functools.wraps(publish_revision)
    def wrapper(self, revision, object, *args, **kwargs):
        if isinstance(object, Page):
            specific = object.specific_deferred if type(object) is Page else object
            check(specific)
            if revision is not None and revision.user_id is not None:
                # Written in the platform (the importer's revisions have no author: the case
                # format makes ポイント and hashtags optional; publishing.checklist).
                check_editorial(specific)
            setattr(object, _CHECKED, True)  # the save inside need not check again
        return publish_revision(self, revision, object, *args, **kwargs)

    wrapper.publish_gate = True
    return wrapper


def _created_live(sender, instance, raw=False, **kwargs) -> None:
    """A page saved live without a publication (add_child(instance=…live=True), copy) is checked."""
    if raw or not isinstance(instance, Page) or not instance.live:
        return
    if getattr(instance, _CHECKED, False):
        return
    update_fields = kwargs.get("update_fields")
    if instance.pk is None or update_fields is None and _content_changed(instance):
        check(instance)


def _content_changed(page) -> bool:
    """Whether a full save of a live page changes what it shows (not a tree move or a flag)."""
    try:
        stored = type(page).objects.get(pk=page.pk)
    except type(page).DoesNotExist:
        return True
    return any(
        getattr(stored, f.attname) != getattr(page, f.attname)
        for f in type(page)._meta.concrete_fields
        if f.name not in public_text.PAGE_PRIVATE_FIELDS
    )


def install() -> None:
    """Puts the gate in front of every publication (idempotent; called from AppConfig.ready)."""
    if not getattr(PublishRevisionAction._publish_revision, "publish_gate", False):
        PublishRevisionAction._publish_revision = _gated(PublishRevisionAction._publish_revision)
    pre_save.connect(_created_live, dispatch_uid="publishing.gate.created_live", weak=False)
    memo.connect()


def installed() -> bool:
    return getattr(PublishRevisionAction._publish_revision, "publish_gate", False)
