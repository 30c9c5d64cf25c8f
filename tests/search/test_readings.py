"""A query typed in kana, read as the words of the vocabulary (search/readings.py)."""

import pytest

from search.readings import (
    MAX_ABBREVIATED,
    TYPO_MIN_LENGTH,
    abbreviated,
    as_typed,
    parts_index,
    reading_query,
)

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


ABBREVIATED = [
    "経営デザインシート",
    "中小企業基盤整備機構",
    "小規模事業者持続化補助金",
    "持続化補助金",
    "ローカルベンチマーク",
    "信用金庫",
    "事業承継",
]


@pytest.mark.parametrize(
    ("query", "read"),
    [
        ("経デザ", "経営デザインシート"),  # the beginnings of the first two parts
        ("経営デザ", "経営デザインシート"),
        ("中小機構", "中小企業基盤整備機構"),  # parts may be left out, not the first
        ("持続化", "持続化補助金"),  # the first parts whole
        ("ロカベン", "ローカルベンチマーク"),  # long-vowel marks do not count
        ("信金 事例", "信用金庫 事例"),  # each term on its own; one that abbreviates nothing stays
    ],
)
def test_an_abbreviation_is_read_as_the_words_it_shortens(query, read):
    assert reading_query(query, ABBREVIATED) == read


@pytest.mark.parametrize(
    "query",
    [
        "デザイン",  # not from the first part's beginning
        "機構",
        "経",  # one character tells nothing
        "経営デザインシート",  # the word itself, not shorter
        "経ザイン",  # ザイン is inside デザイン, not its beginning
        "「経デザ」",  # quoted: searched as typed
        "継承",  # the parts out of order
    ],
)
def test_what_abbreviates_no_word_is_left_alone(query):
    assert reading_query(query, ABBREVIATED) == ""


def test_an_abbreviation_of_several_words_is_read_as_all_of_them_up_to_a_few():
    index = parts_index(("経営理念", "経営計画", "経営戦略", "経営分析"))
    assert abbreviated("経営理", index) == ["経営理念"]
    assert abbreviated("経営", index) == []  # too many to tell
    assert len(abbreviated("経営", index[:MAX_ABBREVIATED])) == MAX_ABBREVIATED


def test_before_the_search_no_abbreviation_is_read():
    """Only hiragana is read before the search: a term that finds something is never read."""
    assert reading_query("経デザ", ABBREVIATED, unconverted_only=True) == ""


def test_a_term_the_visitor_asked_for_as_written_is_not_read():
    """60代 abbreviates 60歳代; after 解除 of that reading (`literal`) it stays as typed."""
    assert reading_query("60代", ["60歳代"]) == "60歳代"
    assert reading_query("60代", ["60歳代"], literal=("６０代",)) == ""
    assert (
        reading_query("60代 ろかべん", ["60歳代", "ロカベン"], literal=("60代",)) == "60代 ロカベン"
    )
