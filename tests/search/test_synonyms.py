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


# --- the domain dictionary shipped with the code (search/data/domain_synonyms.tsv) -------------
def _analysed(word: str) -> str:
    """What a query word is looked up by in analysis.synonym_index."""
    from search.analysis import _key

    return _key(word)


def test_the_domain_dictionary_reads_and_every_group_joins_two_different_words():
    from search.synonyms import read_domain_groups

    groups = read_domain_groups()
    assert 150 <= len(groups) <= 400
    for name, group in groups.items():
        words = [w for w in group if w != ONE_WAY]
        assert all(_analysed(w) for w in words), f"{name}: a word with no content: {group}"
        # Two spellings that analyse alike find nothing the other does not: not a group.
        keys = {_analysed(w) for w in words}
        assert len(keys) >= 2, f"{name}: its words are one word after analysis: {group}"


def test_no_word_is_in_two_two_way_groups_of_the_domain_dictionary():
    # A word in two two-way groups would join two meanings: each finds the other's cases.
    # (A narrower word may also have a two-way group of its own: 信金 => and 信用金庫|信金.)
    from search.synonyms import read_domain_groups

    seen: dict[str, list[str]] = {}
    for name, group in read_domain_groups().items():
        same = group[: group.index(ONE_WAY)] if ONE_WAY in group else group
        for word in same:
            seen.setdefault(_analysed(word), []).append(name)
    duplicates = {word: names for word, names in seen.items() if len(set(names)) > 1}
    assert duplicates == {}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("a-01\t粗利", "3 列"),
        ("a-01\t粗利\t", "2 語以上"),
        ("a-01\t粗利||売上総利益\t", "空の語"),
        ("a-01\t粗利|粗利\t", "2 回"),
        ("a-01\t事業承継\t事業承継", "2 回"),
        ("\t粗利|売上総利益\t", "グループ名"),
    ],
)
def test_a_line_of_the_domain_dictionary_that_does_not_read_is_refused(tmp_path, line, message):
    from search.synonyms import read_domain_groups

    path = tmp_path / "domain.tsv"
    path.write_text(f"# comment\nok-01\t信金|信用金庫\t\n{line}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=f"domain.tsv 3 行目: .*{message}"):
        read_domain_groups(path)


def test_a_line_of_the_domain_dictionary_reads_as_a_secretariat_group(tmp_path):
    from search.synonyms import read_domain_groups

    path = tmp_path / "domain.tsv"
    path.write_text(
        "# comment\n\nf-01\t粗利|売上総利益\t\ns-01\t事業承継\t第三者承継|親族内承継\n",
        encoding="utf-8",
    )
    assert read_domain_groups(path) == {
        "f-01": ("粗利", "売上総利益"),
        "s-01": ("事業承継", ONE_WAY, "第三者承継", "親族内承継"),
    }


def test_domain_groups_expand_a_query_like_the_secretariats_groups():
    from search import analysis

    def weights(query: str, **kwargs) -> dict[str, float]:
        (unit,) = analysis.parse_query(query, {}, **kwargs).units
        return {s.text: s.weight for s in unit.spellings}

    def length(word: str) -> int:
        return len(analysis.tokenize(analysis.normalise(word)))

    # Two-way: the same word, scaled to the typed word's length only (analysis._unit).
    scale = min(1.0, length("粗利") / length("売上総利益"))
    assert weights("粗利")["売上総利益"] == scale
    assert weights("売上総利益")["粗利"] == 1.0
    # One-way: a narrower word counts SYNONYM_FACTOR, and does not find the broader one.
    assert weights("金融機関")["信用金庫"] == analysis.SYNONYM_FACTOR
    assert "金融機関" not in weights("信用金庫")
    # Swapped into compounds, like the secretariat's groups: 信金支店 also looks for 信用金庫支店.
    assert "信用金庫支店" in weights("信金支店")
    # Off with the other dictionary (benchmarks/relevance.py measures what they bring).
    assert "売上総利益" not in weights("粗利", dictionary_synonyms=False)
