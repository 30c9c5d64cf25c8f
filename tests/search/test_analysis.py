"""Japanese analysis: one Sudachi dictionary per process, a query's compounds and their parts."""

import threading

from search import analysis


def test_threads_share_one_dictionary_and_get_a_tokenizer_each(monkeypatch):
    # The dev server answers each request in a new thread: a dictionary per thread cost
    # 35-50 ms per request (issue 12).
    made = []
    real = analysis.Dictionary

    def counting(*args, **kwargs):
        made.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(analysis, "Dictionary", counting)
    monkeypatch.setattr(analysis, "_DICTIONARY", None, raising=False)
    tokenizers, words = [], []

    def request():
        words.append([t.text for t in analysis.tokenize("代表取締役")])
        tokenizers.append(id(analysis._tokenizer()))

    threads = [threading.Thread(target=request) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert words == [["代表", "取り締まり", "役"]] * 4
    assert len(tokenizers) == 4
    assert len(made) == 1


def test_a_compound_is_searched_as_its_words_in_modes_c_b_and_a():
    (unit,) = analysis.parse_query("業務効率化", {}).units
    assert unit.spellings[0].words == ("業務", "効率", "化")
    assert [p.words for p in unit.parts] == [("業務",), ("効率", "化"), ("効率",)]
    (unit,) = analysis.parse_query("生産性向上", {}).units
    assert {p.words for p in unit.parts} == {("生産", "性"), ("生産",), ("向上",)}


def test_affixes_numbers_and_counters_are_not_parts():
    (unit,) = analysis.parse_query("製造業", {}).units
    assert [p.words for p in unit.parts] == [("製造",)]  # not 業
    (unit,) = analysis.parse_query("一次産業", {}).units
    assert [p.words for p in unit.parts] == [("産業",)] and unit.loose == ()
    (unit,) = analysis.parse_query("50名未満", {}).units
    assert [p.words for p in unit.parts] == [("未満",)]  # not 50, not the counter 名


def test_coverage_needs_most_of_the_words_and_at_least_two():
    assert analysis.parse_query("傾聴", {}).coverage == 0
    assert analysis.parse_query("傾聴 理念", {}).coverage == 2
    assert analysis.parse_query("傾聴 理念 原価", {}).coverage == 2
    assert analysis.parse_query("傾聴 理念 原価 承継", {}).coverage == 3


def test_only_a_quoted_phrase_is_required_and_relaxing_drops_that():
    parsed = analysis.parse_query('"傾聴と理念" 原価', {})
    assert [u.required for u in parsed.units] == [True, False]
    assert parsed.relaxable and not parsed.relaxed().relaxable
    assert not analysis.parse_query("傾聴 理念", {}).relaxable


def test_sudachi_synonyms_add_abbreviations_one_way_as_the_dictionary_says():
    (unit,) = analysis.parse_query("デジタルトランスフォーメーション", {}).units
    assert ("dx",) in [s.words for s in unit.spellings]
    (unit,) = analysis.parse_query("DX", {}).units  # an ambiguous abbreviation: not expanded
    assert [s.words for s in unit.spellings] == [("dx",)]
    (unit,) = analysis.parse_query(
        "デジタルトランスフォーメーション", {}, dictionary_synonyms=False
    ).units
    assert ("dx",) not in [s.words for s in unit.spellings]


def test_a_narrower_term_or_a_synonym_of_one_is_replaced_by_its_broader_word():
    groups = {
        "training": ["人材育成", "社員教育", analysis.ONE_WAY, "OJT", "Off-JT"],
        "ojt": ["OJT", "職場内訓練"],
    }

    def broader(text):
        return analysis.broader_query(text, groups, dictionary_synonyms=False)

    assert broader("OJT") == "人材育成"
    assert broader("ｏｊｔ") == "人材育成"  # as the search reads it (NFKC, case)
    assert broader("職場内訓練 製造業") == "人材育成 製造業"  # a synonym of OJT
    # Nothing narrower: nothing to ask instead. A quoted phrase is what the visitor insists on.
    assert broader("人材育成") == "" and broader("傾聴") == ""
    assert broader("「OJT」") == ""
    assert broader("「OJT」 Off-JT") == "「OJT」 人材育成"


def test_a_sentence_counts_a_unit_for_coverage_only_where_the_unit_itself_occurs():
    question = analysis.parse_query("2024年問題への対応事例はある？", {})
    assert question.sentence
    assert [unit.parts for unit in question.counted_units] == [(), ()]
    assert question.units[0].parts  # still searched by its parts
    # Keywords: each is what the visitor wants found, by its parts too.
    keywords = analysis.parse_query("2024年問題 対応", {})
    assert not keywords.sentence and keywords.counted_units == keywords.units


def test_a_company_noun_alone_in_a_sentence_is_left_out_but_kept_in_a_compound():
    def units(text):
        return ["".join(u.spellings[0].words) for u in analysis.parse_query(text, {}).units]

    assert "会社" not in units("若手がすぐ辞める会社にどう関わればよいか")
    assert "企業" not in units("赤字の企業で理念をつくるには")
    assert units("運送会社") == ["運送会社"] and units("会社") == ["会社"]
    assert "会社" in units("会社 理念")  # a keyword is what the visitor typed


def test_only_the_marks_that_hold_a_whole_term_are_kept():
    terms = ["事業承継", "代替わり", "it導入"]
    marked = "こだ<mark>わり</mark>と<mark>代替わり</mark>、<mark>ＩＴ導入</mark>の<mark>&lt;導入&gt;</mark>"
    assert analysis.whole_marks(marked, terms) == (
        "こだわりと<mark>代替わり</mark>、<mark>ＩＴ導入</mark>の&lt;導入&gt;"
    )
    assert analysis.whole_marks("<mark>事業</mark>承継", terms) == "事業承継"
    assert analysis.whole_marks("no marks", []) == "no marks"
