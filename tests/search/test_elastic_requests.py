"""Request bodies of the Elasticsearch backend, checked without a server (results need ES_URL)."""

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
