"""The draft made from an engagement: each section gets what belongs there (issue 11)."""

import pytest
from django.contrib.auth import get_user_model

from dispatch.models import Supporter
from publishing import services
from publishing.models import Proposal

from .family import PLAN, family_engagement

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafted():
    engagement, supporter = family_engagement()
    Supporter.objects.create(
        external_id="sup-test-1",
        user=supporter,
        name="山下 誠治",
        email="yamashita@example.test",
        category=1,
        recommended_by="chamber",
        home_prefecture="17",
        travel="anywhere",
        supporter_type=1,
    )
    secretariat = get_user_model().objects.get(email="jimukyoku@demo.example")
    proposal = Proposal.objects.create(engagement=engagement, proposed_by=supporter, note="ぜひ")
    page = services.draft_create(proposal=proposal, user=secretariat)
    return engagement, page.get_latest_revision_as_object()


def test_background_is_the_company_situation_never_the_visit_schedule(drafted):
    _engagement, draft = drafted
    assert "第1〜4回" not in draft.background and "実施済み" not in draft.background
    assert "干物店" in draft.background  # the first report's situation
    assert PLAN["team_goal"] in draft.background  # why the support started
    assert draft.background.startswith("当社は")


def test_lead_says_what_changed_not_the_team_goal(drafted):
    _engagement, draft = drafted
    assert draft.lead != PLAN["team_goal"]
    assert "全3回の訪問" in draft.lead and "内発的動機づけ" in draft.lead
    assert "取締役にして店の運営を任せたい" in draft.lead


def test_phase_bodies_are_prose_without_form_labels(drafted):
    _engagement, draft = drafted
    bodies = "\n".join(s.markdown_text() for s in draft.sections.all())
    for label in ("経営者の発言・気づき", "次回までの合意事項", "実施内容", "懸念事項"):
        assert label not in bodies
    assert "彩店長の負担が大きい" not in bodies  # the team's internal worries stay out
    assert "主人が生きていたら" in bodies


def test_points_hashtags_requesting_body_and_supporter_type_are_filled(drafted):
    _engagement, draft = drafted
    points = [b.value for b in draft.key_points]
    assert len(points) >= 2
    assert any("ホワイトボード" in p and "経営デザインシート" in p for p in points)
    assert any("双方の理解" in p and "内発的動機づけ" in p for p in points)
    tags = [t.name for t in draft.hashtags.all()]
    assert tags[0] == "ホワイトボード" and "経営デザインシート" in tags
    assert draft.requesting_body == "chamber"
    assert draft.supporter_type == "generalist"
