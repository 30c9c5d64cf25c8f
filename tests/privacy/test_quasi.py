import pytest

from privacy.quasi import apply, suggestions


@pytest.mark.parametrize(
    ("text", "original", "replacement"),
    [
        ("社長は68歳になった。", "68歳", "60代"),
        ("会長の高橋氏（68）が語る。", "（68）", "（60代）"),
        ("長女で店長のC店長(38)。", "(38)", "(30代)"),
        ("後継者は１９歳。", "１９歳", "10代以下"),
        ("1965年創業の老舗。", "1965年創業", "1960年代創業"),
        ("1965年に設立した。", "1965年に設立", "1960年代設立"),
        ("創業1972年の会社。", "創業1972年", "創業1970年代"),
        ("昭和40年設立。", "昭和40年設立", "1960年代設立"),
        ("平成元年創業。", "平成元年創業", "1980年代創業"),
        ("2023年4月12日に訪問した。", "2023年4月12日", "2023年4月"),
        ("令和5年4月12日に訪問した。", "令和5年4月12日", "令和5年4月"),
        ("訪問日 2024/3/5 の記録。", "2024/3/5", "2024年3月"),
    ],
)
def test_each_quasi_identifier_gets_a_coarser_form(text, original, replacement):
    found = suggestions(text)
    assert [(s.text, s.replacement) for s in found] == [(original, replacement)]
    assert apply(text, found) == text.replace(original, replacement)


@pytest.mark.parametrize(
    "text",
    [
        "60代の社長と30代の後継者。",  # already a band
        "2023年4月に訪問した。",  # already a month
        "1960年代創業の老舗。",  # already an era
        "従業員45名、売上3億円、第3回訪問。",  # counts, not ages
        "品番 12/34 と 2024-04-01 10:00。",  # no date of the 年月日 or y/m/d shape
    ],
)
def test_coarse_or_unrelated_numbers_get_no_suggestion(text):
    assert suggestions(text) == []


def test_a_suggestion_is_not_applied_where_the_text_has_changed():
    text = "1965年創業、社長は68歳。"
    found = suggestions(text)
    edited = "1965年創業、社長は70歳。"  # the reviewer changed the age meanwhile
    assert apply(edited, found) == "1960年代創業、社長は70歳。"


def test_whole_case_is_rechecked_after_each_apply():
    text = "1965年創業。会長（68）と長女（38）。2023年4月12日。"
    for _ in range(4):
        found = suggestions(text)
        if not found:
            break
        text = apply(text, found[:1])  # the reviewer accepts one at a time
    assert text == "1960年代創業。会長（60代）と長女（30代）。2023年4月。"
    assert suggestions(text) == []
