"""A query typed in kana, read as the words of the vocabulary (search/readings.py)."""

import pytest

from search.readings import TYPO_MIN_LENGTH, as_typed, reading_query

WORDS = [
    "事業承継",
    "ロカベン",
    "ローカルベンチマーク",
    "値上げ",
    "傾聴",
    "北海道",
    "建設業",
    "人手不足",
]


@pytest.mark.parametrize(
    ("query", "read"),
    [
        ("じぎょうしょうけい", "事業承継"),  # hiragana, before conversion
        ("ろかべん", "ロカベン"),  # hiragana of a katakana word
        ("ロカベン", ""),  # already the word: nothing to change
        ("値あげ", "値上げ"),  # half converted: the kanji are read by Sudachi
        ("ひとでぶそく", "人手不足"),  # made of two words' readings
        ("ほっかいどう けんせつぎょう", "北海道 建設業"),  # each term on its own
        ("けいちょう 事例", "傾聴 事例"),  # a term without kana is kept
        ("ローカルベンチマク", "ローカルベンチマーク"),  # one letter missing
        ("ローカルベンチマアク", "ローカルベンチマーク"),  # one letter wrong
    ],
)
def test_kana_is_read_as_the_vocabulary_words(query, read):
    assert reading_query(query, WORDS) == read


@pytest.mark.parametrize(
    "query",
    [
        "あいうえお",  # reads as no word
        "事業継承",  # no kana: typed as meant
        "OJT",
        "「けいちょう」",  # quoted: searched as typed
        "けいちょうする",  # left over kana that reads as nothing
        "ロカベソ",  # a short word one letter apart is another word
    ],
)
def test_what_reads_as_nothing_is_left_alone(query):
    assert reading_query(query, WORDS) == ""


def test_a_typo_near_two_words_is_not_guessed():
    words = ["ベンチマーク", "ベンチマーカ"]  # both one letter from the query
    assert len("ベンチマーキ") >= TYPO_MIN_LENGTH
    assert reading_query("ベンチマーキ", words) == ""
    assert reading_query("ベンチマーキ", words[:1]) == "ベンチマーク"


def test_between_homophones_the_vocabulary_order_decides():
    assert reading_query("こうせい", ["構成", "公正"]) == "構成"
    assert reading_query("こうせい", ["公正", "構成"]) == "公正"


def test_before_the_search_only_hiragana_is_read_and_only_exactly():
    """What service.search reads before it searches (`unconverted_only`): hiragana sent before
    conversion; not katakana, kanji with kana, nor a reading one letter off."""
    words = [*WORDS, "見える化"]
    assert reading_query("みえるか", words, unconverted_only=True) == "見える化"
    assert reading_query("ろかべん 事例", words, unconverted_only=True) == "ロカベン 事例"
    for query in ("値あげ", "ローカルベンチマク", "ろーかるべんちまく", "ロカベン"):
        assert reading_query(query, words, unconverted_only=True) == "", query
    assert reading_query("ろーかるべんちまく", words) == "ローカルベンチマーク"


def test_the_voicing_of_a_compound_does_not_matter():
    """Sudachi reads 資金繰り シキンクリ (繰り alone); people say and type しきんぐり."""
    assert reading_query("しきんぐり", ["資金繰り"]) == "資金繰り"


def test_the_way_back_quotes_the_terms_that_were_read():
    assert as_typed("みえるか", "見える化") == "「みえるか」"
    assert as_typed("ろかべん 事例", "ロカベン 事例") == "「ろかべん」 事例"
    assert as_typed("「a b」 ろかべん", "「a b」 ロカベン") == "「a b」 「ろかべん」"
