"""Request bodies of the Elasticsearch backend, checked without a server (results need ES_URL)."""

from search import analysis
from search.backends.elastic import MAPPINGS, SETTINGS, ElasticsearchBackend
from search.types import SearchRequest


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
