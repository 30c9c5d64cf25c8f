"""The synonym dictionary: how the secretariat writes it, who may edit it, when it applies."""

import pytest
from django.core.exceptions import ValidationError

from accounts import roles
from search import service
from search.analysis import ONE_WAY
from search.models import Synonym
from search.types import SearchRequest
from tests.conftest import login

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/snippets/search/synonym/add/"


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        ("ロカベン、ローカルベンチマーク", ["ロカベン", "ローカルベンチマーク"]),
        ("IT導入, ICT導入，デジタル化", ["IT導入", "ICT導入", "デジタル化"]),
        ("一次産業 => 農業、漁業", ["一次産業", ONE_WAY, "農業", "漁業"]),
        ("一次産業、農林水産業 ＝＞ 農業", ["一次産業", "農林水産業", ONE_WAY, "農業"]),
        ("傾聴→耳を傾ける", ["傾聴", ONE_WAY, "耳を傾ける"]),
    ],
)
def test_terms_are_read_as_words_and_one_way_rules(terms, expected):
    synonym = Synonym(terms=terms)
    synonym.clean()
    assert synonym.term_list == expected


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ("ロカベン", "2 語以上"),
        ("ロカベン、 、", "2 語以上"),
        ("一次産業 =>", "左右どちらにも"),
        ("=> 農業", "左右どちらにも"),
        ("a => b => c", "1 つだけ"),
    ],
)
def test_incomplete_groups_are_refused_in_japanese(terms, message):
    with pytest.raises(ValidationError) as error:
        Synonym(terms=terms).clean()
    assert message in str(error.value)


def found_ids(text: str) -> list[int]:
    return [h.id for h in service.search(SearchRequest(text=text, page_size=50)).hits]


def test_seeded_one_way_rule_finds_farming_and_fishing_under_primary_industry():
    from cases.models import CasePage

    found = set(
        CasePage.objects.filter(pk__in=found_ids("一次産業")).values_list("external_id", flat=True)
    )
    assert {"demo-016", "demo-017", "demo-036"} <= found
    # The reverse does not hold: a search for 漁業 stays with fishing.
    fishing = set(
        CasePage.objects.filter(pk__in=found_ids("漁業")).values_list("external_id", flat=True)
    )
    assert "demo-016" not in fishing and "demo-017" in fishing


def test_secretariat_edits_the_dictionary_and_search_follows_at_once(client, user_with_role):
    secretariat = user_with_role(roles.SECRETARIAT, "secretariat@example.test")
    login(client, secretariat)
    assert found_ids("ぴよぴよ") == []
    response = client.post(ADD_URL, {"terms": "ぴよぴよ、経営デザインシート", "note": "試験"})
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = Synonym.objects.get(terms="ぴよぴよ、経営デザインシート")
    assert len(found_ids("ぴよぴよ")) >= 3

    # A newer group exists, so deleting this one changes neither the newest id nor date.
    Synonym.objects.create(terms="ほげほげ、ふがふが")
    assert len(found_ids("ぴよぴよ")) >= 3
    response = client.post(f"/admin/snippets/search/synonym/delete/{rule.pk}/")
    assert response.status_code == 302
    assert found_ids("ぴよぴよ") == []


def test_an_invalid_group_is_shown_back_with_the_error(client, user_with_role):
    login(client, user_with_role(roles.SECRETARIAT, "secretariat@example.test"))
    before = Synonym.objects.count()
    response = client.post(ADD_URL, {"terms": "一次産業 =>", "note": ""})
    assert response.status_code == 200
    assert "左右どちらにも 1 語以上" in response.content.decode()
    assert Synonym.objects.count() == before


@pytest.mark.parametrize("role", [roles.SUPPORTER, roles.EDITOR, roles.TRAINER])
def test_other_roles_cannot_edit_the_dictionary(client, user_with_role, role):
    login(client, user_with_role(role, f"{role}@example.test"))
    response = client.post(ADD_URL, {"terms": "あ、い"})
    assert response.status_code in (302, 403)
    assert not Synonym.objects.filter(terms="あ、い").exists()
