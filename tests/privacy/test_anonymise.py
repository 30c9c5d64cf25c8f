import importlib.util
from pathlib import Path

import pytest

from privacy.anonymise import (
    REMOVED,
    anonymise,
    apply_replacements,
    blocking_findings,
    suggest_replacements,
)
from privacy.detect import detect
from privacy.evaluation import PASSAGES, load

KNOWN = {
    "persons": ["田中 健一", "佐藤 美咲"],
    "organisations": ["株式会社ミライ工業", "青葉信用金庫"],
    "places": ["静岡県浜松市中区元城町"],
}
REPORT = (
    "株式会社ミライ工業を訪問し、田中健一社長と面談した。ミライ工業の強みは納期である。\n"
    "田中社長は、青葉信用金庫の佐藤さんとも相談している。ミライさんの工場は浜松にある。\n"
    "所在地：静岡県浜松市中区元城町1-2-3　TEL 053-123-4567　tanaka@mirai.example.jp"
)


def test_replacements_are_consistent_across_variants():
    mapping = suggest_replacements(detect(REPORT, known=KNOWN))
    assert mapping["株式会社ミライ工業"] == mapping["ミライ工業"] == mapping["ミライ"] == "A社"
    assert mapping["青葉信用金庫"] == "B社"
    assert mapping["田中健一"] == mapping["田中"] == "B氏"
    assert mapping["佐藤"] == "C氏"
    assert mapping["浜松"] == "市内"
    assert mapping["静岡県浜松市中区元城町1-2-3"] == "県内"
    assert mapping["053-123-4567"] == mapping["tanaka@mirai.example.jp"] == REMOVED


def test_anonymised_report_reads_as_a_case():
    assert anonymise(REPORT, KNOWN) == (
        "A社を訪問し、B社長と面談した。A社の強みは納期である。\n"
        "B社長は、B社のC氏とも相談している。A社さんの工場は市内にある。\n"
        f"所在地：県内　TEL {REMOVED}　{REMOVED}"
    )


def test_longest_surface_is_replaced_first():
    text = "田中太郎さんと田中さん"
    assert apply_replacements(text, {"田中": "C氏", "田中太郎": "B氏"}) == "B氏とC氏"


def test_short_name_inside_another_word_is_left_alone():
    assert apply_replacements("林さんは森林組合の理事", {"林": "B氏"}) == "B氏は森林組合の理事"


def test_unknown_names_join_the_full_name_they_are_part_of():
    text = "後継者の高橋誠さんは、高橋社長の長男である。"
    findings = detect(text)
    mapping = suggest_replacements(findings)
    assert mapping["高橋誠"] == mapping["高橋"] == "B氏"


def test_blocking_findings_are_identifiers_and_known_names_only():
    text = "田中社長と鈴木さん（03-1234-5678）"
    blocking = blocking_findings(text, {"persons": ["田中 健一"]})
    assert [(f.kind, f.text) for f in blocking] == [
        ("known_person", "田中"),
        ("phone", "03-1234-5678"),
    ]  # 鈴木 is only a Sudachi guess: shown to the reviewer, not blocking


def test_anonymising_twice_changes_nothing_more():
    once = anonymise(REPORT, KNOWN)
    assert blocking_findings(once, KNOWN) == []
    assert anonymise(once, KNOWN) == once


@pytest.mark.parametrize("record", load(), ids=lambda r: r["id"])
def test_anonymised_passages_have_no_blocking_findings(record):
    known = record.get("known")
    assert blocking_findings(anonymise(record["text"], known), known) == []


def test_labelled_set_is_what_the_committed_generator_writes():
    path = PASSAGES.with_name("generate.py")
    spec = importlib.util.spec_from_file_location("privacy_fixture_generator", path)
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    assert generator.dumps(generator.build()) == Path(PASSAGES).read_text(encoding="utf-8")


def test_letters_taken_by_the_case_labels_are_not_handed_out_again():
    from privacy.anonymise import suggest_replacements
    from privacy.detect import Finding

    findings = [Finding(0, 2, "person", "山田"), Finding(5, 7, "person", "川口")]
    assert set(suggest_replacements(findings).values()) == {"B氏", "C氏"}
    assert set(suggest_replacements(findings, taken={"B氏"}).values()) == {"C氏", "D氏"}
