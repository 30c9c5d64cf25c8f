"""Case packs: who may make them, composing one from a unit, and what goes into its PDF.

A pack stores the trainer's choices and words only. What it prints is read from the live pages
when the PDF is made, and each page passes the publish gate again then (a page edited or
unpublished since the pack was composed is left out, never printed stale). The gate belongs to
publishing, a layer above training: publishing hands its check over with set_public_check() in
its AppConfig.ready(), the way it adds its panel to the case editor. Without a check nothing is
printed (fail closed).
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Page

from accounts import roles
from knowhow.models import KnowHowPage
from taxonomy import terms

from .models import PACK_MAKERS, CasePack, CasePackItem, CurriculumUnitPage

PublicCheck = Callable[[Page], list[str]]
_public_check: PublicCheck | None = None


def set_public_check(check: PublicCheck) -> None:
    """The publish gate's check (publishing.gate.blocking_problems): [] means the page may go out."""
    global _public_check
    _public_check = check


def public_problems(page: Page) -> list[str]:
    if _public_check is None:
        raise ImproperlyConfigured("The publish gate has not registered its check (publishing).")
    return _public_check(page)


def _case_model():
    """CasePage, through the relation models.py declares: training and cases are siblings in the
    content layer (docs/architecture.md) and do not import each other."""
    return CasePackItem._meta.get_field("case").related_model


def can_make_packs(user) -> bool:
    return roles.has_any_role(user, PACK_MAKERS)


# --- composing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Material:
    """A case or know-how article a unit links to, offered for a pack."""

    key: str  # "case-12" / "knowhow-7": the form's field prefix and the item's identity
    kind: str  # "case" | "knowhow"
    page: Page  # a CasePage or a KnowHowPage
    questions: str  # the unit's discussion questions for it (the pack's starting point)

    @property
    def kind_label(self) -> str:
        return _("事例") if self.kind == "case" else _("ノウハウ")


def material_key(*, case_id: int | None, knowhow_id: int | None) -> str:
    return f"case-{case_id}" if case_id else f"knowhow-{knowhow_id}"


def unit_materials(unit: CurriculumUnitPage) -> list[Material]:
    """The unit's linked cases and know-how that are live and public, in the unit's order."""
    items = list(unit.items.all())
    cases = _case_model().objects.live().public().in_bulk([i.case_id for i in items if i.case_id])
    knowhow = (
        KnowHowPage.objects.live().public().in_bulk([i.knowhow_id for i in items if i.knowhow_id])
    )
    materials: dict[str, Material] = {}
    for item in items:
        page = cases.get(item.case_id) if item.case_id else knowhow.get(item.knowhow_id)
        key = material_key(case_id=item.case_id, knowhow_id=item.knowhow_id)
        if page is not None and key not in materials:
            kind = "case" if item.case_id else "knowhow"
            materials[key] = Material(key, kind, page, item.questions.strip())
    return list(materials.values())


def pack_units():
    """Live units, with their curricula, that a pack can be made from."""
    return CurriculumUnitPage.objects.live().specific().order_by("path")


@dataclass(frozen=True)
class Selection:
    """One material chosen for a pack, with the trainer's questions and notes for it."""

    key: str
    questions: str = ""
    trainer_notes: str = ""


@transaction.atomic
def save_pack(
    *,
    unit: CurriculumUnitPage,
    title: str,
    questions: str,
    trainer_notes: str,
    selections: Sequence[Selection],
    by,
    pack: CasePack | None = None,
) -> CasePack:
    """Creates `pack` (or replaces its contents) from materials the unit links to.

    Raises ValidationError when a selection is not one of the unit's live materials (a page
    unpublished or unlinked while the form was open) or when nothing is selected.
    """
    offered = {m.key: m for m in unit_materials(unit)}
    unknown = [s.key for s in selections if s.key not in offered]
    if unknown:
        raise ValidationError(
            _(
                "選んだ教材の一部が、このユニットの公開中の教材ではなくなりました。選び直してください。"
            )
        )
    if not selections:
        raise ValidationError(_("事例かノウハウを 1 つ以上選んでください。"))
    if pack is None:
        pack = CasePack(unit=unit, created_by=by)
    elif pack.unit_id != unit.pk:
        raise ValidationError(_("別のユニットのパックです。"))
    pack.title = title.strip()
    pack.questions = questions.strip()
    pack.trainer_notes = trainer_notes.strip()
    pack.full_clean()
    pack.save()
    pack.items.all().delete()
    # The unit's order is the reading order of the course.
    order = {key: n for n, key in enumerate(offered)}
    items = []
    for selection in sorted(selections, key=lambda s: order[s.key]):
        material = offered[selection.key]
        item = CasePackItem(
            pack=pack,
            position=order[selection.key] + 1,
            case=material.page if material.kind == "case" else None,
            knowhow=material.page if material.kind == "knowhow" else None,
            questions=selection.questions.strip(),
            trainer_notes=selection.trainer_notes.strip(),
        )
        item.full_clean(exclude=["pack"])
        items.append(item)
    CasePackItem.objects.bulk_create(items)
    return pack


def packs_for(user):
    """The packs `user` may open: every pack, for the pack makers; none for anyone else."""
    if not can_make_packs(user):
        return CasePack.objects.none()
    return CasePack.objects.select_related("unit", "created_by")


# --- what the PDF prints -------------------------------------------------------------------------

PARTICIPANTS = "participants"
TRAINER = "trainer"
EDITIONS = (PARTICIPANTS, TRAINER)


def edition_label(edition: str) -> str:
    return _("講師用") if edition == TRAINER else _("参加者用")


@dataclass(frozen=True)
class Entry:
    """One material as printed: a live page that passed the gate, with the pack's words for it."""

    kind: str
    page: Page  # a CasePage or a KnowHowPage
    questions: list[str]
    trainer_notes: str
    anchor: str
    number: int  # 事例 1, 2, … / ノウハウ 1, 2, … (numbered per kind)
    profile: list[tuple[str, str]] = field(default_factory=list)
    sections: list = field(default_factory=list)


@dataclass(frozen=True)
class LeftOut:
    title: str
    reason: str


@dataclass(frozen=True)
class Contents:
    pack: CasePack
    entries: list[Entry]
    left_out: list[LeftOut]

    @property
    def case_count(self) -> int:
        return sum(1 for e in self.entries if e.kind == "case")


def pack_contents(pack: CasePack) -> Contents:
    """What the pack prints now: its items whose pages are live, public and pass the gate."""
    items = list(pack.items.all())
    cases = (
        _case_model()
        .objects.live()
        .public()
        .prefetch_related("sections")
        .in_bulk([i.case_id for i in items if i.case_id])
    )
    knowhow = (
        KnowHowPage.objects.live().public().in_bulk([i.knowhow_id for i in items if i.knowhow_id])
    )
    # Titles of pages no longer live, for the trainer's list of what is left out.
    titles = dict(
        Page.objects.filter(pk__in=[i.case_id or i.knowhow_id for i in items]).values_list(
            "pk", "title"
        )
    )
    entries, left_out = [], []
    counters = {"case": 0, "knowhow": 0}
    for item in items:
        kind = "case" if item.case_id else "knowhow"
        page_id = item.case_id or item.knowhow_id
        page = cases.get(page_id) if kind == "case" else knowhow.get(page_id)
        if page is None:
            left_out.append(LeftOut(titles.get(page_id, ""), _("公開されていません")))
            continue
        if public_problems(page):
            # The findings themselves are personal data: only say that the page is held back.
            left_out.append(LeftOut(page.title, _("公開チェックを通りません")))
            continue
        counters[kind] += 1
        entries.append(
            Entry(
                kind=kind,
                page=page,
                questions=item.question_list,
                trainer_notes=item.trainer_notes,
                anchor=f"{kind}-{page.pk}",
                number=counters[kind],
                profile=case_profile(page) if kind == "case" else [],
                sections=list(page.sections.all()) if kind == "case" else [],
            )
        )
    return Contents(pack=pack, entries=entries, left_out=left_out)


def _yes_no(value: bool | None, yes: str, no: str) -> str:
    return "" if value is None else (yes if value else no)


def _year_month(value: str) -> str:
    return f"{value[:4]}年{int(value[5:])}月" if value and len(value) == 7 else value or ""


def case_profile(case) -> list[tuple[str, str]]:
    """基礎情報 as (label, value) rows, the same facts the case page shows, empty ones left out."""
    region = terms.label("region", case.region)
    if case.prefecture:
        region += f"（{terms.label('prefecture', case.prefecture)}）"
    trends = "、".join(
        f"{name}: {terms.label('trend', code)}"
        for name, code in ((_("売上高"), case.sales_trend), (_("経常利益率"), case.profit_trend))
        if code
    )
    offices = "・".join(
        v
        for v in (
            _yes_no(case.offices_outside_prefecture, _("県外あり"), _("県外なし")),
            _yes_no(case.overseas_presence, _("海外あり"), _("海外なし")),
        )
        if v
    )
    period = ""
    if case.started:
        period = f"{_year_month(case.started)}〜{_year_month(case.ended)}"
    rows = [
        (_("業種"), terms.label("industry", case.industry)),
        (_("地域"), region),
        (_("組織規模"), terms.label("employees", case.employees)),
        (_("売上規模"), terms.label("sales", case.sales)),
        (_("県外／海外の事業所"), offices),
        (_("経営者属性"), terms.label("owner_type", case.owner_type)),
        (_("経営者年齢"), terms.label("owner_age", case.owner_age)),
        (_("財務の傾向"), trends),
        (_("規模×局面"), terms.label("scale_phase", case.scale_phase)),
        (
            _("理念・ビジョン"),
            _yes_no(case.vision_articulated, _("言語化したことがある"), _("言語化したことがない")),
        ),
        (_("アプローチ"), terms.label("approach", case.approach)),
        (_("要請機関"), terms.label("requesting_body", case.requesting_body)),
        (_("支援者のタイプ"), terms.label("supporter_type", case.supporter_type)),
        (_("訪問回数"), _("%(n)s回") % {"n": case.visits} if case.visits else ""),
        (_("支援期間"), period),
    ]
    return [(label, value) for label, value in rows if value]


def edition_entries(contents: Contents, *, edition: str) -> Iterable[dict]:
    """The entries as the template receives them: the participants' edition gets no notes at all,
    so no template condition stands between a note and a participant."""
    trainer = edition == TRAINER
    for entry in contents.entries:
        yield {
            "kind": entry.kind,
            "page": entry.page,
            "questions": entry.questions,
            "trainer_notes": entry.trainer_notes if trainer else "",
            "anchor": entry.anchor,
            "number": entry.number,
            # Two facts a row: 基礎情報 stays a compact block above the story.
            "profile_rows": [entry.profile[i : i + 2] for i in range(0, len(entry.profile), 2)],
            "sections": entry.sections,
        }
