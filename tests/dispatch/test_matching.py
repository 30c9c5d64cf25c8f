"""Every matching rule of docs/registry-format.md, one by one, and the command's JSON."""

import io
import json

import pytest
from django.core.management import call_command

from dispatch.geography import FIXED_LINKS, NEIGHBOURS
from dispatch.matching import match
from dispatch.models import DispatchRequest, Supporter
from engagements.models import Engagement, EngagementMember
from tests.factories import EngagementFactory, OrganisationFactory, UserFactory

from .conftest import put, request_obj, supporter_obj

pytestmark = pytest.mark.django_db


def run(*supporters, **request_changes):
    put("supporters", *supporters)
    request = put("requests", request_obj(**{"exclude": [], **request_changes}))["req-0001"]
    return match(request)


def placed(result):
    candidates = {c.supporter.external_id: c for c in result.candidates}
    excluded = {e.supporter.external_id: e for e in result.excluded}
    return candidates, excluded


def order(result):
    return [c.supporter.external_id for c in result.candidates]


# Exclusions ------------------------------------------------------------------------------------


def test_a_supporter_the_requesting_body_asked_to_avoid_is_excluded(empty_registry):
    result = run(supporter_obj(id="sup-x"), supporter_obj(id="sup-y"), exclude=["sup-x"])
    candidates, excluded = placed(result)
    assert "sup-y" in candidates
    assert excluded["sup-x"].reasons == [
        "要請機関から派遣しないよう依頼されています（派遣依頼書の除外リスト）。"
    ]


def test_a_conflict_with_the_company_excludes(empty_registry):
    conflict = {
        "industry": None,
        "prefecture": None,
        "company": "co-0001",
        "note": "顧問先の取引先",
    }
    other = dict(conflict, company="co-9999")
    candidates, excluded = placed(
        run(
            supporter_obj(id="sup-x", conflicts=[conflict]),
            supporter_obj(id="sup-y", conflicts=[other]),
        )
    )
    assert "sup-y" in candidates
    assert excluded["sup-x"].reasons == [
        "派遣先企業（co-0001）について競業避止の申告があります（顧問先の取引先）。"
    ]


def test_a_conflict_with_the_industry_in_the_prefecture_excludes_only_there(empty_registry):
    conflict = {"industry": "E", "prefecture": "17", "company": None, "note": "現在の顧問先が同業"}
    candidates, excluded = placed(
        run(
            supporter_obj(id="sup-x", conflicts=[conflict]),
            # the same industry in another prefecture, another industry in the same prefecture
            supporter_obj(id="sup-y", conflicts=[dict(conflict, prefecture="16")]),
            supporter_obj(id="sup-z", conflicts=[dict(conflict, industry="I")]),
        )
    )
    assert set(candidates) == {"sup-y", "sup-z"}
    assert excluded["sup-x"].reasons == [
        "製造業・石川県について競業避止の申告があります（現在の顧問先が同業）。"
    ]


def test_a_conflict_naming_only_the_industry_applies_everywhere(empty_registry):
    conflict = {"industry": "E", "prefecture": None, "company": None, "note": ""}
    _candidates, excluded = placed(run(supporter_obj(id="sup-x", conflicts=[conflict])))
    assert excluded["sup-x"].reasons == ["製造業について競業避止の申告があります（メモなし）。"]


@pytest.mark.parametrize(
    "target, who", [("company:co-0001", "派遣先企業"), ("req-body:yorozu-17", "要請機関")]
)
def test_a_negative_relationship_excludes(empty_registry, target, who):
    negative = {"with": target, "kind": "negative", "note": "以前の支援で行き違い"}
    candidates, excluded = placed(
        run(
            supporter_obj(id="sup-x", relationships=[negative]),
            supporter_obj(id="sup-y", relationships=[negative | {"with": "company:co-7"}]),
            supporter_obj(id="sup-z", relationships=[dict(negative, kind="positive")]),
        )
    )
    assert set(candidates) == {"sup-y", "sup-z"}
    assert excluded["sup-x"].reasons == [
        f"{who}との関係が良好ではありません（以前の支援で行き違い）。"
    ]


def test_required_training_depends_on_the_category(empty_registry):
    intro_only = {"intro-video": "completed", "skills-1": "registered"}
    candidates, excluded = placed(
        run(
            supporter_obj(id="sup-1", category=1, training=intro_only),
            supporter_obj(id="sup-2", category=2, training=intro_only),
            supporter_obj(id="sup-3", category=1, training={"intro-video": "registered"}),
        )
    )
    assert set(candidates) == {"sup-1"}
    assert excluded["sup-2"].reasons == [
        "区分2 の必須研修を修了していません（「基盤スキルⅠ」、「基盤スキルⅡ」、「基盤スキルⅢ」）。"
    ]
    assert excluded["sup-3"].reasons == ["区分1 の必須研修を修了していません（「導入動画」）。"]


def test_the_required_courses_are_settings(empty_registry, settings):
    settings.DISPATCH_REQUIRED_COURSES = {1: ("case-course",), 2: ()}
    candidates, excluded = placed(
        run(
            supporter_obj(id="sup-1", category=1),
            supporter_obj(id="sup-2", category=2, training={}),
        )
    )
    assert set(candidates) == {"sup-2"}
    assert "「ケースで学ぶ！伴走支援研修」" in excluded["sup-1"].reasons[0]


def _engage(supporter, n, status=Engagement.Status.ACTIVE):
    """`n` engagements of one company with `supporter`'s account as their supporter."""
    supporter.user = UserFactory(email=supporter.email)
    supporter.save()
    company = OrganisationFactory(name=f"{supporter.external_id} の支援先")
    EngagementFactory.create_batch(
        n, company=company, status=status, team={EngagementMember.Role.SUPPORTER: supporter.user}
    )


def test_a_supporter_at_max_engagements_is_excluded(empty_registry):
    rows = put(
        "supporters",
        supporter_obj(id="sup-full", max_engagements=2),
        supporter_obj(id="sup-one", max_engagements=2),
        supporter_obj(id="sup-closed", max_engagements=1),
    )
    _engage(rows["sup-full"], 2)
    _engage(rows["sup-one"], 1)
    _engage(rows["sup-closed"], 3, status=Engagement.Status.CLOSED)
    candidates, excluded = placed(run())
    assert set(candidates) == {"sup-one", "sup-closed"}
    assert excluded["sup-full"].reasons == [
        "同時に担当できる上限 2 件に達しています（担当中 2 件）。"
    ]


def test_a_decided_request_counts_towards_the_load(empty_registry):
    rows = put("supporters", supporter_obj(id="sup-busy", max_engagements=1))
    other = put("requests", request_obj(id="req-9999", exclude=[]))["req-9999"]
    other.chosen.add(rows["sup-busy"])
    other.status = DispatchRequest.Status.ASKING
    other.save()
    assert "sup-busy" in placed(run())[0]
    other.status = DispatchRequest.Status.DECIDED
    other.save()
    assert "sup-busy" in placed(run())[1]


@pytest.mark.parametrize(
    "home, travel, excluded_",
    [
        ("17", "own-prefecture", False),
        ("16", "own-prefecture", True),  # 富山 borders 石川, but they only work at home
        ("16", "neighbouring", False),
        ("13", "neighbouring", True),  # 東京 is far from 石川
        ("13", "anywhere", False),
        ("47", "anywhere", False),
    ],
)
def test_travel(empty_registry, home, travel, excluded_):
    candidates, excluded = placed(
        run(supporter_obj(id="sup-t", home_prefecture=home, travel=travel))
    )
    assert ("sup-t" in excluded) is excluded_
    if excluded_:
        assert excluded["sup-t"].reasons[0].startswith("派遣先（石川県）は移動範囲の外です")


def test_all_reasons_of_an_excluded_supporter_are_listed(empty_registry):
    _candidates, excluded = placed(
        run(
            supporter_obj(
                id="sup-x", category=2, training={}, home_prefecture="01", travel="own-prefecture"
            ),
            exclude=["sup-x"],
        )
    )
    assert len(excluded["sup-x"].reasons) == 3


# Ranking ---------------------------------------------------------------------------------------


def test_area_first_then_neighbours_then_the_rest(empty_registry):
    # The far supporter fits the approach best; area still comes first.
    result = run(
        supporter_obj(id="sup-far", home_prefecture="13", travel="anywhere", type=1),
        supporter_obj(id="sup-near", home_prefecture="18", travel="anywhere", type=4),
        supporter_obj(id="sup-home", home_prefecture="17", travel="anywhere", type=5),
    )
    assert order(result) == ["sup-home", "sup-near", "sup-far"]
    reasons = {c.supporter.external_id: c.reasons[0] for c in result.candidates}
    assert reasons["sup-home"] == "派遣先と同じ都道府県（石川県）を拠点にしています。"
    assert reasons["sup-near"] == "派遣先の近隣の都道府県（福井県）を拠点にしています。"
    assert reasons["sup-far"].startswith("遠方（東京都）からの派遣になります。")


@pytest.mark.parametrize("company, supporter", [*FIXED_LINKS, *[(b, a) for a, b in FIXED_LINKS]])
def test_the_fixed_links_across_the_sea_count_as_neighbours(empty_registry, company, supporter):
    result = run(
        supporter_obj(id="sup-link", home_prefecture=supporter, travel="neighbouring"),
        company={"prefecture": company},
    )
    assert order(result) == ["sup-link"]
    assert result.candidates[0].reasons[0].startswith("派遣先の近隣の都道府県")


def test_the_neighbour_table():
    assert all(a in NEIGHBOURS[b] for a, near in NEIGHBOURS.items() for b in near)  # symmetric
    assert NEIGHBOURS["01"] == {"02"}
    assert NEIGHBOURS["47"] == set()
    assert NEIGHBOURS["20"] == {"10", "11", "15", "16", "19", "21", "22", "23"}  # 長野: 8 borders
    assert NEIGHBOURS["13"] == {"11", "12", "14", "19"}
    assert NEIGHBOURS["28"] == {"26", "27", "31", "33", "36"}  # 兵庫 + 徳島
    assert NEIGHBOURS["40"] == {"35", "41", "43", "44"}  # 福岡 + 山口
    assert "37" not in NEIGHBOURS["28"]  # 兵庫–香川 is not one of the fixed links
    assert len(NEIGHBOURS) == 47


@pytest.mark.parametrize(
    "approach, expected",
    [
        ("issue-setting", ["sup-t1", "sup-t2", "sup-t3", "sup-t4", "sup-t5"]),
        ("issue-solving", ["sup-t5", "sup-t4", "sup-t3", "sup-t2", "sup-t1"]),
    ],
)
def test_type_fits_the_approach(empty_registry, approach, expected):
    result = run(
        *[supporter_obj(id=f"sup-t{t}", type=t) for t in (3, 1, 5, 2, 4)], approach=approach
    )
    assert order(result) == expected


def test_experience_in_the_industry_only_breaks_ties(empty_registry):
    manufacturing = [
        {"industry": "E", "employees": None, "content": "", "role": "lead", "years": 20}
    ]
    result = run(
        # Better type fit, no experience in the industry: still first.
        supporter_obj(id="sup-a-generalist", type=1),
        # Long experience in the company's industry, but a worse type fit.
        supporter_obj(id="sup-b-expert", type=2, experience=manufacturing),
        # The same type as the expert, without the experience: the tie goes to the expert.
        supporter_obj(id="sup-c-same", type=2),
    )
    assert order(result) == ["sup-a-generalist", "sup-b-expert", "sup-c-same"]
    expert = result.candidates[1]
    assert expert.reasons[-1] == "同じ業種（製造業）の支援経験があります（順位には小さく反映）。"


def test_experience_never_excludes(empty_registry):
    retail = [{"industry": "I", "employees": None, "content": "", "role": "member", "years": 1}]
    candidates, _excluded = placed(
        run(supporter_obj(id="sup-r", experience=retail), supporter_obj(id="sup-n"))
    )
    assert set(candidates) == {"sup-r", "sup-n"}


def test_fewer_active_engagements_rank_higher(empty_registry):
    rows = put(
        "supporters",
        supporter_obj(id="sup-a-busy", max_engagements=3),
        supporter_obj(id="sup-b-free", max_engagements=3),
    )
    _engage(rows["sup-a-busy"], 1)
    result = run()
    assert order(result) == ["sup-b-free", "sup-a-busy"]
    assert "担当中の案件 1 件（上限 3 件）。" in result.candidates[1].reasons


def test_a_positive_relationship_helps(empty_registry):
    positive = [{"with": "req-body:yorozu-17", "kind": "positive", "note": ""}]
    result = run(supporter_obj(id="sup-a"), supporter_obj(id="sup-b", relationships=positive))
    assert order(result) == ["sup-b", "sup-a"]
    assert "要請機関と良好な関係があります。" in result.candidates[0].reasons


def test_every_supporter_is_in_exactly_one_list(db):
    # The demo registry and requests (core load_demo), and a registry with every kind of case.
    if not DispatchRequest.objects.exists():
        put("requests", request_obj(exclude=["sup-0001"]))
    put(
        "supporters",
        supporter_obj(id="sup-0001"),
        supporter_obj(id="sup-untrained", category=2, training={}),
        supporter_obj(id="sup-far", home_prefecture="47", travel="own-prefecture"),
        supporter_obj(id="sup-fine", home_prefecture="13", travel="anywhere"),
    )
    assert Supporter.objects.count() >= 4
    for request in DispatchRequest.objects.all():
        result = match(request)
        ids = [c.supporter.external_id for c in result.candidates] + [
            e.supporter.external_id for e in result.excluded
        ]
        assert len(ids) == len(set(ids))  # nobody twice
        assert set(ids) == set(Supporter.objects.values_list("external_id", flat=True))
        assert [c.rank for c in result.candidates] == list(range(1, len(result.candidates) + 1))
        assert all(reason.endswith("。") for e in result.excluded for reason in e.reasons)
        assert all(e.reasons for e in result.excluded)


def test_the_command_prints_the_format_documents_json(empty_registry):
    put("supporters", supporter_obj(id="sup-a"), supporter_obj(id="sup-b", type=5))
    put("requests", request_obj(exclude=["sup-b"]))
    out = io.StringIO()
    call_command("match_supporters", "req-0001", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) == {"request", "candidates", "excluded"}
    assert data["request"] == "req-0001"
    assert [c["supporter"] for c in data["candidates"]] == ["sup-a"]
    assert set(data["candidates"][0]) == {"supporter", "rank", "score", "reasons"}
    assert data["excluded"] == [
        {
            "supporter": "sup-b",
            "reasons": ["要請機関から派遣しないよう依頼されています（派遣依頼書の除外リスト）。"],
        }
    ]
