"""The embedded engine's highlights (embedded._snippet) are tantivy's SnippetGenerator's, found
for less: the same fragment and the same marks, for texts of every kind."""

import random

import pytest
import tantivy
from tantivy import Occur, Query

from search.backends import embedded
from search.types import SearchDocument

WORDS = [
    "経営",
    "デザイン",
    "シート",
    "ローカルベンチマーク",
    "ロカベン",
    "傾聴",
    "対話",
    "DX",
    "IT導入",
]
TERMS = [
    ["経営デザインシート"],
    ["ロカベン", "ローカルベンチマーク"],
    ["傾聴", "対話"],
    ["dx"],
    ["it導入"],
    ["経営", "存在しない語"],
]
PIECES = [
    *WORDS,
    "の",
    "を",
    "、",
    "。",
    " ",
    "\n",
    "社長と社員が話し合った",
    "ABC",
    "Dx",
    "dX",
    "😀",
    "é",
    "ｶﾀｶﾅ",
    "経",
    "営",
]


def text(rng: random.Random) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 400)))


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    backend = embedded.EmbeddedBackend(tmp_path_factory.mktemp("snippets") / "index")
    rng = random.Random(7)
    backend.rebuild(
        [
            SearchDocument(
                id=n,
                version=1,
                kind="case",
                title=f"事例{n}",
                body=text(rng),
                published=738000 + n,
            )
            for n in range(1, 80)
        ]
    )
    return backend


def tantivys(searcher, texts: list[str], terms: list[str]) -> list[tuple[str, ...]]:
    """What _snippets gave when tantivy made every snippet (the code before embedded._snippet)."""
    grams = sorted({g for t in terms for g in embedded.analysis.bigrams(t)})
    query = Query.boolean_query(
        [(Occur.Should, Query.term_query(embedded.SCHEMA, "body", g)) for g in grams]
    )
    generator = tantivy.SnippetGenerator.create(searcher, query, embedded.SCHEMA, "body")
    generator.set_max_num_chars(embedded.SNIPPET_BYTES)
    out = []
    for body in texts:
        snippet = generator.snippet_from_doc(tantivy.Document(body=[body]))
        fragment = snippet.fragment()
        out.append((embedded._marked(fragment, snippet.highlighted()),) if fragment else ())
    return out


@pytest.mark.parametrize("terms", TERMS)
def test_highlights_are_tantivys(engine, terms):
    searcher = engine._searcher()
    rng = random.Random(len(terms[0]))
    texts = [text(rng) for _ in range(300)]
    # Fragment edges: a term at every offset around SNIPPET_BYTES, in 1- to 4-byte characters.
    for filler in ("a", "é", "経", "😀"):
        for n in range(95, 310, 7):
            texts.append(filler * n + "".join(terms) + filler * 20 + terms[0])
    stored = [tantivy.Document(body=[body]) for body in texts]
    assert engine._snippets(searcher, stored, terms) == tantivys(searcher, texts, terms)


def test_a_text_python_lower_cases_differently_is_left_to_tantivy(engine):
    """İ lower-cases to two characters, Σ at a word's end to ς in Python (σ in tantivy): such a
    text gets tantivy's snippet itself."""
    searcher = engine._searcher()
    texts = ["İİ経営デザインシートの話", "ΣΑΣ 経営デザインシート", "経営デザインシート" * 40 + "Σ"]
    assert embedded._snippet(texts[0], {"経営": 0.5}) is None
    stored = [tantivy.Document(body=[body]) for body in texts]
    terms = ["経営デザインシート"]
    assert engine._snippets(searcher, stored, terms) == tantivys(searcher, texts, terms)
    assert all(snippet for snippet in engine._snippets(searcher, stored, terms))


# Characters whose lower case is another number of UTF-8 bytes (the Kelvin sign is k, Ⱥ is ⱥ,
# Ω the ohm sign is ω): a snippet found in the lower-cased text must still be tantivy's.
UNEVEN = ["\u212a", "\u023a", "\u2126", "\u1e9e", "K", "k", "Ωω"]


@pytest.mark.parametrize(
    ("pieces", "terms"),
    [
        (["ABC", "dx", "DX", " ", "\n", "it", "IT", "kpi", "KPI", "a", "経営"], ["dx", "kpi"]),
        ([*PIECES, *UNEVEN], ["経営デザインシート"]),
        ([*PIECES, *UNEVEN], ["dx", "k経営"]),
        (
            ["日本語の文章", "ｶﾀｶﾅ", "Ｄｘ", "dx", "😀", "é", "经营", "경영", "経営", "。"],
            ["経営", "dx"],
        ),
    ],
    ids=["ascii", "uneven-case", "uneven-case-terms", "multi-byte"],
)
def test_highlights_are_tantivys_in_any_script(engine, pieces, terms):
    """ASCII only (where lower-casing keeps every offset), multi-byte scripts and 4-byte
    characters, and texts with characters whose lower case is longer or shorter in bytes."""
    searcher = engine._searcher()
    rng = random.Random(11)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 500))) for _ in range(300)]
    for filler in ("a", "\u212a", "\u023a", "経"):
        for n in range(95, 310, 11):
            texts.append(filler * n + "".join(terms) + filler * 20 + terms[0])
    stored = [tantivy.Document(body=[body]) for body in texts]
    assert engine._snippets(searcher, stored, terms) == tantivys(searcher, texts, terms)
