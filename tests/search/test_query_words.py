"""Words of a query that name a facet value (search/query_words.py)."""

import pytest

from search.query_words import Meaning, label_words, read_query, search_with_words, vocabulary
from search.types import Hit, SearchRequest, SearchResponse

# A hand-made vocabulary for the pure reader: what vocabulary() builds from the taxonomy.
WORDS = {
    "60歳代": Meaning("owner_age", ("60s",), "60歳代"),
    "60代": Meaning("owner_age", ("60s",), "60歳代"),
    "30代": Meaning("owner_age", ("30s",), "30歳代"),
    "石川県": Meaning("region", ("hokuriku",), "北陸"),
    "北陸": Meaning("region", ("hokuriku",), "北陸"),
    "中国": Meaning("region", ("chugoku",), "中国"),
    "製造業": Meaning("industry", ("E",), "製造業"),
    "後継者": Meaning(
        "owner_type",
        ("successor-family", "successor-internal", "successor-external"),
        "後継者",
    ),
    "商工会": Meaning("requesting_body", ("shokokai",), "商工会"),
    "商工会議所": Meaning("requesting_body", ("chamber",), "商工会議所"),
}


def read(text, **kwargs):
    return read_query(text, vocabulary=WORDS, **kwargs)


def test_a_filter_word_leaves_the_text_and_becomes_a_filter():
    reading = read("60歳代")
    assert reading.text == ""
    assert reading.filters == {"owner_age": ["60s"]}
    assert [(w.word, w.mode) for w in reading.words] == [("60歳代", "filter")]


def test_a_prefecture_is_read_as_its_region():
    reading = read("石川県")
    assert reading.filters == {"region": ["hokuriku"]}
    assert reading.words[0].label == "北陸"


def test_beside_other_words_a_filter_word_ranks_instead():
    # The query is about 事業承継: cases elsewhere must still be found, 北陸 first.
    reading = read("石川県 事業承継")
    assert reading.filters == {} and reading.boosts == {"region": ["hokuriku"]}
    assert reading.text == "石川県 事業承継"
    reading = read("30代の理念づくり")
    assert reading.boosts == {"owner_age": ["30s"]} and reading.text == "30代の理念づくり"
    # What every case has (社長) and the wording of a question are not "other words".
    reading = read("30代の社長の事例")
    assert reading.filters == {"owner_age": ["30s"]} and reading.boosts == {}
    # Facet words only (後継者 is one too): the filter stays.
    reading = read("60代の後継者")
    assert reading.filters == {"owner_age": ["60s"]}
    assert reading.boosts == {"owner_type": list(WORDS["後継者"].codes)}
    assert reading.text == "後継者"


def test_a_boost_word_stays_in_the_text():
    reading = read("後継者 育成")
    assert reading.text == "後継者 育成"
    assert reading.filters == {}
    assert reading.boosts == {"owner_type": list(WORDS["後継者"].codes)}


def test_words_joined_by_particles_are_read():
    reading = read("石川県の製造業")
    assert reading.filters == {"region": ["hokuriku"], "industry": ["E"]}
    assert reading.text == ""  # only の is left: no text to search


def test_a_word_inside_a_compound_stays_text():
    for text in ("中国進出", "製造業者", "北陸新幹線"):
        reading = read(text)
        assert reading.words == () and reading.text == text, text


def test_the_longest_word_wins():
    assert read("商工会議所").boosts == {"requesting_body": ["chamber"]}
    assert read("商工会").boosts == {"requesting_body": ["shokokai"]}


def test_literal_words_are_searched_as_written():
    reading = read("石川県の製造業", literal=["製造業"])
    assert [w.word for w in reading.words] == ["石川県"]
    assert "製造業" in reading.text


def test_quoted_phrases_are_never_read():
    reading = read('"60歳代" 事業承継')
    assert reading.words == ()
    assert reading.text == '"60歳代" 事業承継'


def test_full_width_digits_are_read():
    assert read("６０代").filters == {"owner_age": ["60s"]}


def test_softened_reading_boosts_everything_and_keeps_the_text():
    soft = read("60代").softened("60代")
    assert soft.text == "60代" and soft.filters == {}
    assert soft.boosts == {"owner_age": ["60s"]}


@pytest.mark.parametrize(
    "label, words",
    [
        ("九州・沖縄", ["九州・沖縄", "九州", "沖縄"]),
        ("後継者（社内登用）", ["後継者(社内登用)", "後継者", "社内登用"]),
        ("サービス業（他に分類されないもの）", ["サービス業(他に分類されないもの)", "サービス業"]),
        ("60歳代", ["60歳代", "60代"]),
        ("70歳以上", ["70歳以上", "70歳代", "70代"]),
        ("農業、林業", ["農業、林業", "農業", "林業"]),
        ("電気・ガス・熱供給・水道業", ["電気・ガス・熱供給・水道業"]),
    ],
)
def test_label_words(label, words):
    assert label_words(label) == words


@pytest.mark.django_db
def test_the_vocabulary_comes_from_the_taxonomy():
    words = vocabulary()
    assert words["石川県"].facet == "region" and words["石川県"].codes == ("hokuriku",)
    assert words["北陸"].codes == ("hokuriku",)
    assert words["60代"].codes == ("60s",) and words["60歳代"].codes == ("60s",)
    assert words["製造業"].codes == ("E",)
    assert words["創業者"].codes == ("founder",)
    assert set(words["後継者"].codes) == {
        "successor-family",
        "successor-internal",
        "successor-external",
    }
    assert words["金融機関"].facet == "requesting_body"
    assert words["九州"].codes == ("kyushu-okinawa",)
    assert "その他" not in words  # 経営者属性 and 要請機関: ambiguous
    assert "増加" not in words  # a trend is an ordinary word: not read
    # ... but the words of finance name one trend each (a facet's value_words).
    assert (words["増収"].facet, words["増収"].codes) == ("sales_trend", ("up",))
    assert (words["減益"].facet, words["減益"].codes) == ("profit_trend", ("down",))
    reading = read_query("増収減益", vocabulary=words)
    assert reading.text == ""
    assert reading.filters == {"sales_trend": ["up"], "profit_trend": ["down"]}
    assert "信頼関係の構築" not in words  # phases are what cases are about: text


@pytest.mark.django_db
def test_an_edited_label_is_read_at_once():
    from taxonomy.models import Term

    term = Term.objects.get(vocabulary="region", code="hokuriku")
    term.label = "北陸地方"
    term.save()
    try:
        assert vocabulary()["北陸地方"].codes == ("hokuriku",)
    finally:
        # The rollback restores the row but not the cached labels (saving forgets them).
        term.label = "北陸"
        term.save()


@pytest.mark.parametrize(("boosted", "expected"), [(3, "boost"), (0, "filter")])
def test_filter_words_that_leave_only_related_pages_are_asked_again_as_boosts(boosted, expected):
    """No manufacturer of 北陸 (石川県) has the query's words; feedback found 2 related pages
    there (search/feedback.py). The words are asked again as boosts, which find the pages with
    the words; if those find nothing either, the related pages are the answer."""
    asked = []

    def search(request):
        asked.append(request)
        if request.filters:
            total, related = 2, 2
        else:
            total, related = boosted, 0
        hits = [Hit(id=i, kind="case", score=1.0) for i in range(total)]
        return SearchResponse(total=total, hits=hits, facets={}, backend="test", related=related)

    request = SearchRequest(text="石川県の製造業", facet_words=True)
    response = search_with_words(search, request, WORDS)
    assert [r.filters for r in asked] == [{"region": ["hokuriku"], "industry": ["E"]}, {}]
    assert asked[1].boosts == {"region": ["hokuriku"], "industry": ["E"]}
    assert asked[1].text == "石川県の製造業"
    assert {w.mode for w in response.words} == {expected}
    assert response.total == (boosted or 2)
