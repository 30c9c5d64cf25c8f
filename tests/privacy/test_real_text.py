"""The detector on real text nobody in this project wrote: Japanese Wikipedia sentences with
labelled entities (fixtures/privacy/ner-wikipedia/, CC BY-SA 3.0, © Stockmark Inc. and
Wikipedia's contributors). The figures on the whole development half are printed by
benchmarks/privacy.py; this subset holds them in the suite."""

import pytest

from privacy.detect import detect
from privacy.evaluation import WIKIPEDIA_SUBSET, evaluate_wikipedia, load_wikipedia
from privacy.ner_train import load_split


@pytest.fixture(scope="module")
def real():
    from privacy import ner

    ner.ENABLED = True
    try:
        # regions: every labelled 地名 counts, countries and prefectures included.
        return evaluate_wikipedia(load_wikipedia(WIKIPEDIA_SUBSET), regions=True)
    finally:
        ner.ENABLED = False


@pytest.fixture(scope="module")
def ginza_only():
    """The detector with ja_ginza's NER alone, without the trained head (as before issue 11)."""
    from privacy import ner

    def reset():
        ner._model.cache_clear()
        with ner._CACHE_LOCK:
            ner._CACHE.clear()

    ner.ENABLED, ner.WIKI_ENABLED = True, False
    reset()
    try:
        return evaluate_wikipedia(load_wikipedia(WIKIPEDIA_SUBSET), regions=True)
    finally:
        ner.ENABLED, ner.WIKI_ENABLED = False, True
        reset()


@pytest.fixture(scope="module")
def rules_only():
    return evaluate_wikipedia(load_wikipedia(WIKIPEDIA_SUBSET), statistical=False)


def test_subset_is_the_committed_one():
    records = load_wikipedia(WIKIPEDIA_SUBSET)
    assert len(records) == 100
    types = {e["type"] for r in records for e in r["entities"]}
    assert {"人名", "法人名", "地名"} <= types


def test_the_head_never_saw_the_subset():
    """The trained head (privacy.ner_train) learnt from the train part of the split only; the
    subset the suite measures on lies in the held-out part, so its figures are no memory."""
    held_out = load_split()
    assert {r["curid"] for r in load_wikipedia(WIKIPEDIA_SUBSET)} <= held_out
    # The split is fixed: a change of seed or share would move sentences across it.
    assert len(held_out) == 791


# The figures reached on this subset, every labelled 地名 counted (see benchmarks/privacy.py for
# the whole development half and its held-out part); a change that loses recall or masks more
# outside entities fails here. Reached with three trained heads (privacy/models/ner_wiki, _b, _c:
# one training run each from three seeds, reading Sudachi's tags, character types and cue words
# beside the token vectors) and the second round of issue 11's rules (firm names of common
# nouns, spans cut at や/と): 人名 0.867, 法人名 0.891, 地名 0.902, outside 0.055. The one head
# before: 0.867, 0.761, 0.878, outside 0.070; ja_ginza alone: 0.778, 0.717, 0.878, outside 0.048;
# rules alone: 0.578, 0.435, 0.244 (地名 without prefectures and countries).
HELD = {"人名": 0.86, "法人名": 0.88, "地名": 0.89}
HELD_OVER_MASKING = 0.06


def test_recall_per_type_on_real_text(real):
    for kind, floor in HELD.items():
        assert real.recall(kind) >= floor, (kind, real.recall(kind), real.missed[:10])


def test_masked_characters_stay_inside_entities(real):
    assert real.over_masking <= HELD_OVER_MASKING, real.outside[:10]


def test_the_model_adds_recall_over_the_rules(real, rules_only):
    for kind in HELD:
        assert real.recall(kind) > rules_only.recall(kind), kind


def test_the_trained_head_adds_recall_over_ja_ginza_alone(real, ginza_only):
    # More names of persons and firms, no place fewer (the subset's 地名 are ja_ginza's forte).
    for kind in ("人名", "法人名"):
        assert real.recall(kind) > ginza_only.recall(kind), kind
    assert real.recall("地名") >= ginza_only.recall("地名")


def test_the_trained_head_is_shipped_and_loaded(model):
    from privacy import ner

    assert all(path.is_dir() for path in ner.WIKI_PATHS)
    assert all(set(head.labels) == set(ner.WIKI_LABELS) for head in ner.heads())
    # Both models read the sentence; the head labels with the data set's types.
    labels = {e.label for e in ner.entities("チャールズ・ディケンズは英国の作家。")}
    assert {"Person", "人名"} <= labels


def test_the_head_reads_the_token_features_it_was_trained_with(model):
    """privacy.ner_train appends the same token features to the vectors as privacy.ner does at
    inference; a change to the feature lists without retraining would feed the head columns it
    never learnt (or fail on the width), so the shipped head records how many it reads."""
    from privacy import ner

    assert ner.head_features(ner.WIKI_PATH) == ner.FEATURES
    doc = ner.model()("山田太郎がソニーに入った。")
    rows = ner.token_features(doc)
    assert rows.shape == (len(doc), ner.FEATURES)
    person = ner._TAG_PARTS.index("人名")
    katakana = len(ner._TAG_PARTS)
    words = [t.text for t in doc]
    yamada, sony = words.index("山田"), words.index("ソニー")
    assert rows[yamada][person] == 1.0  # Sudachi's 名詞-固有名詞-人名-姓
    assert rows[yamada][katakana] == 0.0
    assert rows[sony][katakana] == 1.0
    assert rows[sony][person] == 0.0


def test_model_is_loaded_once_per_process(model):
    from privacy import ner

    detect("田中さんが浜松の工場を訪ねた。")
    first = ner.model()
    detect("鈴木さんが沼津の工場を訪ねた。")
    assert ner.model() is first
    assert ner._model.cache_info().misses == 1


def test_a_five_thousand_character_case_is_analysed_in_under_two_seconds(model):
    """The assistant stays interactive: one case, every line new to the model (issue 11)."""
    from privacy.evaluation import case_text, time_case

    text = case_text(5_000)
    assert len(text) == 5_000
    assert time_case(text) < 2.0
