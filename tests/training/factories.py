"""Factories for the training tests: case packs, and the pages a unit links, in an order and with
the basic information of their own, built on tests/factories.py (pages published through Wagtail
under the site's index pages)."""

import factory
from factory.django import DjangoModelFactory

from cases.models import CasePage
from tests import factories
from training import packs
from training.models import CasePack, CurriculumItem


class CaseFactory(factories.CasePageFactory):
    """A case with the basic information a pack's PDF shows, over two phases."""

    title = factory.Sequence(lambda n: f"町の工務店が受注の入口を見直した事例 第{n}号")
    slug = factory.Sequence(lambda n: f"pack-case-{n}")
    external_id = factory.Sequence(lambda n: f"pack-case-{n}")
    subtitle = "対話を重ねて本質的課題に気づいた事例"
    industry = "D"
    region = "kanto"
    prefecture = "13"
    employees = "6-20"
    visits = 6
    started = "2023-04"
    ended = "2024-03"
    sections = (("trust", ("whiteboard",)), ("awareness", ()))


class KnowHowFactory(factories.KnowHowPageFactory):
    title = factory.Sequence(lambda n: f"答えを言わずに待つ技術 その{n}")
    slug = factory.Sequence(lambda n: f"pack-knowhow-{n}")


class UnitFactory(factories.CurriculumUnitPageFactory):
    """A unit in a curriculum of its own, linking `materials` (cases and know-how pages) in the
    order given: a pack keeps the unit's order."""

    title = factory.Sequence(lambda n: f"ケース演習 第{n}回")
    slug = factory.Sequence(lambda n: f"pack-unit-{n}")
    trainer_notes = "ユニットの講師メモ：一事例二十分で進める"

    @classmethod
    def _create(cls, model_class, *args, materials=(), **kwargs):
        kwargs["items"] = [
            CurriculumItem(case=page, questions="社長の気づきはどこで生まれたか")
            if isinstance(page, CasePage)
            else CurriculumItem(knowhow=page)
            for page in materials
        ]
        return super()._create(model_class, *args, **kwargs)


class PackFactory(DjangoModelFactory):
    """A pack of every live material of `unit`, made through the service as the form does."""

    class Meta:
        model = CasePack

    @classmethod
    def _create(cls, model_class, *, unit, by, title="第1回 ケースパック", notes="", **kwargs):
        selections = [
            packs.Selection(m.key, m.questions, notes.format(title=m.page.title) if notes else "")
            for m in packs.unit_materials(unit)
        ]
        return packs.save_pack(
            unit=unit,
            title=title,
            questions=kwargs.get("questions", "明日からの支援で何を変えるか"),
            trainer_notes=kwargs.get("trainer_notes", ""),
            selections=selections,
            by=by,
        )
