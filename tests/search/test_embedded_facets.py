"""The embedded engine's fast facet path counts exactly what the search finds.

Facets are counted with a lighter query than the scored one (search.backends.embedded._matching)
and from value combinations (phase_set, tool_set). The engine checks the lighter query against
the search's total and falls back when they differ, so a change to the query construction that
breaks the equivalence costs speed, not correctness: these tests catch it.
"""

import random

import pytest
from tantivy import Occur, Query

from cases.synthetic import synthetic_case
from search import analysis
from search.backends import embedded
from search.types import FACET_FIELDS, SearchDocument, SearchRequest

from .test_contract import CORPUS, SYNONYMS

TEXTS = [
    "傾聴",
    "経営デザインシート",
    "ロカベン",
    "見える化",
    "シュミレーション",
    "ＩＴ導入",
    "後継者が理念を言語化できていない製造業",
    "原価計算 見直し",
    '"価格転嫁"',
    "傾聴と対話",
    "取締役",
    "存在しない語 傾聴",
    "原価低減",
    "生産性向上 傾聴",
    '"傾聴と理念"',  # a quoted phrase found nowhere: the relaxed query
]
FILTERS = [{}, {"industry": ["E", "M"]}, {"tool": ["whiteboard", "swot"], "phase": ["trust"]}]


def synthetic(n: int) -> SearchDocument:
    r = synthetic_case(n, random.Random(n))
    return SearchDocument(
        id=1000 + n,
        version=1,
        kind="case",
        title=r["title"],
        body="\n".join([r["lead"], *(p["body"] for p in r["phases"]), r["outcomes"]]),
        summary=r["lead"],
        published=738000 + n,
        facets={
            "industry": (r["company"]["industry"],),
            "region": (r["company"]["region"],),
            "employees": (r["company"]["employees"],),
            "scale_phase": (r["typology"]["scale_phase"],),
            "phase": tuple(dict.fromkeys(p["phase"] for p in r["phases"])),
            "tool": tuple(dict.fromkeys(t for p in r["phases"] for t in p.get("tools", []))),
        },
    )


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    backend = embedded.EmbeddedBackend(tmp_path_factory.mktemp("facets") / "index")
    backend.rebuild([*CORPUS, *(synthetic(n) for n in range(1, 61))])
    return backend


@pytest.mark.parametrize("filters", FILTERS)
@pytest.mark.parametrize("text", TEXTS)
def test_lighter_facet_query_finds_what_the_search_finds(engine, text, filters):
    request = SearchRequest(text=text, filters=filters, synonyms=SYNONYMS)
    searcher = engine._searcher()
    parsed = analysis.parse_query(text, SYNONYMS)
    strict, _, relaxed = engine._text_query(parsed)
    kind = (Occur.Must, Query.term_set_query(embedded.SCHEMA, "kind", list(request.kinds)))
    base = [kind, (Occur.Must, strict)]
    total = searcher.search(engine._with_filters(base, filters), limit=1).count
    if relaxed is not None and total == 0:
        base = [kind, (Occur.Must, relaxed)]
        parsed = parsed.relaxed()
        total = searcher.search(engine._with_filters(base, filters), limit=1).count
    lighter = [kind, (Occur.Must, embedded._matching(parsed))]

    fast = engine._facet_counts(searcher, lighter, filters, True, lambda: total)
    assert fast is not None, "the lighter query or the value combinations did not serve"
    assert fast == engine._facet_counts(searcher, base, filters, False, None)
    facets = engine.search(request).facets
    assert {n: [(f.value, f.count) for f in facets[n]] for n in FACET_FIELDS} == fast


def _ids(searcher, query: Query) -> set[int]:
    hits = searcher.search(query, limit=max(1, searcher.num_docs), count=False).hits
    return set(searcher.fast_field_values("id", [address for _, address in hits]))


@pytest.mark.parametrize("text", TEXTS)
def test_the_surface_query_finds_no_document_the_search_does_not(engine, text):
    """_matching(surface=True) only leaves clauses out: a subset of the search's documents, so
    counting as many means finding the same ones (what _facets relies on without filters)."""
    searcher = engine._searcher()
    parsed = analysis.parse_query(text, SYNONYMS)
    strict, _, _ = engine._text_query(parsed)
    kind = (Occur.Must, embedded._any_of("kind", ["case", "knowhow"]))
    found = _ids(searcher, Query.boolean_query([kind, (Occur.Must, strict)]))
    surface = _ids(
        searcher,
        Query.boolean_query([kind, (Occur.Must, embedded._matching(parsed, surface=True))]),
    )
    assert surface <= found


def test_a_variant_spelling_counts_the_facets_with_the_fuller_query(engine, caplog):
    """シュミレーション: Sudachi reads the pages' シミュレーション as the same word, the bigrams of
    the query as written do not find them. The surface query counts fewer; the facets are then
    counted with _matching, without a warning (the shortfall is expected)."""
    text = "シュミレーション"
    parsed = analysis.parse_query(text, SYNONYMS)
    searcher = engine._searcher()
    strict, _, _ = engine._text_query(parsed)
    kind = (Occur.Must, embedded._any_of("kind", ["case", "knowhow"]))
    base = [kind, (Occur.Must, strict)]
    total = searcher.search(Query.boolean_query(base), limit=1).count
    surface = [kind, (Occur.Must, embedded._matching(parsed, surface=True))]
    assert searcher.search(Query.boolean_query(surface), limit=1).count < total
    assert total > 0

    caplog.set_level("WARNING", logger="search.backends.embedded")
    facets = engine.search(SearchRequest(text=text, synonyms=SYNONYMS)).facets
    expected = engine._facet_counts(searcher, base, {}, False, None)
    assert {n: [(f.value, f.count) for f in facets[n]] for n in FACET_FIELDS} == expected
    assert not caplog.records


def test_the_helper_threads_are_made_again_in_a_forked_process(monkeypatch):
    """A pool made before a fork has no threads in the child: each process makes its own."""
    parent = embedded._helper()
    assert embedded._helper() is parent
    monkeypatch.setattr(embedded.os, "getpid", lambda: -1)
    child = embedded._helper()
    assert child is not parent
    assert child.submit(sum, (1, 2)).result() == 3
