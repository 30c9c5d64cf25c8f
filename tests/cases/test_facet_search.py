"""Issue 12: every 基礎情報 field is a facet, query words that name one filter, chips link to it."""

import html
import re
from dataclasses import replace
from urllib.parse import quote

import pytest

from cases.models import CasePage
from search import service
from search.facets import FACETS
from search.types import SearchRequest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, scope="module")
def index_of_the_demo_content(django_db_setup, django_db_blocker):
    """The shared index rebuilt from the session's database (as in test_relevance.py): earlier
    tests that published and rolled back may have left it out of step with the database."""
    with django_db_blocker.unblock():
        service.rebuild()


def published():
    return CasePage.objects.live().public()


def facets_of(response) -> dict:
    return {f["name"]: f for g in response.context["facet_groups"] for f in g["facets"]}


def test_the_case_list_offers_every_facet_with_counts(client):
    response = client.get("/cases/")
    shown = facets_of(response)
    assert set(shown) == {f.name for f in FACETS}  # the demo cases have a value of each
    ages = {o.value: o.count for o in shown["owner_age"]["options"]}
    assert ages == {
        code: published().filter(owner_age=code).count()
        for code in ages  # every age band with cases, and only those
    }
    assert sum(ages.values()) == published().exclude(owner_age="").count()
    html_text = response.content.decode()
    for label in (
        "経営者年齢",
        "経営者属性",
        "売上規模",
        "要請機関",
        "支援者のタイプ",
        "アプローチ",
    ):
        assert f">{label}" in html_text, label
    assert "理念・ビジョンの言語化" in html_text and "経常利益率の傾向" in html_text


@pytest.mark.parametrize(
    ("name", "value", "lookup"),
    [
        ("owner_age", "60s", {"owner_age": "60s"}),
        ("owner_type", "founder", {"owner_type": "founder"}),
        ("requesting_body", "financial-institution", {"requesting_body": "financial-institution"}),
        ("vision_articulated", "yes", {"vision_articulated": True}),
        ("sales_trend", "down", {"sales_trend": "down"}),
    ],
)
def test_a_new_facet_filters_the_list(client, name, value, lookup):
    response = client.get("/cases/", {name: value})
    expected = published().filter(**lookup).count()
    assert expected and response.context["total"] == expected
    assert all(getattr(c, k) == v for c in response.context["results"] for k, v in lookup.items())


def test_a_hashtag_filters_the_list(client):
    case = published().filter(hashtags__isnull=False).first()
    tag = case.hashtags.first().name
    response = client.get("/cases/", {"hashtag": tag})
    expected = published().filter(hashtags__name=tag).distinct().count()
    assert response.context["total"] == expected
    assert all(tag in [t.name for t in c.hashtags.all()] for c in response.context["results"])


@pytest.mark.parametrize(
    ("query", "lookup", "label"),
    [
        ("60歳代", {"owner_age": "60s"}, "60歳代"),
        ("60代", {"owner_age": "60s"}, "60歳代"),
        ("石川県", {"region": "hokuriku"}, "北陸"),  # the prefecture's region
        ("北陸", {"region": "hokuriku"}, "北陸"),
        ("製造業", {"industry": "E"}, "製造業"),
    ],
)
def test_a_query_word_that_names_a_facet_value_filters(client, query, lookup, label):
    response = client.get("/cases/", {"q": query})
    expected = published().filter(**lookup).count()
    assert expected and response.context["total"] == expected
    page = html.unescape(response.content.decode())
    assert f"「{label}」で絞り込みました" in page
    (undo,) = [w["remove_url"] for w in response.context["read_words"]]
    assert "literal=" in undo
    # 解除: the word searched as written, no longer read as a filter.
    plain = client.get(html.unescape(undo))
    assert plain.status_code == 200 and plain.context["read_words"] == []


def test_a_compound_of_two_trend_words_filters_by_both(client):
    """増収減益: turnover up and margin down, a query the text search alone found nothing for."""
    response = client.get("/cases/", {"q": "増収減益"})
    expected = published().filter(sales_trend="up", profit_trend="down").count()
    assert expected and response.context["total"] == expected
    page = html.unescape(response.content.decode())
    assert "「増加」で絞り込みました（売上高の傾向。検索語「増収」から）" in page
    assert "「減少」で絞り込みました（経常利益率の傾向。検索語「減益」から）" in page


def test_a_boost_word_keeps_the_text_and_says_so(client):
    response = client.get("/cases/", {"q": "後継者"})
    (word,) = response.context["read_words"]
    assert word["mode"] == "boost"
    assert "の事例を上位にしました" in response.content.decode()
    # The same cases as the word searched as written (a boost filters nothing, adds nothing),
    # those whose 経営者属性 is a 後継者 first.
    plain = client.get("/cases/", {"q": "後継者", "literal": "後継者"})
    assert plain.context["read_words"] == []
    assert response.context["total"] == plain.context["total"]
    assert response.context["results"][0].owner_type.startswith("successor")


def test_chosen_filters_are_listed_with_a_remove_link_each(client):
    response = client.get("/cases/", {"industry": "E", "owner_age": "60s", "q": "支援"})
    chosen = {c["facet"]: c["remove_url"] for c in response.context["chosen"]}
    assert set(chosen) == {"業種", "経営者年齢"}
    assert "industry=E" not in chosen["業種"] and "owner_age=60s" in chosen["業種"]
    assert "owner_age" not in chosen["経営者年齢"] and "industry=E" in chosen["経営者年齢"]
    assert all("q=" in url for url in chosen.values())  # the words stay
    page = response.content.decode()
    assert "選択中の条件" in page and page.count("解除") >= 2


def test_a_skip_link_leads_to_the_results(client):
    page = client.get("/cases/", {"q": "傾聴"}).content.decode()
    assert 'href="#results"' in page and 'id="results"' in page
    assert page.index('href="#results"') < page.index('class="filters"')


def test_hashtags_and_tool_chips_link_to_the_filtered_list(client):
    case = published().filter(hashtags__isnull=False).first()
    page = client.get(case.url).content.decode()
    tags = re.findall(r'href="/cases/\?hashtag=([^"]+)"', page)
    assert tags, "hashtags are links"
    tools = re.findall(r'href="/cases/\?tool=([^"]+)"', page)
    assert set(tools) >= set(case.tools)
    listing = client.get("/cases/").content.decode()
    assert re.search(r'<a class="chip" href="/cases/\?tool=[\w-]+"', listing)


def test_the_api_reads_query_words_and_lists_every_facet(client):
    api = client.get("/api/v1/search/", {"q": "60歳代", "type": "case"}).json()
    assert api["interpreted"] == [
        {
            "word": "60歳代",
            "facet": "owner_age",
            "values": ["60s"],
            "label": "60歳代",
            "mode": "filter",
        }
    ]
    assert api["total"] == published().filter(owner_age="60s").count()
    assert {f.name for f in FACETS} <= set(api["facets"])
    labels = {f["value"]: f["label"] for f in api["facets"]["vision_articulated"]}
    assert labels.get("yes") == "言語化したことがある"
    literal = client.get("/api/v1/search/", {"q": "60歳代", "literal": "60歳代"}).json()
    assert literal["interpreted"] == []


def test_a_short_form_of_a_value_reads_as_the_value(client):
    """会議所 is 商工会議所 in the domain synonyms: it boosts the cases 商工会議所 asked for."""
    response = client.get("/cases/", {"q": "会議所"})
    (word,) = response.context["read_words"]
    assert (word["mode"], word["label"]) == ("boost", "商工会議所")
    plain = client.get("/cases/", {"q": "会議所", "literal": "会議所"})
    assert plain.context["read_words"] == []

    def chambers_in_top_10(response):
        cases = response.context["results"][:10]
        return sum(case.requesting_body == "chamber" for case in cases)

    assert response.context["total"] == plain.context["total"]
    assert chambers_in_top_10(response) > chambers_in_top_10(plain)


def test_a_word_for_several_owner_types_boosts_them_all(client):
    """親族外承継 is both 社内登用 and 外部招へい, which the labels cannot say."""
    response = client.get("/api/v1/search/", {"q": "親族外承継", "type": "case"})
    (word,) = response.json()["interpreted"]
    assert word["facet"] == "owner_type" and word["mode"] == "boost"
    assert set(word["values"]) == {"successor-internal", "successor-external"}


def searched_instead(client, typed: str, meant: str, how: str):
    """The case list for `typed`, which finds nothing: the same cases as for `meant`, which the
    response names (`how`: broadened or read_as). Returns the response and its text."""
    assert service.search(SearchRequest(text=typed, kinds=("case",))).total == 0
    response = client.get("/cases/", {"q": typed})
    assert response.context[how] == meant
    wanted = client.get("/cases/", {"q": meant})
    assert response.context["total"] == wanted.context["total"] > 0
    assert [c.pk for c in response.context["results"]] == [c.pk for c in wanted.context["results"]]
    return response, html.unescape(response.content.decode())


def test_a_narrower_word_that_finds_nothing_is_searched_as_its_broader_word(client):
    """No demo case says OJT; the domain synonyms file it under 人材育成, which many are about."""
    response, page = searched_instead(client, "OJT", "人材育成", "broadened")
    assert "「OJT」に合う事例はなかったため、より広い意味の「人材育成」で探した結果です。" in page
    api = client.get("/api/v1/search/", {"q": "OJT", "type": "case"}).json()
    assert api["broadened"] == "人材育成" and api["total"] == response.context["total"]
    # A query that finds something is its own answer.
    assert client.get("/api/v1/search/", {"q": "人材育成"}).json()["broadened"] == ""
    # The know-how beside the cases is the broader word's, and says so.
    assert response.context["knowhow_query"] == "人材育成"
    assert "「人材育成」に関するノウハウ" in page


def test_the_know_how_list_searches_a_narrower_word_that_finds_nothing_as_its_broader_word(client):
    assert service.search(SearchRequest(text="OJT", kinds=("knowhow",))).total == 0
    response = client.get("/knowhow/", {"q": "OJT"})
    wider = client.get("/knowhow/", {"q": "人材育成"})
    assert response.context["broadened"] == "人材育成"
    assert response.context["total"] == wider.context["total"] > 0
    page = html.unescape(response.content.decode())
    assert (
        "「OJT」に合うノウハウはなかったため、より広い意味の「人材育成」で探した結果です。" in page
    )


def test_a_query_in_kana_is_searched_as_the_words_it_reads_as(client):
    """Sent before conversion (hiragana), じぎょうしょうけい finds nothing; it reads as 事業承継."""
    response, page = searched_instead(client, "じぎょうしょうけい", "事業承継", "read_as")
    assert response.context["broadened"] == ""
    assert "「じぎょうしょうけい」を「事業承継」と読んで探した結果です" in page
    assert response.context["knowhow_query"] == "事業承継"
    # The way back: the term quoted, which is searched as typed.
    assert (
        response.context["as_typed_url"]
        == "/cases/?q=%E3%80%8C" + quote("じぎょうしょうけい") + "%E3%80%8D"
    )
    typed = client.get(response.context["as_typed_url"])
    assert typed.context["read_as"] == "" and typed.context["query"] == "「じぎょうしょうけい」"
    api = client.get("/api/v1/search/", {"q": "ろかべん", "type": "case"}).json()
    assert api["read_as"] == "ロカベン" and api["total"] > 0
    # The hashtags of the published cases are words it may read as too (#補助金).
    assert client.get("/api/v1/search/", {"q": "ほじょきん"}).json()["read_as"] == "補助金"
    # Hiragana that finds pieces of other words (みえ, える, るか) is read before it is searched.
    as_typed = service.search(SearchRequest(text="みえるか", kinds=("case",)))
    meant = service.search(SearchRequest(text="見える化", kinds=("case",)))
    assert as_typed.total > 0 and as_typed.read_as == ""
    read = client.get("/api/v1/search/", {"q": "みえるか", "type": "case"}).json()
    assert read["read_as"] == "見える化" and read["total"] == meant.total
    # A katakana typo that finds nothing; kana read as no word of the vocabulary, a quoted phrase
    # (searched as typed), a word that finds something.
    typo = client.get("/api/v1/search/", {"q": "ローカルベンチマク"}).json()
    assert typo["read_as"] == "ローカルベンチマーク" and typo["total"] > 0
    for query in ("あいうえお", "「けいちょう」", "傾聴"):
        assert client.get("/api/v1/search/", {"q": query}).json()["read_as"] == "", query


def test_the_know_how_list_reads_a_query_in_kana(client):
    response = client.get("/knowhow/", {"q": "けいちょう"})
    assert response.context["read_as"] == "傾聴"
    assert response.context["total"] == client.get("/knowhow/", {"q": "傾聴"}).context["total"] > 0
    page = html.unescape(response.content.decode())
    assert "「けいちょう」を「傾聴」と読んで探した結果です" in page
    assert "「傾聴」のノウハウ" in page
    assert response.context["as_typed_query"] == "q=" + quote("「けいちょう」")
    assert "「けいちょう」を入力のまま探す" in page


def test_the_list_says_how_many_cases_were_found_by_related_words_alone(client):
    """補助金 is in a few cases; pseudo-relevance feedback adds cases that share their words."""
    plain = service.search(SearchRequest(text="補助金", kinds=("case",), feedback=False))
    response = client.get("/cases/", {"q": "補助金"})
    related = response.context["related"]
    assert related > 0 and response.context["total"] == plain.total + related
    page = html.unescape(response.content.decode())
    assert f"うち {related} 件は検索語を含まない関連事例です" in page
    api = client.get("/api/v1/search/", {"q": "補助金", "type": "case"}).json()
    assert api["related"] == related
    # Words that fill a page themselves: no related cases.
    assert client.get("/cases/", {"q": "傾聴"}).context["related"] == 0


def test_know_how_found_by_related_words_alone_is_counted_and_the_box_has_the_words_only(client):
    plain = service.search(SearchRequest(text="傾聴", kinds=("knowhow",), feedback=False))
    listed = client.get("/knowhow/", {"q": "傾聴"})
    related = listed.context["related"]
    assert related > 0 and listed.context["total"] == plain.total + related
    page = html.unescape(listed.content.decode())
    assert f"うち {related} 件は検索語を含まない関連ノウハウです" in page
    # The box beside the cases: the know-how with the words.
    assert client.get("/cases/", {"q": "傾聴"}).context["knowhow_total"] == plain.total


def test_a_filtered_query_that_finds_nothing_shows_the_related_cases_under_the_filter(client):
    """No case of 北海道 has ロカベン: the list shows the 北海道 cases that share the words of the
    ロカベン cases elsewhere, says that none has the word, and links to the search without it."""
    request = SearchRequest(text="ロカベン", kinds=("case",), filters={"region": ["hokkaido"]})
    assert service.search(replace(request, feedback=False)).total == 0
    assert service.search(replace(request, filters={})).total > 0
    response = client.get("/cases/", {"q": "ロカベン", "region": "hokkaido"})
    total = response.context["total"]
    assert total > 0 and response.context["related"] == total
    found = published().filter(pk__in=[c.pk for c in response.context["results"]])
    assert set(found.values_list("region", flat=True)) == {"hokkaido"}
    page = html.unescape(response.content.decode())
    assert "この条件には「ロカベン」を含む事例がありません。" in page
    assert "うち" not in page.split("results__related", 1)[1].split("</p>", 1)[0]
    assert f'href="/cases/?q={quote("ロカベン")}">条件を外して「ロカベン」を探す' in page
    api = client.get(
        "/api/v1/search/", {"q": "ロカベン", "type": "case", "region": "hokkaido"}
    ).json()
    assert api["total"] == api["related"] == total


def test_an_abbreviation_that_finds_nothing_is_searched_as_the_words_it_shortens(client):
    """No case writes 経デザ; the tool's name is a word of the vocabulary (a facet label)."""
    response, page = searched_instead(client, "経デザ", "経営デザインシート", "read_as")
    assert "「経デザ」を「経営デザインシート」と読んで探した結果です" in page
    assert "「経デザ」を入力のまま探す" in page
    typed = client.get(response.context["as_typed_url"])
    assert typed.context["total"] == 0 and typed.context["read_as"] == ""
    # A word that finds something is never read as another; one that abbreviates nothing stays.
    assert client.get("/api/v1/search/", {"q": "経営"}).json()["read_as"] == ""
    assert client.get("/api/v1/search/", {"q": "特許"}).json()["read_as"] == ""
