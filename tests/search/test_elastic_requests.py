"""Request bodies of the Elasticsearch backend, checked without a real server (results need ES_URL)."""

import pytest

from search import analysis
from search.backends.elastic import MAPPING_VERSION, MAPPINGS, SETTINGS, ElasticsearchBackend
from search.types import SearchDocument, SearchRequest, SearchUnavailable

from .fake_elasticsearch import FakeElasticsearch

DOCS = [
    SearchDocument(
        id=i,
        version=1,
        kind="case",
        title=f"事例 {i}",
        body="引越しの前に資金繰りのシュミレーションをした。",
        published=738000 + i,
    )
    for i in (1, 2, 3)
]


def body(**kwargs) -> dict:
    backend = ElasticsearchBackend(url="http://127.0.0.1:1", index="banso-test")
    return backend.build(SearchRequest(**kwargs)).to_dict()


def test_multi_select_facets_use_post_filter_and_per_facet_filters():
    request = body(text="傾聴", filters={"tool": ["whiteboard", "swot"], "industry": ["E"]})
    assert request["post_filter"]["bool"]["filter"] == [
        {"terms": {"tool": ["whiteboard", "swot"]}},
        {"terms": {"industry": ["E"]}},
    ]
    tool_agg = request["aggs"]["tool"]["filter"]["bool"]["filter"]
    assert tool_agg == [{"terms": {"industry": ["E"]}}]  # its own selection left out
    assert request["aggs"]["tool"]["aggs"]["values"]["terms"]["size"] == 200


def test_synonyms_expand_at_query_time():
    request = body(text="ロカベン", synonyms={"1": ["ロカベン", "ローカルベンチマーク"]})
    phrases = str(request["query"])
    assert "ローカルベンチマーク" in phrases and "ロカベン" in phrases


def test_highlight_is_html_encoded_with_mark():
    highlight = body(text="傾聴")["highlight"]
    assert highlight["encoder"] == "html" and highlight["pre_tags"] == ["<mark>"]


def test_mapping_uses_kuromoji_behind_icu_and_a_bigram_subfield():
    ja = SETTINGS["analysis"]["analyzer"]["ja"]
    assert ja["char_filter"] == ["nfkc_cf"] and ja["tokenizer"] == "ja_search"
    assert MAPPINGS["properties"]["body"]["fields"]["ngram"]["analyzer"] == "ja_bigram"
    assert MAPPINGS["properties"]["suggest"]["search_analyzer"] == "ja_completion_query"


def clauses(node, name: str) -> list:
    """Every clause called name anywhere in a request body."""
    if isinstance(node, dict):
        found = [node[name]] if name in node else []
        return found + [c for value in node.values() for c in clauses(value, name)]
    if isinstance(node, list):
        return [c for value in node for c in clauses(value, name)]
    return []


def text_part(**kwargs) -> dict:
    return body(**kwargs)["query"]["bool"]["must"][0]


def test_every_word_counts_and_coverage_and_order_are_boosts():
    query = text_part(text="傾聴 理念 原価")["bool"]
    units = query["must"][0]["bool"]
    assert units["minimum_should_match"] == 1 and len(units["should"]) == 3  # one word is enough
    assert "filter" not in query or query["filter"] == []
    most, every, near = query["should"]
    assert most["bool"]["minimum_should_match"] == 2 and most["bool"]["boost"] == (
        analysis.COVERAGE_BOOST
    )
    assert len(every["bool"]["must"]) == 3 and every["bool"]["boost"] == analysis.ALL_WORDS_BOOST
    phrases = [c["body_norm"] for c in clauses(near, "match_phrase") if "body_norm" in c]
    assert phrases == [{"query": "傾聴 理念 原価", "slop": analysis.PHRASE_SLOP, "boost": 1.0}]


def test_two_words_need_one_and_rank_higher_with_both():
    query = text_part(text="理念の言語化")["bool"]
    assert query["must"][0]["bool"]["minimum_should_match"] == 1
    assert query["should"][0]["bool"]["minimum_should_match"] == 2  # both: coverage boost
    assert len(query["should"]) == 2  # coverage already means all: no separate all-words clause


def test_a_compound_is_also_searched_as_its_parts():
    unit = text_part(text="業務効率化")["bool"]
    best, parts = unit["should"]
    assert unit["minimum_should_match"] == 1 and parts["bool"]["boost"] == analysis.PART_FACTOR
    words = {c["body_norm"]["query"] for c in clauses(parts, "match_phrase") if "body_norm" in c}
    assert words == {"業務", "効率 化", "効率"}  # modes C, B and A, the compound left out


def test_spellings_and_fields_are_alternatives_weighted_by_field():
    unit = text_part(text="傾聴")["dis_max"]
    assert unit["tie_breaker"] == analysis.TIE_BREAKER
    boosts = {field: q["boost"] for c in clauses(unit, "match_phrase") for field, q in c.items()}
    assert boosts["title"] > boosts["summary"] > boosts["body"] > boosts["body.ngram"]


def test_a_compound_also_matches_loosely_without_its_suffix():
    loose = clauses(text_part(text="運送業 残業規制"), "match")
    assert {c["body"]["query"] for c in loose if "body" in c} == {"運送", "残業 規制"}
    assert all(q["operator"] == "and" for c in loose for q in c.values())


def test_quoted_phrases_must_match_and_numbers_are_never_loosened():
    quoted = text_part(text='"残業規制"')["bool"]
    assert clauses(quoted["filter"], "match") == []  # the filter: the phrase as written
    assert clauses(text_part(text="一次産業"), "match") == []


def test_synonyms_are_swapped_into_compounds():
    request = text_part(text="社員ヒアリング", synonyms={"1": ["ヒアリング", "聞き取り"]})
    phrases = {q["query"] for c in clauses(request, "match_phrase") for q in c.values()}
    assert {"社員ヒアリング", "社員聞き取り"} <= phrases


def test_nothing_found_retries_without_the_quoted_phrase_requirement():
    backend = ElasticsearchBackend(url="http://127.0.0.1:1", index="banso-test")
    request = SearchRequest(text='"残業規制" 傾聴')
    assert backend.relaxable(request)
    strict = backend.build(request).to_dict()["query"]["bool"]["must"][0]["bool"]
    assert len(strict["filter"]) == 1
    relaxed = backend.build(request, relaxed=True).to_dict()["query"]["bool"]["must"][0]["bool"]
    assert not relaxed.get("filter")
    assert relaxed["must"][0]["bool"]["minimum_should_match"] == 1
    assert not backend.relaxable(SearchRequest(text="傾聴 理念"))  # OR already: nothing to relax


def test_dictionary_synonyms_expand_abbreviations_and_can_be_left_out():
    with_dictionary = str(text_part(text="デジタルトランスフォーメーション"))
    assert "'dx'" in with_dictionary
    without = str(text_part(text="デジタルトランスフォーメーション", dictionary_synonyms=False))
    assert "'dx'" not in without


def test_summary_is_a_mapped_field():
    assert MAPPINGS["properties"]["summary"]["analyzer"] == "ja"


# --- requests sent to a server (a loopback fake that records them; no search results read) ---
def index_creations(es: FakeElasticsearch) -> list[dict]:
    return [r for r in es.calls("PUT") if r["path"].count("/") == 1 and r["path"][1] != "_"]


def test_suggestions_ask_for_no_hits_and_no_documents():
    with FakeElasticsearch() as es:
        ElasticsearchBackend(url=es.url, index="banso-test").suggest("けい")
        (sent,) = es.calls("POST", "/banso-test/_search")
    assert sent["body"]["size"] == 0 and sent["body"]["_source"] is False
    assert sent["body"]["suggest"]["s"]["completion"]["field"] == "suggest"
    assert "query" not in sent["body"]


def test_rebuild_fills_without_refreshes_and_refreshes_once_before_the_swap():
    with FakeElasticsearch() as es:
        backend = ElasticsearchBackend(url=es.url, index="banso-test", replicas=1)
        assert backend.rebuild(DOCS) == len(DOCS)
        steps = [(r["method"], r["path"].split("/")[-1]) for r in es.requests if r["path"] != "/"]
        (create,) = index_creations(es)
        bulks = es.calls("PUT", "_bulk")
        (restore,) = es.calls("PUT", "_settings")
        assert list(es.indices) == [create["path"][1:]]
        assert es.aliased("banso-test") == [create["path"][1:]]
    assert create["body"]["settings"]["refresh_interval"] == "-1"
    assert create["body"]["settings"]["number_of_replicas"] == 0
    assert create["body"]["mappings"]["_meta"]["mapping_version"] == MAPPING_VERSION
    assert bulks and all("refresh" not in r["query"] for r in bulks)
    assert restore["body"] == {"index": {"refresh_interval": None, "number_of_replicas": 1}}
    refreshes = [i for i, step in enumerate(steps) if step == ("POST", "_refresh")]
    assert len(refreshes) == 1 and refreshes[0] < steps.index(("POST", "_aliases"))


def test_a_failed_rebuild_deletes_its_half_built_index_and_keeps_the_alias():
    with FakeElasticsearch() as es:
        backend = ElasticsearchBackend(url=es.url, index="banso-test")
        backend.rebuild(DOCS)
        live = es.aliased("banso-test")
        es.reject = {DOCS[1].id: (400, "document_parsing_exception")}
        with pytest.raises(SearchUnavailable, match="受け付けませんでした"):
            backend.rebuild(DOCS)
        created = [r["path"][1:] for r in index_creations(es)]
        deleted = [r["path"][1:] for r in es.calls("DELETE")]
        assert deleted == [created[-1]]  # the second, half-built one
        assert list(es.indices) == live and es.aliased("banso-test") == live
        assert len(es.calls("POST", "_aliases")) == 1  # only the first build swapped


def test_two_indexers_creating_the_first_index_end_with_one_index():
    with FakeElasticsearch() as es:
        first = ElasticsearchBackend(url=es.url, index="banso-test")
        second = ElasticsearchBackend(url=es.url, index="banso-test")
        es.hide_aliases = True  # both look before either has created it
        first.apply(DOCS[:1], ())
        second.apply(DOCS[1:2], ())  # told "already exists": that is its index too
        creates = index_creations(es)
        assert len(creates) == 2 and creates[0]["path"] == creates[1]["path"]
        assert creates[0]["body"]["aliases"] == {"banso-test": {}}  # index and alias at once
        assert list(es.indices) == ["banso-test-first"]
        assert es.aliased("banso-test") == ["banso-test-first"]
        assert creates[0]["body"]["settings"]["number_of_replicas"] == 0  # one node: green


def test_writes_must_go_to_the_alias_and_name_each_document():
    with FakeElasticsearch() as es:
        ElasticsearchBackend(url=es.url, index="banso-test").apply(DOCS[:2], [99])
        (bulk,) = es.calls("PUT", "_bulk")
    assert bulk["query"]["require_alias"] == ["true"]
    assert bulk["body"][0] == {"delete": {"_index": "banso-test", "_id": "99"}}
    assert bulk["body"][1] == {"index": {"_index": "banso-test", "_id": str(DOCS[0].id)}}


def test_highlights_cut_at_japanese_sentence_ends():
    highlight = body(text="傾聴")["highlight"]
    assert highlight["boundary_scanner"] == "sentence"
    assert highlight["boundary_scanner_locale"] == "ja-JP"


def test_sudachi_normalised_forms_are_indexed_and_searched():
    source = ElasticsearchBackend._source(DOCS[0])
    assert "引っ越し" in source["body_norm"].split()  # the text says 引越し
    assert "シミュレーション" in source["body_norm"].split()  # the text says シュミレーション
    for field in ("title_norm", "summary_norm", "body_norm"):
        assert MAPPINGS["properties"][field]["analyzer"] == "ja_norm"
    phrases = clauses(text_part(text="シュミレーション"), "match_phrase")
    norm = {q["query"] for c in phrases for f, q in c.items() if f.endswith("_norm")}
    assert norm == {"シミュレーション"}
    surface = {q["query"] for c in phrases for f, q in c.items() if f == "body"}
    assert surface == {"シュミレーション"}
    loose = clauses(text_part(text="残業規制"), "match")
    assert {q["query"] for c in loose for f, q in c.items() if f == "body_norm"} == {"残業 規制"}


def test_pages_past_the_result_window_ask_for_nothing():
    request = body(page=10_000 // 20, page_size=20)  # the last page inside the window
    assert request["from"] + request["size"] == 10_000
    beyond = body(page=10_000 // 20 + 1, page_size=20)
    assert beyond["from"] + beyond["size"] <= 10_000 and beyond["size"] == 0


def test_every_facet_is_mapped_and_sent_as_a_keyword():
    from search.facets import FACETS

    for facet in FACETS:
        assert MAPPINGS["properties"][facet.name] == {"type": "keyword"}, facet.name
    document = SearchDocument(
        id=1,
        version=1,
        kind="case",
        title="t",
        body="b",
        published=1,
        facets={
            "owner_age": ("60s",),
            "vision_articulated": ("yes",),
            "hashtag": ("事業承継", "理念"),
        },
    )
    source = ElasticsearchBackend._source(document)
    assert source["owner_age"] == "60s" and source["vision_articulated"] == "yes"
    assert source["hashtag"] == ["事業承継", "理念"]
    assert "sales" not in source  # no value: not sent, as for the other page fields
    request = body(filters={"owner_age": ["60s"], "hashtag": ["理念"]})
    assert {"terms": {"hashtag": ["理念"]}} in request["post_filter"]["bool"]["filter"]
    assert set(request["aggs"]) == {facet.name for facet in FACETS}


def test_boosts_are_constant_scores_beside_the_text_as_in_the_embedded_backend():
    from search.query_words import FACET_BOOST

    query = body(text="後継者", boosts={"owner_type": ["successor-family", "founder"]})["query"]
    assert query["bool"]["should"] == [
        {
            "constant_score": {
                "filter": {"terms": {"owner_type": ["successor-family", "founder"]}},
                "boost": FACET_BOOST,
            }
        }
    ]
    assert query["bool"]["must"][0] != {"match_all": {}}  # the word is still searched
    assert "should" not in body(text="後継者")["query"]["bool"]  # no boost, no clause


def test_a_synonym_counts_less_than_the_word_as_typed():
    unit = text_part(text="傾聴", synonyms={"1": ["傾聴", "=>", "耳を傾ける"]})["dis_max"]
    title = {
        c["title"]["query"]: c["title"]["boost"]
        for c in clauses(unit, "match_phrase")
        if "title" in c
    }
    assert title["傾聴"] == analysis.TITLE_BOOST
    # Also scaled to the typed word's length: a phrase scores the sum of its words.
    words = len(analysis.tokenize("耳を傾ける"))
    assert title["耳を傾ける"] == round(analysis.TITLE_BOOST * analysis.SYNONYM_FACTOR / words, 4)


def test_the_wording_of_a_question_is_not_sent():
    sent = str(text_part(text="採用の事例はある？"))
    assert "採用" in sent and "事例" not in sent and "有る" not in sent
    assert "事例" in str(text_part(text="事例"))  # nothing else to search: searched as typed


def test_in_a_sentence_the_coverage_boost_counts_a_compound_only_whole():
    query = text_part(text="2024年問題への対応事例はある？")["bool"]
    found, most = query["must"][0]["bool"]["should"], query["should"][0]["bool"]["should"]
    assert "'問題'" in str(found[0])  # found by its parts too
    assert "'問題'" not in str(most[0]) and "2024 年 問題" in str(most[0])
    # Keywords: a part counts.
    keywords = text_part(text="2024年問題 対応")["bool"]
    assert keywords["should"][0]["bool"]["should"] == keywords["must"][0]["bool"]["should"]


def test_feedback_words_are_weighted_terms_of_the_content_words():
    expansion = (("銀行", 1.0), ("返済", 0.5), ("面談", 0.25))
    query = text_part(text="資金繰り", expansion=expansion)["bool"]
    # Found by the query's words, or by FEEDBACK_MATCH of the feedback words (a filter: no score).
    found, alone = query["must"][0]["bool"]["should"]
    assert query["must"][0]["bool"]["minimum_should_match"] == 1
    matched = alone["bool"]["filter"][0]["bool"]
    assert matched["minimum_should_match"] == analysis.FEEDBACK_MATCH
    assert len(expansion) >= analysis.FEEDBACK_MATCH
    terms = [c["term"]["mlt"] for c in matched["should"]]
    assert terms == [{"value": w, "boost": b} for w, b in expansion]
    # Scored beside the query's words, FEEDBACK_WEIGHT of their score.
    (scored,) = [c for c in query["should"] if c["bool"].get("boost") == analysis.FEEDBACK_WEIGHT]
    assert [c["term"]["mlt"] for c in scored["bool"]["should"]] == terms
    assert "mlt" not in str(text_part(text="資金繰り"))  # nothing without feedback words
    # Fewer words than FEEDBACK_MATCH only reorder: nothing is found by them alone.
    few = text_part(text="資金繰り", expansion=expansion[: analysis.FEEDBACK_MATCH - 1])["bool"]
    assert "filter" not in str(few["must"][0]) and "mlt" in str(few["should"])
    # Nor do words that only reorder (SearchRequest.expansion_finds, an answer of a page or more).
    reorder = text_part(text="資金繰り", expansion=expansion, expansion_finds=False)["bool"]
    assert "mlt" not in str(reorder["must"][0]) and "mlt" in str(reorder["should"])


def test_content_words_are_those_of_the_embedded_index():
    from search.backends import embedded

    for doc in DOCS:
        source = ElasticsearchBackend._source(doc)
        assert source["mlt"] == embedded.prepare(doc)[9]
        assert "の" not in source["mlt"].split()  # particles are left out
    assert MAPPINGS["properties"]["mlt"]["analyzer"] == "ja_norm"
    assert MAPPINGS["properties"]["mlt"]["term_vector"] == "yes"  # read by word_statistics
