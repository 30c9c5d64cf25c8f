"""Loads the demo know-how articles and curriculum from fixtures/ (after the cases)."""

import json
from pathlib import Path

from django.db import transaction

from cases.models import CasePage
from knowhow.models import KnowHowCaseLink, KnowHowIndexPage, KnowHowPage
from taxonomy import terms
from training.models import CurriculumIndexPage, CurriculumItem, CurriculumPage, CurriculumUnitPage

KNOWHOW_KEYS = {"slug", "title", "skill", "phases", "summary", "body", "cases"}
CURRICULUM_KEYS = {"slug", "title", "intro", "units"}
UNIT_KEYS = {"slug", "title", "objectives", "description", "trainer_notes", "items"}


class DemoDataError(Exception):
    pass


def _publish(page) -> None:
    page.save_revision(clean=False).publish()


def _cases_by_id(ids) -> dict[str, CasePage]:
    found = {c.external_id: c for c in CasePage.objects.filter(external_id__in=set(ids))}
    missing = sorted(set(ids) - set(found))
    if missing:
        raise DemoDataError(f"存在しない事例 ID を参照しています: {', '.join(missing)}")
    return found


@transaction.atomic
def load_knowhow(path: Path) -> int:
    index = KnowHowIndexPage.objects.get()
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        if set(row) != KNOWHOW_KEYS:
            raise DemoDataError(
                f"{path.name} line {number}: キーが違います: {sorted(set(row) ^ KNOWHOW_KEYS)}"
            )
        if not terms.is_valid("skill", row["skill"]):
            raise DemoDataError(f"{path.name} line {number}: skill: 不正なコード {row['skill']}")
        rows.append(row)
    cases = _cases_by_id(i for row in rows for i in row["cases"])
    for row in rows:
        page = KnowHowPage.objects.child_of(index).filter(slug=row["slug"]).specific().first()
        creating = page is None
        page = page or KnowHowPage(slug=row["slug"])
        page.title = page.draft_title = row["title"]
        page.skill, page.phases, page.summary = row["skill"], row["phases"], row["summary"]
        page.body = [("text", row["body"])]
        page.case_links = [KnowHowCaseLink(case=cases[i]) for i in row["cases"]]
        if creating:
            index.add_child(instance=page)
        else:
            page.save()
        _publish(page)
    return len(rows)


@transaction.atomic
def load_curriculum(path: Path) -> int:
    data = json.loads(path.read_text(encoding="utf-8"))
    if set(data) != CURRICULUM_KEYS:
        raise DemoDataError(f"{path.name}: キーが違います: {sorted(set(data) ^ CURRICULUM_KEYS)}")
    index = CurriculumIndexPage.objects.get()
    curriculum = CurriculumPage.objects.child_of(index).filter(slug=data["slug"]).specific().first()
    if curriculum is None:
        curriculum = index.add_child(
            instance=CurriculumPage(title=data["title"], slug=data["slug"], intro=data["intro"])
        )
    else:
        curriculum.title = curriculum.draft_title = data["title"]
        curriculum.intro = data["intro"]
        curriculum.save()
    _publish(curriculum)

    case_ids = [i["id"] for u in data["units"] for i in u["items"] if i["type"] == "case"]
    cases = _cases_by_id(case_ids)
    knowhow = {k.slug: k for k in KnowHowPage.objects.all()}
    for position, unit_data in enumerate(data["units"], start=1):
        if set(unit_data) != UNIT_KEYS:
            raise DemoDataError(f"{path.name} units[{position - 1}]: キーが違います")
        unit = (
            CurriculumUnitPage.objects.child_of(curriculum)
            .filter(slug=unit_data["slug"])
            .specific()
            .first()
        )
        creating = unit is None
        unit = unit or CurriculumUnitPage(slug=unit_data["slug"])
        unit.title = unit.draft_title = unit_data["title"]
        unit.objectives = [("objective", o) for o in unit_data["objectives"]]
        unit.description = unit_data["description"]
        unit.trainer_notes = unit_data["trainer_notes"]
        items = []
        for item in unit_data["items"]:
            if item["type"] == "case":
                items.append(
                    CurriculumItem(case=cases[item["id"]], questions="\n".join(item["questions"]))
                )
            elif item["slug"] in knowhow:
                items.append(CurriculumItem(knowhow=knowhow[item["slug"]]))
            else:
                raise DemoDataError(f"{path.name}: 存在しないノウハウ {item['slug']}")
        unit.items = items
        if creating:
            curriculum.add_child(instance=unit)
        else:
            unit.save()
        _publish(unit)
    return len(data["units"])
