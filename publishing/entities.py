"""Who is who in a case draft: the reviewer's list of people and firms, and one label each.

The anonymisation assistant resolves every mention in every field of the case to this list
(privacy.resolve), so one person keeps one label in the whole case: 高橋昭子さん, 昭子会長 and
会長の高橋さん all become 「会長」. The list is seeded, never guessed at publication:

- from the engagement: the company (「当社」), the requesting body (its kind: 「商工会議所」), the
  team's registered people;
- from the draft: each person name the detector finds, with the roles the sentence gives it
  (「会長の高橋昭子さん」 → 会長; 「長女で店長の高橋彩さん」 → 長女, 店長; 「北出工場長」 → 工場長).

A name already covered by an entry (高橋 in 高橋 健一, 佐野 in 佐野 湊) adds nothing; a bare
surname shared by several entries stays ambiguous until the reviewer picks (the assistant).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from privacy.detect import detect
from privacy.resolve import Entry, Resolution, default_labels, resolve
from privacy.text import normalise
from privacy.variants import person_variants
from privacy.vocabulary import HONORIFICS, ROLES, TITLES

from . import case_text
from .models import CaseEntity

# Words a sentence names a person by, besides titles: family and workplace roles.
ROLE_WORDS = tuple(
    sorted(
        {
            *(t for t in TITLES if t not in HONORIFICS),
            *ROLES,
            "長女",
            "次女",
            "三女",
            "長男",
            "次男",
            "三男",
            "妻",
            "夫",
            "母",
            "父",
            "兄",
            "弟",
            "姉",
            "妹",
            "女将",
            "若女将",
            "店主",
            "パートリーダー",
            "リーダー",
            "工場長",
            "経理担当",
            "通販担当",
            "営業部長",
            "製造部長",
        },  # fmt: skip
        key=len,
        reverse=True,
    )
)
_ROLE = "|".join(re.escape(r) for r in ROLE_WORDS)
# 「会長の」「長女で店長の」「専務・工場長の」 right before a name.
_ROLES_BEFORE = re.compile(rf"((?:(?:{_ROLE})(?:で|・|兼|、)?)+)の$")
_ROLE_AT = re.compile(_ROLE)
# Words that are not a role of the person they follow (担当 alone says nothing).
_WEAK = {"担当", "担当者", "事務", "代表"}


def infer_roles(text: str, start: int, end: int) -> list[str]:
    """The roles `text` gives the name at [start, end): a title right after it first, then the
    roles said just before it, in their order."""
    found: list[str] = []
    after = _ROLE_AT.match(text, end)
    if after:
        found.append(after[0])
    clause = re.split(r"[。、\n「」（）()]", text[max(0, start - 30) : start])[-1]
    before = _ROLES_BEFORE.search(clause)
    if before:
        found += _ROLE_AT.findall(before[1])
    strong = [r for r in found if r not in _WEAK]
    return list(dict.fromkeys(strong or found))


_SUFFIXES = tuple(sorted({*HONORIFICS, *ROLE_WORDS}, key=len, reverse=True))


def _without_title(surface: str) -> tuple[str, str]:
    """「北出工場長」 → (「北出」, 「工場長」), 「小林さん」 → (「小林」, 「さん」): the detector's span
    may take the title or honorific with the name; the list holds the name alone."""
    for suffix in _SUFFIXES:
        if surface.endswith(suffix) and len(surface) > len(suffix):
            return surface[: -len(suffix)], suffix
    return surface, ""


def _compact(name: str) -> str:
    return re.sub(r"[\s\u3000]+", "", normalise(name))


def entries(rows: Iterable[CaseEntity]) -> list[Entry]:
    return [Entry(r.name, r.role_list, r.kind) for r in rows]


def labels(rows: list[CaseEntity]) -> dict[int, str]:
    """Entry index → label: the reviewer's where given, else the default (the role)."""
    defaults = default_labels(entries(rows))
    return {i: (row.label or defaults[i]) for i, row in enumerate(rows)}


@dataclass
class SlotResolution:
    slot: case_text.TextSlot
    resolution: Resolution


def resolve_case(draft, rows: list[CaseEntity], choices=None) -> list[SlotResolution]:
    """Every writable text of the case resolved against the list. `choices` maps
    (slot key, mention start) to the entry index the reviewer picked."""
    known = entries(rows)
    choices = choices or {}
    out = []
    for slot in case_text.slots(draft):
        if not slot.text or slot.key.startswith(("hashtag.", "slug")):
            continue
        picked = {start: i for (key, start), i in choices.items() if key == slot.key}
        out.append(SlotResolution(slot, resolve(slot.text, entries=known, choices=picked)))
    return out


# --- seeding -------------------------------------------------------------------------------------

REQUESTING_BODY_WORDS = (
    ("商工会議所", "商工会議所"),
    ("商工会", "商工会"),
    ("よろず支援拠点", "よろず支援拠点"),
    ("信用金庫", "金融機関"),
    ("信用組合", "金融機関"),
    ("銀行", "金融機関"),
    ("経済産業局", "経済産業局"),
    ("中小企業基盤整備機構", "中小機構"),
    ("診断", "診断協会"),
)


def requesting_body_role(name: str) -> str:
    """What the case calls a requesting body: its kind, read from the end of its name."""
    return next((role for word, role in REQUESTING_BODY_WORDS if word in name), "要請機関")


def _engagement_entries(engagement) -> list[tuple[str, str, str]]:
    """(name, kind, roles) the engagement knows: company, requesting body, the team."""
    found = [(engagement.company.name, CaseEntity.Kind.ORGANISATION, "当社")]
    if engagement.requesting_body:
        name = engagement.requesting_body.name
        found.append((name, CaseEntity.Kind.ORGANISATION, requesting_body_role(name)))
    team_roles = {
        "supporter": "支援者",
        "support_member": "支援チーム",
        "requesting_body": "担当者",
        "company_contact": "",
    }
    for member in engagement.members.select_related("user__organisation"):
        name = " ".join(member.user.display_name.replace("\u3000", " ").split()[:2])
        if name:
            found.append((name, CaseEntity.Kind.PERSON, team_roles.get(member.role, "")))
        organisation = member.user.organisation
        if organisation and organisation.pk not in (
            engagement.company_id,
            engagement.requesting_body_id,
        ):
            found.append((organisation.name, CaseEntity.Kind.ORGANISATION, "支援機関"))
    return found


def _split(surface: str, surnames: set[str]) -> str:
    """「高橋昭子」 → 「高橋 昭子」: by a surname already on the list, else by the dictionary."""
    for surname in sorted(surnames, key=len, reverse=True):
        if surface.startswith(surname) and len(surface) > len(surname):
            return f"{surname} {surface[len(surname) :]}"
    parts = person_variants(surface)[2:]
    return " ".join(parts) if len(parts) == 2 else surface


@transaction.atomic
def seed(*, page, draft=None) -> int:
    """Adds to the case's list what the engagement and the draft name and it lacks; the number
    added. Existing rows (and the reviewer's labels and roles) are left as they are."""
    draft = draft or page.get_latest_revision_as_object()
    rows = list(CaseEntity.objects.select_for_update().filter(page=page))
    have = {_compact(r.name) for r in rows}
    position = max((r.position for r in rows), default=0)
    new: list[CaseEntity] = []

    def add(name: str, kind: str, roles: list[str] | str) -> None:
        nonlocal position
        key = _compact(name)
        if not key or key in have:
            return
        have.add(key)
        position += 1
        roles = roles if isinstance(roles, str) else " ".join(roles)
        new.append(CaseEntity(page=page, name=name, kind=kind, roles=roles, position=position))

    engagement = getattr(page, "source_engagement", None)
    if engagement is not None:
        for name, kind, roles in _engagement_entries(engagement):
            add(name, kind, roles)
    # People found in the draft: the longest surfaces first, so 高橋昭子 is listed before 高橋.
    persons: dict[str, list[str]] = {}
    for slot in case_text.slots(draft):
        if not slot.text or slot.key.startswith(("hashtag.", "slug")):
            continue
        for f in detect(slot.text):
            if f.base_kind != "person":
                continue
            surface, title = _without_title(_compact(f.text))
            if not surface:
                continue
            end = f.end - len(title) if title else f.end
            roles = persons.setdefault(surface, [])
            inferred = infer_roles(slot.text, f.start, end)
            roles += [r for r in inferred if r not in roles]
    listed = [*rows, *new]
    surnames = {
        person_variants(r.name)[2]
        for r in listed
        if r.kind == CaseEntity.Kind.PERSON and len(person_variants(r.name)) > 3
    }
    for surface in sorted(persons, key=len, reverse=True):
        people = [_compact(r.name) for r in [*rows, *new] if r.kind == CaseEntity.Kind.PERSON]
        if any(surface in name for name in people):
            # A part of a listed name (高橋, 彩): its roles join that entry's if it has none.
            owners = [r for r in new if surface in _compact(r.name)]
            if len(owners) == 1 and not owners[0].roles and persons[surface]:
                owners[0].roles = " ".join(persons[surface])
            continue
        if surface in surnames:
            continue
        add(_split(surface, surnames), CaseEntity.Kind.PERSON, persons[surface])
    CaseEntity.objects.bulk_create(new)
    return len(new)
