"""Test data built with factory_boy: build what a test needs here instead of looking up demo rows.

The demo content (load_demo, loaded once per session by tests/conftest.py) is there for the
pages that need a site around them; a test that is not about the demo itself makes its own rows,
so it says what it relies on and keeps working when the demo text changes.

    supporter = UserFactory(role=roles.SUPPORTER)
    engagement = EngagementFactory(team={"supporter": supporter})
    case = CasePageFactory(industry="E", sections=[("trust", ["whiteboard"])])
    unit = CurriculumUnitPageFactory(trainer_notes="- 時間配分に注意", cases={case: "問い"})

Pages are added under the site's own index page (the case index, the know-how index, …) and
published through Wagtail's publication, so the publication gate checks them as in real use;
`live=False` leaves a draft. Areas with data of their own keep their factories in
tests/<area>/factories.py, built on these.
"""

import factory
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from accounts.models import Organisation, User
from cases.models import CaseIndexPage, CasePage, CaseSection
from engagements import services as engagement_services
from engagements.models import Engagement, EngagementMember, Record, Visit
from knowhow.models import KnowHowCaseLink, KnowHowIndexPage, KnowHowPage
from surveys.models import Survey
from training.models import CurriculumIndexPage, CurriculumItem, CurriculumPage, CurriculumUnitPage

PASSWORD = "long-enough-passphrase"


# --- people ---------------------------------------------------------------------------------


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"株式会社テスト{n}")
    kind = Organisation.Kind.COMPANY


class UserFactory(DjangoModelFactory):
    """A user with PASSWORD; `role=roles.X` puts them in that role's group."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@factory.test")
    display_name = factory.Sequence(lambda n: f"利用者{n}")
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(*args, **kwargs)  # hashes the password

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))


# --- engagements ------------------------------------------------------------------------------


class EngagementFactory(DjangoModelFactory):
    """An engagement with its company; `team={"supporter": user, …}` (a role of
    EngagementMember.Role to a user or a list of users) makes its members."""

    class Meta:
        model = Engagement
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"F-{n:04d}")
    title = factory.Sequence(lambda n: f"テスト案件{n}")
    company = factory.SubFactory(OrganisationFactory)

    @factory.post_generation
    def team(self, create, extracted, **kwargs):
        for role, users in (extracted or {}).items():
            for user in users if isinstance(users, list | tuple) else [users]:
                EngagementMember.objects.create(engagement=self, user=user, role=role)


class EngagementMemberFactory(DjangoModelFactory):
    class Meta:
        model = EngagementMember

    engagement = factory.SubFactory(EngagementFactory)
    user = factory.SubFactory(UserFactory)
    role = EngagementMember.Role.SUPPORTER


class VisitFactory(DjangoModelFactory):
    class Meta:
        model = Visit

    engagement = factory.SubFactory(EngagementFactory)
    number = factory.Sequence(lambda n: n + 1)


def record_saved(engagement, kind, data: dict, *, author, visit=None) -> Record:
    """A plan or report with one saved version, written through the engagement services."""
    record = engagement_services.record_for(engagement, kind, visit)
    engagement_services.record_save(
        record=record, base_version=record.version, data=data, author=author
    )
    record.refresh_from_db()
    return record


class SurveyFactory(DjangoModelFactory):
    class Meta:
        model = Survey

    visit = factory.SubFactory(VisitFactory)


# --- pages ------------------------------------------------------------------------------------


class PageFactory(DjangoModelFactory):
    """A Wagtail page added under `parent` and published (live=False: a draft)."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    @classmethod
    def _create(cls, model_class, *args, parent=None, live=True, **kwargs):
        tags = cls._tags(kwargs)
        page = model_class(*args, **kwargs)
        for name, values in tags.items():  # a tag manager is not a constructor argument
            getattr(page, name).add(*values)
        parent = parent or cls._parent()
        page.live = False  # becomes live only through the publication below
        parent.add_child(instance=page)
        if live:
            page.save_revision().publish()
            page.refresh_from_db()
        else:
            page.save_revision()
        return page

    @classmethod
    def _parent(cls):
        raise NotImplementedError

    @classmethod
    def _tags(cls, kwargs) -> dict:
        """The tag managers' values, taken out of `kwargs`."""
        return {}


class CasePageFactory(PageFactory):
    """A case under the case index; `sections=[(phase, [tool, …]), …]` gives its steps."""

    class Meta:
        model = CasePage

    title = factory.Sequence(lambda n: f"製造業の工程改善の事例{n}")
    slug = factory.Sequence(lambda n: f"factory-case-{n}")
    external_id = factory.Sequence(lambda n: f"factory-{n:05d}")
    lead = "受注の波に振り回されていた工場が、工程の見える化で残業を減らした事例。"
    industry = "E"
    region = "chubu"
    employees = "21-50"
    background = "社長は受注の波に悩んでいた。"
    outcomes = "残業が減り、社員が改善を提案するようになった。"
    # What the approval checklist asks of a reviewed case (publishing/checklist.py).
    key_points = factory.LazyFunction(
        lambda: [("point", "対話から始めた。"), ("point", "社員が工程を見える化した。")]
    )

    @classmethod
    def _create(cls, model_class, *args, sections=(("trust", ["whiteboard"]),), **kwargs):
        kwargs["sections"] = [
            CaseSection(
                phase=phase,
                heading=f"段階{number}",
                body=[("text", "社長と社員の対話から始めた。")],
                tools=list(tools),
            )
            for number, (phase, tools) in enumerate(sections, start=1)
        ]
        return super()._create(model_class, *args, **kwargs)

    @classmethod
    def _parent(cls):
        return CaseIndexPage.objects.get()

    @classmethod
    def _tags(cls, kwargs) -> dict:
        return {"hashtags": kwargs.pop("hashtags", ["工程改善"])}


class KnowHowPageFactory(PageFactory):
    """A know-how article under the know-how index; `cases=[case, …]` links it to cases."""

    class Meta:
        model = KnowHowPage

    title = factory.Sequence(lambda n: f"対話の進め方{n}")
    slug = factory.Sequence(lambda n: f"factory-knowhow-{n}")
    skill = "three-kiku"
    phases = factory.LazyFunction(lambda: ["trust"])
    summary = "社長の話を最後まで聞くと、本当の課題が見えてくる。"
    body = factory.LazyFunction(lambda: [("text", "最初の訪問では聞くことに徹する。")])

    @classmethod
    def _create(cls, model_class, *args, cases=(), **kwargs):
        kwargs["case_links"] = [KnowHowCaseLink(case=case) for case in cases]
        return super()._create(model_class, *args, **kwargs)

    @classmethod
    def _parent(cls):
        return KnowHowIndexPage.objects.get()


class CurriculumPageFactory(PageFactory):
    class Meta:
        model = CurriculumPage

    title = factory.Sequence(lambda n: f"研修カリキュラム{n}")
    slug = factory.Sequence(lambda n: f"factory-curriculum-{n}")
    intro = "伴走支援の基本を事例で学ぶ。"

    @classmethod
    def _parent(cls):
        return CurriculumIndexPage.objects.get()


class CurriculumUnitPageFactory(PageFactory):
    """A unit in a new curriculum (or `parent=`); `cases={case: "問い1\\n問い2"}` links cases
    with their discussion questions, `knowhow=[article, …]` know-how (after the cases);
    `items=[CurriculumItem(…), …]` gives materials in an order of your own (before both)."""

    class Meta:
        model = CurriculumUnitPage

    title = factory.Sequence(lambda n: f"研修ユニット{n}")
    slug = factory.Sequence(lambda n: f"factory-unit-{n}")
    objectives = factory.LazyFunction(lambda: [("objective", "傾聴の意味を説明できる")])
    description = "事例を読み、支援者の問いかけを話し合う。"
    trainer_notes = ""

    @classmethod
    def _create(cls, model_class, *args, cases=None, knowhow=(), items=(), **kwargs):
        kwargs["items"] = [
            *items,
            *(CurriculumItem(case=case, questions=q) for case, q in (cases or {}).items()),
            *(CurriculumItem(knowhow=article) for article in knowhow),
        ]
        return super()._create(model_class, *args, **kwargs)

    @classmethod
    def _parent(cls):
        return CurriculumPageFactory()
