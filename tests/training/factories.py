"""Factories for the training tests: cases, know-how, a curriculum unit linking them, case packs.

Pages are real Wagtail pages added under the demo site's index pages (the session database has
them); a live page passes the publish gate as it is saved (publishing.gate._created_live).
"""

import factory
from factory.django import DjangoModelFactory

from cases.models import CaseIndexPage, CasePage, CaseSection
from knowhow.models import KnowHowIndexPage, KnowHowPage
from training import packs
from training.models import (
    CasePack,
    CurriculumIndexPage,
    CurriculumItem,
    CurriculumPage,
    CurriculumUnitPage,
)


class PageFactory(DjangoModelFactory):
    """Adds the page as a child of `parent` (Wagtail's tree), live unless live=False."""

    class Meta:
        abstract = True

    live = True

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        page = model_class(*args, **kwargs)
        parent.add_child(instance=page)
        return page


class CaseFactory(PageFactory):
    class Meta:
        model = CasePage

    title = factory.Sequence(lambda n: f"町の工務店が受注の入口を見直した事例 第{n}号")
    slug = factory.Sequence(lambda n: f"pack-case-{n}")
    external_id = factory.Sequence(lambda n: f"pack-case-{n}")
    subtitle = "対話を重ねて本質的課題に気づいた事例"
    lead = "売上の伸び悩みを値引きで補ってきた社長が、対話を通じて受注の入口の詰まりに気づいた。"
    industry = "D"
    region = "kanto"
    prefecture = "13"
    employees = "6-20"
    visits = 6
    started = "2023-04"
    ended = "2024-03"
    key_points = factory.LazyFunction(
        lambda: [("point", "支援者は答えを示さず、社長が自ら課題を言葉にするまで待った")]
    )
    background = "創業四十年の工務店。紹介による受注が減り、見積の手戻りが増えていた。"
    outcomes = "受注の入口を一本化し、見積の手戻りが半分になった。"
    parent = factory.LazyFunction(lambda: CaseIndexPage.objects.get())
    sections = factory.LazyFunction(
        lambda: [
            CaseSection(
                phase="trust",
                heading="社長の話を最後まで聴く",
                body=[("text", "初回は資料を持たずに訪問し、社長の話を二時間聴いた。")],
                tools=["whiteboard"],
            ),
            CaseSection(
                phase="awareness",
                heading="詰まりどころを一緒に描く",
                body=[("text", "受注から引き渡しまでの流れを描くと、見積の段階で止まっていた。")],
            ),
        ]
    )


class KnowHowFactory(PageFactory):
    class Meta:
        model = KnowHowPage

    title = factory.Sequence(lambda n: f"答えを言わずに待つ技術 その{n}")
    slug = factory.Sequence(lambda n: f"pack-knowhow-{n}")
    skill = "mind"
    phases = factory.LazyFunction(lambda: ["trust"])
    summary = "経営者が自分の言葉で課題を語るまで待つための工夫。"
    body = factory.LazyFunction(lambda: [("text", "沈黙を恐れず、問いを一つだけ置いて待つ。")])
    parent = factory.LazyFunction(lambda: KnowHowIndexPage.objects.get())


class UnitFactory(PageFactory):
    """A unit in a curriculum of its own, linking `materials` (cases and know-how pages)."""

    class Meta:
        model = CurriculumUnitPage

    title = factory.Sequence(lambda n: f"ケース演習 第{n}回")
    slug = factory.Sequence(lambda n: f"pack-unit-{n}")
    objectives = factory.LazyFunction(lambda: [("objective", "事例から支援の進め方を読み解く")])
    description = "各事例を読み、グループで討議します。"
    trainer_notes = "ユニットの講師メモ：一事例二十分で進める"
    parent = factory.LazyFunction(
        lambda: CurriculumIndexPage.objects.get().add_child(
            instance=CurriculumPage(title="ケースで学ぶ！伴走支援研修", slug="pack-course")
        )
    )

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
