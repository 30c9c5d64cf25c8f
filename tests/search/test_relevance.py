import json

import pytest
from django.conf import settings

from search import analysis, service
from search.relevance import WordVectors, evaluate, evaluate_bm25, load_judged, summary
from search.types import SearchDocument, SearchRequest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, scope="module")
def index_of_the_demo_content(django_db_setup, django_db_blocker):
    """The shared index rebuilt from the session's database: earlier tests that published and
    rolled back may have left hits for pages that no longer exist, which would skew the figures."""
    with django_db_blocker.unblock():
        service.rebuild()


# Measured on the demo content with benchmarks/relevance.py; a change that lowers them fails.
# Measured 0.896 / 0.820 (0.897 / 0.828 with 10 feedback words, which the blind sets score
# lower: feedback.FEEDBACK_TERMS; 0.899 / 0.828 before sentences counted a compound only as a
# whole, 0.891 / 0.802 without pseudo-relevance feedback; 0.876 / 0.746 before issue 12, 0.889 /
# 0.793 before rel4; BM25-OR 0.838 / 0.736).
MIN_NDCG_AT_10 = 0.895
MIN_RECALL_AT_10 = 0.815


def test_judged_queries_hold_their_ndcg_and_recall():
    scores = evaluate()
    assert len(scores) >= 30
    ndcg, recall = summary(scores)
    assert ndcg >= MIN_NDCG_AT_10, sorted((round(s.ndcg, 2), s.query) for s in scores)[:10]
    assert recall >= MIN_RECALL_AT_10


# Issue 12: on the demo content each of these found nothing or one case, although many cases are
# about it: words were ANDed and a compound had to occur verbatim.
ABOUT_DEMO_CASES = [
    "原価低減",
    "業務効率化",
    "事業計画策定",
    "省人化",
    "生産性向上",
    "経営理念策定",
    "新規事業",
    "資金繰り改善",
    "ロカベン 製造業",
    "「ロカベン 製造業」",  # quoted: found nowhere as written, so asked again unquoted
]


@pytest.mark.parametrize("query", ABOUT_DEMO_CASES)
def test_compounds_and_word_pairs_find_the_cases_about_them(query):
    response = service.search(SearchRequest(text=query, kinds=("case",), facets=False))
    assert response.backend == "embedded" and not response.degraded
    assert response.total >= 3, (query, response.total)


def test_the_first_result_has_every_word_of_a_pair():
    from cases import documents
    from cases.models import CasePage

    response = service.search(SearchRequest(text="ロカベン 製造業", kinds=("case",)))
    first = documents.case_document(CasePage.objects.get(pk=response.hits[0].id))
    text = f"{first.title} {first.body}"
    assert "製造" in text and ("ローカルベンチマーク" in text or "ロカベン" in text)


# --- the blind set (fixtures/search/judged_blind.jsonl), issue 12 -------------------------------
BLIND = settings.BASE_DIR / "fixtures" / "search" / "judged_blind.jsonl"
# Measured with benchmarks/relevance.py (cases only, queries with a relevant case); weights were
# tuned on the even lines only, the odd ones are held out.
# Before issue 12: 0.810 / 0.750; before rel4: 0.830 / 0.772; without pseudo-relevance feedback
# and the trend words (増収減益) 0.835 / 0.778; before the broader words and the short forms of
# facet values 0.860 / 0.823; BM25-OR 0.746 / 0.691.
MIN_BLIND_NDCG_AT_10 = 0.87  # measured 0.879
MIN_BLIND_RECALL_AT_10 = 0.835  # measured 0.844
MIN_LEAD_OVER_BM25 = 0.125  # measured +0.133 nDCG@10 (+0.064 before issue 12, +0.089 before PRF)
# 4 before issue 12; OJT, which no case says, until it was searched as its broader 人材育成.
MAX_ZERO_RESULTS = 0


def test_the_blind_set_holds_its_ndcg_recall_and_lead_over_bm25():
    from search import documents

    judged = load_judged(BLIND)
    scores = evaluate(judged=judged)
    ndcg, recall = summary(scores)
    reference, _ = summary(evaluate_bm25(judged, list(documents.documents())))
    worst = sorted((round(s.ndcg, 2), s.query) for s in scores if s.judged)[:10]
    assert ndcg >= MIN_BLIND_NDCG_AT_10, worst
    assert recall >= MIN_BLIND_RECALL_AT_10
    assert ndcg - reference >= MIN_LEAD_OVER_BM25, (ndcg, reference)
    assert sum(1 for s in scores if s.judged and s.found == 0) <= MAX_ZERO_RESULTS


# One-way groups of the domain dictionary (search/data/domain_synonyms.tsv): a narrower word
# finds the cases that use it instead of the word typed. Before them: 5 cases for 値上げ (the
# cases say 価格転嫁), 4 for 傾聴 (they say 話を聴く).
@pytest.mark.parametrize(("query", "at_least"), [("値上げ", 8), ("傾聴", 10)])
def test_narrower_words_of_the_domain_dictionary_find_the_cases_about_a_word(query, at_least):
    response = service.search(SearchRequest(text=query, kinds=("case",), facets=False))
    assert response.total >= at_least, (query, response.total)


def test_feedback_finds_more_and_never_puts_a_less_relevant_page_first():
    """Pseudo-relevance feedback (search/feedback.py) on the project's set: more relevant pages
    in the top 10, never fewer results, and no query's first hit less relevant than it was."""
    judged = load_judged()
    without = evaluate(judged=judged, feedback=False)
    scores = evaluate(judged=judged)
    assert summary(scores)[1] > summary(without)[1] + 0.015  # recall@10: 0.802 → 0.820
    for item, plain, fed in zip(judged, without, scores, strict=True):
        assert fed.found >= plain.found, plain.query
        # The first hit may change for another as relevant (DX: two cases of grade 3).
        grade = [item.relevant.get(top[0], 0) if top else 0 for top in (plain.top, fed.top)]
        assert grade[1] >= grade[0], (plain.query, plain.top[:3], fed.top[:3])


def test_the_ranking_ceiling_bounds_the_search_and_keeps_what_it_found():
    from search.relevance import ranking_ceiling

    judged = load_judged()
    for now, best in zip(evaluate(judged=judged), ranking_ceiling(judged), strict=True):
        assert best.ndcg >= now.ndcg - 1e-9, (now.query, now.ndcg, best.ndcg)
        assert best.recall >= now.recall
        assert best.found == now.found
    # The demo content: better weights alone could reach this, the search is below it.
    ceiling, _ = summary(ranking_ceiling(judged))
    assert summary(evaluate(judged=judged))[0] < ceiling


def test_the_splits_are_the_even_and_odd_lines(tmp_path):
    path = tmp_path / "set.jsonl"
    lines = [{"query": f"q{i}", "kind": "single", "relevant": {"demo-001": 1}} for i in range(5)]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    assert [j.query for j in load_judged(path, split="even")] == ["q0", "q2", "q4"]
    assert [j.query for j in load_judged(path, split="odd")] == ["q1", "q3"]
    assert len(load_judged(path)) == 5
    with pytest.raises(ValueError):
        load_judged(path, split="first")


def test_a_query_without_a_relevant_case_is_left_out_of_the_means():
    from search.relevance import Judged, score

    scores = [
        score(Judged("a", {"x": 3}), ["x"], 1),
        score(Judged("b", {}), ["y"], 1),  # 特許: no case is about it
    ]
    assert summary(scores) == (1.0, 1.0)


# --- query semantics (analysis.parse_query, shared by both backends) -------------------------
def test_the_wording_of_a_question_is_left_out():
    query = "若手を採用してもすぐ辞めてしまう会社にどう関わればよいか"
    words = [u.spellings[0].words for u in analysis.parse_query(query, {}).units]
    assert ("若手",) in words and ("採用",) in words
    flat = {w for unit in words for w in unit}
    assert not flat & {"どう", "良い", "会社"}  # 会社: what every case is about
    words = [
        u.spellings[0].words for u in analysis.parse_query("誤出荷の改善事例はある？", {}).units
    ]
    assert {w for unit in words for w in unit} == {"誤", "出荷", "改善"}
    # Only such words: searched as typed.
    assert [u.spellings[0].words for u in analysis.parse_query("事例", {}).units] == [("事例",)]


def test_related_words_weigh_less_than_the_word_as_typed():
    # One way: 耳を傾ける is related to 傾聴, not the same word; and, a phrase scoring the sum of
    # its words, it is scaled to the typed word's length.
    # (Without the shipped dictionaries: the domain one has a group for 傾聴 too.)
    rule = {"1": ["傾聴", "=>", "耳を傾ける"]}
    (unit,) = analysis.parse_query("傾聴", rule, dictionary_synonyms=False).units
    typed, related = unit.spellings
    assert typed.weight == 1.0
    assert related.weight == analysis.SYNONYM_FACTOR / len(related.words)
    # Two ways: the same word (an abbreviation, a spelling) counts as much, scaled to length.
    (unit,) = analysis.parse_query("離職", {"1": ["離職", "退職"]}).units
    assert [s.weight for s in unit.spellings] == [1.0, 1.0]
    (unit,) = analysis.parse_query("ロカベン", {"1": ["ロカベン", "ローカルベンチマーク"]}).units
    assert unit.spellings[1].words == ("ローカル", "ベンチ", "マーク")
    assert unit.spellings[1].weight == 1 / 3


def _document(doc_id: int, title: str, body: str, industry: str = "") -> SearchDocument:
    facets = {"industry": (industry,)} if industry else {}
    return SearchDocument(
        id=doc_id, version=1, kind="case", title=title, body=body, published=1, facets=facets
    )


@pytest.mark.parametrize(("query", "nearest"), [("販売", 1), ("社員教育", 2), ("融資", 3)])
def test_word_vectors_find_the_document_about_a_word_it_does_not_contain(query, nearest):
    """The off-the-shelf reference (ja_ginza's vectors) ranks by meaning: none of the documents
    has the query's word, and the one about the same thing comes first."""
    docs = [
        _document(1, "営業の立て直し", "売上を伸ばすため、営業の進め方と販路の開拓を見直した。"),
        _document(2, "人材の定着", "職員の採用と育成を見直し、離職を減らす仕組みをつくった。"),
        _document(3, "資金繰り", "銀行と相談し、借入の返済計画と資金繰り表をつくった。"),
    ]
    assert not any(query in f"{d.title}{d.body}" for d in docs)
    found = WordVectors(docs).search(query, lambda doc: True)
    assert [d.id for d in found][:1] == [nearest]
    assert len(found) == 3


def test_word_vectors_keep_the_filters_and_find_nothing_for_unknown_words():
    docs = [
        _document(1, "営業の立て直し", "販路の開拓を見直した。", industry="retail"),
        _document(2, "販売の強化", "売上を伸ばす営業。", industry="manufacturing"),
    ]
    vectors = WordVectors(docs)
    retail = vectors.search("販売", lambda doc: "retail" in doc.facet("industry"))
    assert [d.id for d in retail] == [1]
    assert vectors.search("ｑｘｚｑｘｚ", lambda doc: True) == []


def test_reordering_by_word_vectors_keeps_what_the_search_found():
    """The search + word vectors row reorders the search's first RERANK_DEPTH results only."""
    from search import documents
    from search.relevance import RERANK_DEPTH, _names, _request, evaluate_reranked, judged_kinds

    judged = load_judged()
    reranked = evaluate_reranked(judged, WordVectors(list(documents.documents())))
    names, kinds = _names(), judged_kinds(judged)
    for item, score in zip(judged, reranked, strict=True):
        first = service.search(_request(item, kinds, page_size=RERANK_DEPTH, facet_words=True))
        assert score.found == first.total, item.query
        assert set(score.top) <= {names[hit.id] for hit in first.hits}, item.query
        assert len(score.top) == min(first.total, 10)
