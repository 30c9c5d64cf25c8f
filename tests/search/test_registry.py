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
