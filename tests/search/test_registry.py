"""The search engine learns its page types from the content apps (search/registry.py)."""

import pytest

from cases.models import CasePage
from knowhow.models import KnowHowPage
from search import registry
from search.facets import FACETS
from search.registry import IndexedType
from search.types import FACET_FIELDS, SearchDocument


def _document(page) -> SearchDocument:
    raise AssertionError("not called")


def test_cases_and_knowhow_register_themselves_in_the_order_of_kinds():
    types = registry.indexed_types()
    assert [(t.kind, t.model) for t in types] == [("case", CasePage), ("knowhow", KnowHowPage)]
    assert registry.labels() == {"cases.CasePage", "knowhow.KnowHowPage"}
    # Only cases have facets: a filtered search finds no know-how in the database fallback.
    assert types[0].apply_filters is not None and types[1].apply_filters is None


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="未知の種類"):
        registry.register(
            IndexedType(kind="video", model=CasePage, public_id="pk", document=_document)
        )


def test_another_model_cannot_take_a_registered_kind():
    with pytest.raises(ValueError, match="登録済み"):
        registry.register(
            IndexedType(kind="case", model=KnowHowPage, public_id="slug", document=_document)
        )
    assert registry.get("case").model is CasePage


def test_the_facet_names_are_the_facet_table():
    assert tuple(f.name for f in FACETS) == FACET_FIELDS
    assert {f.name for f in FACETS if f.multi} == {"phase", "tool", "hashtag"}


def test_a_case_documents_facets_come_from_each_facets_source():
    from types import SimpleNamespace

    from search.facets import facet_codes

    tags = SimpleNamespace(
        all=lambda: [SimpleNamespace(name="事業承継"), SimpleNamespace(name="DX")]
    )
    fields = {f.source: "" for f in FACETS if not f.multi}
    fields |= {
        "industry": "E",
        "region": "kanto",
        "scale_phase": "growth-x",
        "vision_articulated": False,
    }
    page = SimpleNamespace(**fields, hashtags=tags)
    sections = [
        SimpleNamespace(phase="trust", tools=["swot", "whiteboard"]),
        SimpleNamespace(phase="awareness", tools=["swot"]),
        SimpleNamespace(phase="trust", tools=[]),
    ]
    codes = facet_codes(page, sections)
    assert set(codes) == {f.name for f in FACETS}
    assert codes["industry"] == ("E",)
    assert codes["region"] == ("kanto",)
    assert codes["employees"] == ()  # no value: the facet is left empty, not given ""
    assert codes["phase"] == ("trust", "awareness")  # first seen first, once each
    assert codes["tool"] == ("swot", "whiteboard")
    assert codes["scale_phase"] == ("growth-x",)
    assert codes["vision_articulated"] == ("no",)  # a yes/no field as its code
    assert codes["hashtag"] == ("事業承継", "DX")


def test_a_document_holds_only_the_facets_of_the_table():
    with pytest.raises(ValueError, match="未知の絞り込み項目"):
        SearchDocument(id=1, version=1, kind="case", title="t", body="b", published=1,
                       facets={"colour": ("red",)})  # fmt: skip
    with pytest.raises(ValueError, match="値の形"):
        SearchDocument(id=1, version=1, kind="case", title="t", body="b", published=1,
                       facets={"industry": ("E", "M")})  # fmt: skip


def test_both_backends_write_every_facet_of_the_table():
    from search.backends import embedded
    from search.backends.elastic import MAPPINGS, ElasticsearchBackend

    values = {
        f.name: (f"{f.name}-1", f"{f.name}-2") if f.multi else (f"{f.name}-1",) for f in FACETS
    }
    doc = SearchDocument(id=1, version=1, kind="case", title="題", body="本文", published=1,
                         facets=values)  # fmt: skip
    source = ElasticsearchBackend._source(doc)
    for facet in FACETS:
        assert MAPPINGS["properties"][facet.name] == {"type": "keyword"}
        expected = list(values[facet.name]) if facet.multi else values[facet.name][0]
        assert source[facet.name] == expected
    stored = embedded.to_tantivy(doc).to_dict()
    for facet in FACETS:
        assert stored[facet.name] == list(values[facet.name])
        if facet.name in embedded.SET_FIELDS:
            assert stored[embedded.SET_FIELDS[facet.name]] == [" ".join(values[facet.name])]
    assert set(embedded.SET_FIELDS) <= {f.name for f in FACETS if f.multi}
