"""The factories of tests/factories.py build what they say (people, engagements, pages)."""

import pytest

from accounts import roles
from tests.factories import (
    PASSWORD,
    CasePageFactory,
    CurriculumUnitPageFactory,
    EngagementFactory,
    KnowHowPageFactory,
    Record,
    SurveyFactory,
    UserFactory,
    VisitFactory,
    record_saved,
)
from training.models import CurriculumItem

pytestmark = pytest.mark.django_db


def test_the_factories_build_people_engagements_and_pages(client):
    u = UserFactory(role=roles.SUPPORTER)
    assert u.groups.filter(name=roles.SUPPORTER).exists() and u.check_password(PASSWORD)
    e = EngagementFactory(team={"supporter": u})
    assert e.members.get().user == u
    v = VisitFactory(engagement=e)
    r = record_saved(e, Record.Kind.VISIT_REPORT, {"happened": "x"}, author=u, visit=v)
    assert r.version == 1
    assert SurveyFactory(visit=v).visit == v
    case = CasePageFactory(sections=[("trust", ["whiteboard", "swot"]), ("awareness", [])])
    assert case.live and case.sections.count() == 2 and client.get(case.url).status_code == 200
    draft = CasePageFactory(live=False)
    assert not draft.live
    k = KnowHowPageFactory(cases=[case])
    assert k.live and k.case_links.get().case == case
    unit = CurriculumUnitPageFactory(trainer_notes="- 時間配分", cases={case: "問い"}, knowhow=[k])
    assert unit.live and unit.items.count() == 2 and client.get(unit.url).status_code == 200
    # items= keeps an order of its own: the know-how before the case.
    ordered = CurriculumUnitPageFactory(
        items=[CurriculumItem(knowhow=k), CurriculumItem(case=case, questions="問い")]
    )
    assert [(i.knowhow_id, i.case_id) for i in ordered.items.all()] == [
        (k.pk, None),
        (None, case.pk),
    ]
