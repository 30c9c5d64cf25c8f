"""The contract every search backend meets: embedded always, Elasticsearch when ES_URL is set."""

import os
import uuid
from collections import Counter
from dataclasses import replace

import pytest

from search.analysis import ONE_WAY
from search.facets import FACETS
from search.query_words import (
    FACET_BOOST,
    Meaning,
    Range,
    Words,
    label_range,
    search_with_words,
)
from search.types import SearchDocument, SearchRequest

SYNONYMS = {"1": ["ロカベン", "ローカルベンチマーク"], "2": ["見える化", "可視化"]}


def doc(i, title, body, *, kind="case", published=0, **facets):
    return SearchDocument(
        id=i,
        version=1,
        kind=kind,
        title=title,
        body=body,
        published=published or 738000 + i,
        suggest=(title,),
        # industry="E", phase=("trust", …): one code for a page facet, several for a section one
        facets={k: (v,) if isinstance(v, str) else tuple(v) for k, v in facets.items()},
    )


CORPUS = [
    doc(
        1,
        "金属加工業の価格交渉",
        "支援チームは社長の話を整理し、傾聴を重視した。原価を見える化した。",
        industry="E",
        region="chubu",
        employees="51-100",
        phase=("trust", "awareness"),
        tool=("whiteboard", "cost-accounting"),
        owner_age="60s",
        owner_type="founder",
        requesting_body="financial-institution",
        vision_articulated="yes",
        sales_trend="up",
        profit_trend="down",
        hashtag=("価格交渉", "原価"),
    ),
    doc(
        2,
        "温泉旅館の人材定着",
        "経営デザインシートで「これまで」と「これから」を描いた。",
        industry="M",
        region="hokuriku",
        employees="21-50",
        phase=("awareness",),
        tool=("management-design-sheet",),
        owner_age="50s",
        sales="under-100m",
        supporter_type="generalist",
        approach="issue-setting",
    ),
    doc(
        3,
        "運送会社の業務改善",
        "社内のサーバを入れ替え、引越しの繁忙期に備えてＩＴ導入を進めた。",
        industry="H",
        region="kanto",
        employees="101-300",
        phase=("action",),
        tool=("business-flow",),
    ),
    doc(
        4,
        "製造業の事業承継",
        "代表取締役は資金繰りのシミュレーションを見て、後継者と理念を話し合った。",
        industry="E",
        region="kinki",
        employees="21-50",
        phase=("awareness", "motivation"),
        tool=("local-benchmark",),
        owner_age="60s",
        owner_type="successor-family",
        sales="100m-1b",
        vision_articulated="no",
        hashtag=("事業承継",),
    ),
    doc(
        5,
        "小売店の販路開拓",
        "ローカルベンチマークの非財務の視点で対話と傾聴を重ねた。",
        industry="I",
        region="kanto",
        employees="6-20",
        phase=("trust",),
        tool=("local-benchmark", "swot"),
        requesting_body="chamber",
        supporter_type="specialist",
        approach="issue-solving",
        scale_phase="small-mid-various",
    ),
    doc(
        6,
        "印刷会社の組織改革",
        "傾聴と対話の順で進めるのではなく、まず対話から始めた。<script>alert(1)</script>",
        industry="E",
        region="tohoku",
        employees="51-100",
        phase=("trust",),
        tool=("whiteboard",),
    ),
    doc(
        7,
        "介護事業所の働き方",
        "ｲﾝﾎﾞｲｽへの対応と、職員アンケートの結果を共有した。",
        industry="P",
        region="kyushu-okinawa",
        employees="51-100",
        phase=("action",),
        tool=("employee-survey",),
    ),
    doc(
        8,
        "酒蔵の理念づくり",
        "後継者が理念を言語化し、酒造りの原価と工程を見える化した。傾聴を続けた。",
        industry="E",
        region="tohoku",
        employees="6-20",
        phase=("awareness", "motivation"),
        tool=("mind-map", "cost-accounting"),
        owner_age="30s",
        owner_type="successor-internal",
        vision_articulated="yes",
        hashtag=("事業承継", "理念"),
    ),
    doc(
        101,
        "敬意を持って傾聴する",
        "経営者の話を遮らずに最後まで聴く。傾聴は支援の土台である。",
        kind="knowhow",
        phase=("trust",),
    ),
]


def _backend(kind: str, tmp_path, corpus):
    if kind == "embedded":
        from search.backends.embedded import EmbeddedBackend

        backend = EmbeddedBackend(tmp_path / "index")
    else:
        url = os.environ.get("ES_URL")
        if not url:
            pytest.skip("ES_URL が未設定のため Elasticsearch の契約テストは省略します")
        from search.backends.elastic import ElasticsearchBackend

        backend = ElasticsearchBackend(url=url, index=f"banso-test-{uuid.uuid4().hex[:8]}")
    backend.rebuild(corpus)
    return backend


def _each_backend(request, tmp_path, corpus):
    """A fixture's body: the backend of `request.param` with `corpus`, dropped afterwards."""
    backend = _backend(request.param, tmp_path, corpus)
    yield backend
    if request.param == "elasticsearch":
        backend.drop()


@pytest.fixture(params=["embedded", "elasticsearch"])
def engine(request, tmp_path):
    yield from _each_backend(request, tmp_path, CORPUS)


def ids(engine, text="", **kwargs):
    return set(ranked(engine, text, **kwargs))


def ranked(engine, text="", **kwargs):
    kwargs.setdefault("synonyms", SYNONYMS)
    response = engine.search(SearchRequest(text=text, **kwargs))
    return [hit.id for hit in response.hits]


def test_word_inside_a_sentence(engine):
    assert ids(engine, "傾聴") == {1, 5, 6, 8, 101}


def test_compound_words_and_their_parts(engine):
    # The compound first; 経営 alone (in 経営者, doc 101) is a weaker match, still found.
    assert ranked(engine, "経営デザインシート") == [2, 101]
    assert ids(engine, "デザイン") == {2}
    assert 4 in ids(engine, "取締役")  # inside 代表取締役


@pytest.mark.parametrize(
    ("query", "expected"), [("サーバー", {3}), ("サーバ", {3}), ("シュミレーション", {4})]
)
def test_spelling_variants(engine, query, expected):
    assert ids(engine, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"), [("IT導入", {3}), ("ＩＴ導入", {3}), ("インボイス", {7}), ("ｲﾝﾎﾞｲｽ", {7})]
)
def test_full_and_half_width(engine, query, expected):
    assert ids(engine, query) == expected


def test_kana_kanji_variants(engine):
    assert ids(engine, "引っ越し") == {3}  # the text says 引越し


def test_synonyms(engine):
    assert ids(engine, "ロカベン") == {5}
    assert ids(engine, "可視化") == {1, 8}
    # Without the secretariat's groups and the shipped dictionaries (ロカベン is in the domain one).
    assert ids(engine, "ロカベン", synonyms={}, dictionary_synonyms=False) == set()


def test_one_way_synonyms_find_narrower_words_but_not_the_reverse(engine):
    # 工業 also finds 製造業 (doc 4); 製造業 does not find 工業 (in doc 1's 金属加工業).
    rules = {
        "1": ["工業", ONE_WAY, "製造業", "金属加工業"],
        "2": ["ロカベン", "ローカルベンチマーク"],
    }
    assert ids(engine, "工業", synonyms=rules) == {1, 4}
    assert ids(engine, "製造業", synonyms=rules) == {4}
    assert ids(engine, "ロカベン", synonyms=rules) == {5}


def test_phrase_query_keeps_word_order(engine):
    assert ids(engine, '"傾聴と対話"') == {6}
    # Unquoted, every word counts: the two documents with both words first, in either order.
    found = ranked(engine, "傾聴 対話")
    assert set(found[:2]) == {5, 6} and set(found) == {1, 5, 6, 8, 101}


def test_a_quoted_phrase_that_matches_nothing_falls_back_to_its_words(engine):
    assert ids(engine, '"傾聴と理念"') == {1, 4, 5, 6, 8, 101}


def test_every_word_counts_and_documents_with_all_of_them_rank_first(engine):
    found = ranked(engine, "傾聴 理念")
    assert found[0] == 8  # the only one with both
    assert set(found) == {1, 4, 5, 6, 8, 101}  # 理念 alone (4), 傾聴 alone (1, 5, 6, 101)


def test_multi_select_facets_or_within_and_across(engine):
    request = SearchRequest(
        filters={"tool": ["whiteboard", "swot"], "industry": ["E"]}, kinds=["case"]
    )
    response = engine.search(request)
    assert {h.id for h in response.hits} == {1, 6}
    tools = {f.value: f.count for f in response.facets["tool"]}
    # Tool counts ignore the tool selection but respect industry=E.
    assert (
        tools["whiteboard"] == 2 and tools["cost-accounting"] == 2 and tools["local-benchmark"] == 1
    )
    assert "swot" not in tools  # the only swot case is not industry E
    industry = {f.value: f.count for f in response.facets["industry"]}
    assert industry == {"E": 2, "I": 1}  # industry counts ignore industry, respect tool
    assert all(f.selected == (f.value in ("whiteboard", "swot")) for f in response.facets["tool"])


def _values(document: SearchDocument, name: str) -> set[str]:
    return set(document.facet(name))


@pytest.mark.parametrize("facet", [f.name for f in FACETS])
def test_every_facet_filters_and_counts(engine, facet):
    """Issue 12: every 基礎情報 and typology field of a case, and its hashtags, is a facet."""
    cases = [d for d in CORPUS if d.kind == "case"]
    expected = Counter(v for d in cases for v in _values(d, facet))
    assert expected, f"the corpus has no value of {facet}"
    response = engine.search(SearchRequest(kinds=["case"]))
    assert {f.value: f.count for f in response.facets[facet]} == expected
    for value in expected:
        found = ids(engine, filters={facet: [value]}, kinds=["case"])
        assert found == {d.id for d in cases if value in _values(d, facet)}, (facet, value)


def test_new_facets_combine_with_the_others(engine):
    request = SearchRequest(filters={"owner_age": ["60s"], "industry": ["E"]}, kinds=["case"])
    response = engine.search(request)
    assert {h.id for h in response.hits} == {1, 4}
    # Age counts ignore the age selection and respect industry=E (1, 4: 60s; 8: 30s).
    assert {f.value: f.count for f in response.facets["owner_age"]} == {"60s": 2, "30s": 1}
    assert {f.value: f.count for f in response.facets["hashtag"]} == {
        "価格交渉": 1,
        "原価": 1,
        "事業承継": 1,
    }


def test_a_boost_ranks_documents_with_the_value_first_and_adds_none(engine):
    plain = ranked(engine, "原価")
    boosted = ranked(engine, "原価", boosts={"owner_type": ["successor-internal"]})
    assert plain == [1, 8] and boosted == [8, 1]  # 8 alone has 後継者（社内登用）
    # A boost finds nothing the text does not, and does not outweigh a title match.
    assert ranked(engine, "傾聴", boosts={"requesting_body": ["chamber"]})[:2] == [101, 5]
    assert FACET_BOOST > 0


# The words vocabulary() builds from the taxonomy, for the words these tests use.
WORDS = {
    "60代": Meaning("owner_age", ("60s",), "60歳代"),
    "60歳代": Meaning("owner_age", ("60s",), "60歳代"),
    "石川県": Meaning("region", ("hokuriku",), "北陸"),
    "北陸": Meaning("region", ("hokuriku",), "北陸"),
    "製造業": Meaning("industry", ("E",), "製造業"),
    "創業者": Meaning("owner_type", ("founder",), "創業者"),
    "後継者": Meaning(
        "owner_type", ("successor-family", "successor-internal", "successor-external"), "後継者"
    ),
    "金融機関": Meaning("requesting_body", ("financial-institution",), "金融機関"),
}


def with_words(engine, text, **kwargs):
    kwargs.setdefault("synonyms", SYNONYMS)
    request = SearchRequest(text=text, facet_words=True, **kwargs)
    return search_with_words(engine.search, request, WORDS)


@pytest.mark.parametrize(
    ("query", "expected", "mode"),
    [
        ("60歳代", {1, 4}, "filter"),  # in no text: found through the 基礎情報
        ("60代", {1, 4}, "filter"),
        ("石川県", {2}, "filter"),  # the prefecture's region (the public facet)
        ("北陸", {2}, "filter"),
        ("製造業", {1, 4, 6, 8}, "filter"),
        ("石川県の製造業", set(), None),  # no case is both: asked again as boosts (below)
    ],
)
def test_query_words_that_name_a_facet_value_filter(engine, query, expected, mode):
    response = with_words(engine, query, kinds=["case"])
    found = {h.id for h in response.hits}
    if mode is None:
        assert all(w.mode == "boost" for w in response.words)
        return
    assert found == expected, (query, found)
    assert response.words and all(w.mode == mode for w in response.words)


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("後継者 理念", 8),
        ("創業者 傾聴", 1),
        ("金融機関 原価", 1),
        ("60代 傾聴", 1),  # beside another word, a filter word ranks: 傾聴 elsewhere still found
        ("製造業 対話", 4),  # 製造業 in its title; 5 and 6 (対話, 小売 and 印刷) still found
    ],
)
def test_query_words_that_may_be_ordinary_text_boost(engine, query, first):
    response = with_words(engine, query, kinds=["case"])
    assert [w.mode for w in response.words] == ["boost"]
    assert response.hits[0].id == first
    # The boost adds nothing: the same cases as the words as written.
    assert {h.id for h in response.hits} == ids(engine, query, kinds=["case"])


def test_literal_words_are_searched_as_written(engine):
    response = with_words(engine, "製造業", kinds=["case"], literal=("製造業",))
    assert response.words == ()
    assert {h.id for h in response.hits} == ids(engine, "製造業", kinds=["case"])


def test_a_query_is_never_empty_while_one_of_its_words_occurs(engine):
    # 石川県の製造業: no case is both (北陸 is case 2, an inn), but 製造業 occurs in case 4's
    # title: the filters become boosts rather than leave the visitor with nothing.
    response = with_words(engine, "石川県の製造業", kinds=["case"])
    assert 4 in {h.id for h in response.hits}
    assert {(w.word, w.mode) for w in response.words} == {("石川県", "boost"), ("製造業", "boost")}
    response = with_words(engine, "60代 デザイン", kinds=["case"])
    assert {h.id for h in response.hits} >= {2}


def test_pagination_is_exact_and_disjoint(engine):
    first = engine.search(SearchRequest(kinds=["case"], page=1, page_size=3))
    second = engine.search(SearchRequest(kinds=["case"], page=2, page_size=3))
    third = engine.search(SearchRequest(kinds=["case"], page=3, page_size=3))
    assert first.total == second.total == 8
    pages = [[h.id for h in r.hits] for r in (first, second, third)]
    assert [len(p) for p in pages] == [3, 3, 2]
    assert len({i for p in pages for i in p}) == 8
    assert pages[0] == [8, 7, 6]  # empty query: newest first


def test_highlights_are_escaped_with_only_mark(engine):
    response = engine.search(SearchRequest(text="対話"))
    highlight = next(h for h in response.hits if h.id == 6).highlights[0]
    assert "<mark>" in highlight
    assert "<script>" not in highlight
    stripped = highlight.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in stripped and ">" not in stripped


HIGHLIGHTING = [
    doc(301, "代替わりの準備", "職人のこだわりを聞き取り、社長は代替わりの準備を進めた。"),
    doc(302, "こだわりの品", "店主のこだわりを価格に映した。"),
]


@pytest.fixture(params=["embedded", "elasticsearch"])
def highlighting(request, tmp_path):
    yield from _each_backend(request, tmp_path, HIGHLIGHTING)


def test_only_whole_terms_are_marked(highlighting):
    """事業承継 finds 代替わり (its synonym), and marks it; わり inside こだわり, a piece of the
    synonym the bigram fields also match, is not marked."""
    response = highlighting.search(
        SearchRequest(text="事業承継", synonyms={"g": ["事業承継", "代替わり"]})
    )
    highlight = {h.id: h.highlights for h in response.hits}[301][0]
    assert "<mark>代替わり</mark>" in highlight
    assert "こだわり" in highlight and "こだ<mark>" not in highlight


def test_more_like_this_excludes_the_source(engine):
    similar = [h.id for h in engine.more_like_this(8, limit=3)]
    assert 8 not in similar
    assert similar and similar[0] in {1, 4}  # shares 見える化/原価 or 後継者/理念
    assert all(i < 100 for i in similar)  # cases only


def test_unknown_filters_are_rejected():
    with pytest.raises(ValueError, match="未知の絞り込み項目"):
        SearchRequest(filters={"colour": ["blue"]})


def test_suggest_accepts_kana(engine):
    texts = [s.text for s in engine.suggest("おんせん")]
    assert "温泉旅館の人材定着" in texts
    assert [s.text for s in engine.suggest("金属")] == ["金属加工業の価格交渉"]


def test_index_delete_and_versions(engine):
    engine.delete([3])
    assert ids(engine, "サーバー") == set()
    engine.index([doc(3, "運送会社の業務改善", "サーバーを更新した。")])
    assert ids(engine, "サーバー") == {3}
    versions = engine.versions()
    assert set(versions) == {d.id for d in CORPUS} and versions[3] == 1


# --- compounds, OR and coverage on words the demo content is about (issue 12) ------------------
COMPOUNDS = [
    doc(201, "原価を見直した町工場", "材料の原価を洗い出し、外注費を低減した。"),
    doc(202, "原価計算の入門", "原価の考え方を学んだ。"),
    doc(203, "受注処理の見直し", "業務の流れを図にして、効率を上げた。"),
    doc(204, "事業計画づくり", "事業計画を社長と一緒に策定した。"),
    doc(205, "設備の計画", "計画は後回しになっていた。"),
    doc(206, "ロボット導入", "省人化投資で人手不足に備えた。"),
    doc(207, "生産現場の改善", "生産性を高め、売上も向上した。"),
    doc(208, "理念の言語化", "経営理念を言葉にして、行動指針を策定した。"),
    doc(209, "第二創業", "新規の取引先と、新しい事業の柱を探した。"),
    doc(210, "資金繰りの立て直し", "資金繰りが改善し、返済の見通しが立った。"),
    doc(211, "製造業の対話", "製造業の社長とローカルベンチマークで対話した。"),
    doc(212, "製造業の承継", "製造業の事業承継を支えた。"),
]


@pytest.fixture(params=["embedded", "elasticsearch"])
def compounds(request, tmp_path):
    yield from _each_backend(request, tmp_path, COMPOUNDS)


@pytest.mark.parametrize(
    ("query", "first", "also"),
    [
        ("原価低減", 201, {202}),  # its parts apart first, then 原価 alone
        ("業務効率化", 203, set()),  # 業務 and 効率 (the compound: 業務, 効率化, 効率)
        ("事業計画策定", 204, {205}),
        ("省人化", 206, set()),
        ("生産性向上", 207, set()),
        ("経営理念策定", 208, {204}),  # 策定 alone
        ("新規事業", 209, {204, 212}),
        ("資金繰り改善", 210, {207}),  # 改善 in the title of 207
        ("ロカベン 製造業", 211, {212}),  # both words first, then either
    ],
)
def test_compounds_are_found_by_their_parts_and_the_best_match_ranks_first(
    compounds, query, first, also
):
    found = ranked(compounds, query)
    assert found and found[0] == first, found
    assert also <= set(found), found


def test_a_query_finds_something_while_one_of_its_words_occurs(compounds):
    # One word of four occurs (原価): the query is not empty-handed.
    assert ids(compounds, "原価 ドローン 海外展開 ブロックチェーン") == {201, 202}
    assert ids(compounds, "ドローン ブロックチェーン") == set()


def test_dictionary_synonyms_find_abbreviations(compounds, engine):
    # Sudachi's synonym dictionary: デジタルトランスフォーメーション also finds DX; DX, an ambiguous
    # abbreviation, does not expand to it (the dictionary's own rule).
    engine.index([doc(9, "DXの一歩", "受発注をDXで変えた。")])
    assert ids(engine, "デジタルトランスフォーメーション", synonyms={}) == {9}
    assert (
        ids(engine, "デジタルトランスフォーメーション", synonyms={}, dictionary_synonyms=False)
        == set()
    )


# --- question wording, synonym weights and amounts (issue 12, relevance) -----------------------
RANKING = [
    doc(301, "若手の定着", "若手社員がすぐ辞める会社で、採用と育成を見直した。"),
    # Only the wording of a question: どう, よい, 方法, 事例, ある.
    doc(302, "よくある質問", "どうすればよいか迷ったときの方法と、事例の探し方をまとめた。"),
    doc(303, "社長との面談", "支援チームは社長の話を傾聴した。"),
    # Only the synonym, twice: without the synonym weight it would outscore 303.
    doc(304, "社長との対話", "社長の話に耳を傾ける時間をとった。耳を傾けることを重んじた。"),
    doc(305, "小さな工房", "職人と社長の対話。", employees="1-5"),
    doc(306, "中堅の工場", "社長と工場長の対話。", employees="21-50"),
    doc(307, "大きな工場", "社長と部長の対話。", employees="51-100"),
    doc(308, "本社の移転", "社長の判断。", employees="301+"),
    # A question's compound (2024年問題) as written, and the question's other word (対応) with
    # only a generic part of the compound (問題), twice.
    doc(309, "ドライバーの働き方", "2024年問題を前に、運行の組み方を見直した。"),
    doc(310, "問題への対応", "新しい制度で浮かんだ問題に一つずつ対応した。問題と対応を表にした。"),
]


@pytest.fixture(params=["embedded", "elasticsearch"])
def ranking(request, tmp_path):
    yield from _each_backend(request, tmp_path, RANKING)


def test_the_wording_of_a_question_is_not_searched(ranking):
    question = "若手がすぐ辞める会社にどう関わればよいか"
    assert ranked(ranking, question) == [301]  # not 302, which has only どう, よい, 方法 …
    assert ranked(ranking, "採用の事例はある？") == [301]
    # A query of nothing but such words is still searched as typed.
    assert ids(ranking, "事例") == {302}


def test_in_a_sentence_a_generic_part_of_a_compound_does_not_count_as_the_compound(ranking):
    # 問題 alone is not 2024年問題: 310 has "most of the question" only through it.
    assert ranked(ranking, "2024年問題への対応事例はある？") == [309, 310]


def test_a_document_with_the_word_as_typed_ranks_above_one_with_a_synonym(ranking):
    synonyms = {"1": ["傾聴", "=>", "耳を傾ける"]}
    assert ranked(ranking, "傾聴", synonyms=synonyms) == [303, 304]
    # The other way round too: the synonym is found, the word as typed first.
    assert ranked(ranking, "耳を傾ける", synonyms={"1": ["耳を傾ける", "傾聴"]}) == [304, 303]


def amounts_vocabulary():
    """What vocabulary() builds for the employee bands: their labels' ranges."""
    words = Words()
    labels = {
        "1-5": "5名以下",
        "6-20": "6〜20名",
        "21-50": "21〜50名",
        "51-100": "51〜100名",
        "101-300": "101〜300名",
        "301+": "301名以上",
    }
    words.ranges = tuple(
        Range("employees", code, label, *label_range(label)) for code, label in labels.items()
    )
    words.names = frozenset({"従業", "員", "数"})
    return words


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("50名未満", {305, 306}),
        ("従業員50名以下の会社", {305, 306}),
        ("51人以上", {307, 308}),
        ("300名超", {308}),
    ],
)
def test_an_amount_filters_the_bands_it_meets(ranking, query, expected):
    request = SearchRequest(text=query, facet_words=True, kinds=["case"])
    response = search_with_words(ranking.search, request, amounts_vocabulary())
    assert {h.id for h in response.hits} == expected
    assert [w.mode for w in response.words] == ["filter"]


# --- the domain dictionary (search/data/domain_synonyms.tsv, issue 12) --------------------------
def _domain_pairs() -> list[tuple[str, str, str]]:
    """(group, query word, the word a case uses instead) for every group of the file: the first
    word and its first partner both ways, and a one-way group's first word and narrower word."""
    from search.synonyms import read_domain_groups

    pairs = []
    for name, group in read_domain_groups().items():
        same = group[: group.index(ONE_WAY)] if ONE_WAY in group else group
        narrower = group[len(same) + 1 :]
        if len(same) > 1:
            pairs += [(name, same[0], same[1]), (name, same[1], same[0])]
        if narrower:
            pairs.append((name, same[0], narrower[0]))
    return pairs


@pytest.fixture(params=["embedded", "elasticsearch"])
def domain_cases(request, tmp_path):
    """One case per pair, whose text uses only the partner word."""
    pairs = _domain_pairs()
    corpus = [
        doc(1000 + i, f"相談の記録 {i}", f"{partner}について相談を受けた。")
        for i, (_name, _word, partner) in enumerate(pairs)
    ]
    backend = _backend(request.param, tmp_path, corpus)
    yield backend, pairs
    if request.param == "elasticsearch":
        backend.drop()


def test_every_domain_synonym_finds_a_case_that_uses_only_its_partner(domain_cases):
    engine, pairs = domain_cases
    missed = [
        f"{name}: {word} → {partner}"
        for i, (name, word, partner) in enumerate(pairs)
        if 1000 + i not in ids(engine, word, synonyms={})
    ]
    assert missed == []


def test_domain_synonyms_are_one_way_where_the_file_says_so_and_can_be_left_out(engine):
    engine.index(
        [
            doc(20, "金融機関との対話", "メインの金融機関に事業計画を説明した。"),
            doc(21, "支店長との面談", "信用金庫の支店長と面談した。"),
        ]
    )
    # 金融機関 => 信用金庫: the broader word finds the narrower one, not the reverse.
    assert {20, 21} <= ids(engine, "金融機関", synonyms={})
    assert 20 not in ids(engine, "信用金庫", synonyms={})
    # Two-way: 信金 finds 信用金庫; without the shipped dictionaries it does not.
    assert 21 in ids(engine, "信金", synonyms={})
    assert 21 not in ids(engine, "信金", synonyms={}, dictionary_synonyms=False)


# --- pseudo-relevance feedback (search/feedback.py, issue 12) -----------------------------------
FEEDBACK = [
    doc(
        401,
        "資金繰りの相談",
        "資金繰りに悩む社長と面談し、銀行への返済計画を試算した。",
        industry="E",
    ),
    doc(
        402,
        "旅館の資金繰り",
        "資金繰りの見通しを立て、銀行と返済の条件を面談で話した。",
        industry="M",
    ),
    doc(403, "工場の資金繰り", "資金繰り表を作り、返済を銀行と試算した。", industry="E"),
    # None of the query's words (資金繰り, 資金, 繰り), but most of the words 401–403 share.
    doc(
        404,
        "メインバンクとの対話",
        "社長は銀行の担当者と面談し、返済の計画を試算して見直した。",
        industry="H",
    ),
    doc(405, "新商品の開発", "職人と新しい器の形を考えた。"),
    doc(406, "採用の工夫", "若手の採用と育成を見直した。"),
    doc(407, "販路の開拓", "展示会で新しい取引先を探した。"),
    doc(408, "店舗の改装", "客席を広げ、照明を変えた。"),
]


@pytest.fixture(params=["embedded", "elasticsearch"])
def feedback_cases(request, tmp_path):
    yield from _each_backend(request, tmp_path, FEEDBACK)


def test_feedback_finds_a_case_that_shares_no_word_with_the_query(feedback_cases):
    from search.feedback import search_with_feedback

    request = SearchRequest(text="資金繰り", dictionary_synonyms=False)
    plain = [h.id for h in feedback_cases.search(request).hits]
    assert set(plain) == {401, 402, 403}
    response = search_with_feedback(feedback_cases, request)
    found = [h.id for h in response.hits]
    # Found by the words the best hits share (銀行, 返済, 面談, 試算), after every case that
    # has the query's word; the first hit stays first (the others may swap: feedback reorders
    # weakly); an unrelated case is not found.
    assert found[0] == plain[0] and set(found[:3]) == set(plain) and found[3:] == [404], found
    assert response.total == 4 and response.related == 1
    # Words that only reorder (an answer of a page or more) find nothing new.
    words = tuple((w, 1.0) for w in ("銀行", "返済", "面談", "試算"))
    reordering = feedback_cases.search(replace(request, expansion=words, expansion_finds=False))
    assert {h.id for h in reordering.hits} == set(plain) and reordering.total == 3
    # Without feedback, as before.
    unchanged = search_with_feedback(feedback_cases, replace(request, feedback=False))
    assert [h.id for h in unchanged.hits] == plain


def test_feedback_words_are_the_ones_the_best_hits_share(feedback_cases):
    from search.feedback import feedback_words, query_words

    statistics = feedback_cases.word_statistics([401, 402, 403, 999])  # 999: not indexed
    assert len(statistics.documents) == 3
    assert statistics.documents[0]["銀行"] == 1 and statistics.documents[0]["資金"] == 2
    assert statistics.total == len(FEEDBACK)
    assert statistics.doc_freq("銀行") == 4 and statistics.doc_freq("存在しない") == 0
    request = SearchRequest(text="資金繰り", dictionary_synonyms=False)
    words = dict(feedback_words(statistics, exclude=query_words(request)))
    assert {"銀行", "返済", "面談", "試算"} <= set(words)
    assert not {"資金", "繰る", "資金繰り", "社長"} & set(words)  # the query's; in one hit only
    assert max(words.values()) == 1.0


def test_facets_and_pages_count_what_feedback_found(feedback_cases):
    from search.feedback import search_with_feedback

    request = SearchRequest(text="資金繰り", dictionary_synonyms=False)
    response = search_with_feedback(feedback_cases, request)
    counts = {c.value: c.count for c in response.facets["industry"]}
    assert counts == {"E": 2, "M": 1, "H": 1}
    # Page 2 of 2 is the same query: its last hit is the case feedback found.
    second = search_with_feedback(feedback_cases, replace(request, page=2, page_size=2))
    assert [h.id for h in second.hits][-1] == 404 and second.total == 4
    # Under 運輸業 (H) the query's words find nothing: the words its best hits of the other
    # industries share find 404, which is 運輸業, as related; the unrelated cases stay out.
    filtered = search_with_feedback(feedback_cases, replace(request, filters={"industry": ["H"]}))
    assert [h.id for h in filtered.hits] == [404]
    assert (filtered.total, filtered.related) == (1, 1)
    assert {c.value: c.count for c in filtered.facets["industry"]}["H"] == 1
    # Nothing is learnt where nothing is found without the filters either, nor from a filter
    # alone, nor for a search sorted by date.
    for empty in (
        replace(request, text="存在しない語", filters={"industry": ["H"]}),
        replace(request, text="資金繰り", filters={"industry": ["X"]}),
        replace(request, filters={"industry": ["H"]}, feedback=False),
        replace(request, filters={"industry": ["H"]}, sort="-published"),
    ):
        assert search_with_feedback(feedback_cases, empty).total == 0, empty
