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


def test_every_whitespace_term_must_match():
    terms = text_part(text="傾聴 理念")["bool"]["must"]
    assert [clauses(t, "match_phrase")[0]["title"]["query"] for t in terms] == ["傾聴", "理念"]


def test_a_sentence_needs_half_its_words_and_ranks_those_with_all_first():
    term = text_part(text="理念の言語化")["bool"]["must"][0]["bool"]
    enough = term["must"][0]["bool"]
    assert enough["minimum_should_match"] == 1 and len(enough["should"]) == 2
    every = term["should"][0]["bool"]
    assert every["boost"] == analysis.ALL_WORDS_BOOST and len(every["must"]) == 2


def test_spellings_and_fields_are_alternatives_weighted_by_field():
    unit = text_part(text="傾聴")["bool"]["must"][0]["dis_max"]
    assert unit["tie_breaker"] == analysis.TIE_BREAKER
    boosts = {field: q["boost"] for c in clauses(unit, "match_phrase") for field, q in c.items()}
    assert boosts["title"] > boosts["summary"] > boosts["body"] > boosts["body.ngram"]


def test_a_compound_also_matches_loosely_without_its_suffix():
    loose = clauses(text_part(text="運送業 残業規制"), "match")
    assert {c["body"]["query"] for c in loose if "body" in c} == {"運送", "残業 規制"}
    assert all(q["operator"] == "and" for c in loose for q in c.values())


def test_quoted_phrases_and_numbers_are_never_loosened():
    assert clauses(text_part(text='"残業規制"'), "match") == []
    assert clauses(text_part(text="一次産業"), "match") == []


def test_synonyms_are_swapped_into_compounds():
    request = text_part(text="社員ヒアリング", synonyms={"1": ["ヒアリング", "聞き取り"]})
    phrases = {q["query"] for c in clauses(request, "match_phrase") for q in c.values()}
    assert {"社員ヒアリング", "社員聞き取り"} <= phrases


def test_nothing_found_retries_with_half_of_the_words():
    backend = ElasticsearchBackend(url="http://127.0.0.1:1", index="banso-test")
    request = SearchRequest(text="運送業 残業規制 傾聴")
    assert backend.relaxable(request)
    relaxed = backend.build(request, relaxed=True).to_dict()["query"]["bool"]["must"][0]["bool"]
    assert relaxed["minimum_should_match"] == 1 and len(relaxed["should"]) == 3
    assert not backend.relaxable(SearchRequest(text="傾聴"))


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
