"""Entity resolution before labels: a family business where three people share 高橋 (issue 11)."""

import pytest

from privacy.resolve import Entry, apply, default_labels, resolve

FAMILY = [
    Entry("高橋 健一", ("会長",)),
    Entry("高橋 誠", ("社長", "代表取締役")),
    Entry("高橋 美咲", ("長女", "店長")),
    Entry("株式会社タカハシ食品", (), "organisation"),
    Entry("丸七水産株式会社", ("取引先",), "organisation"),
]
TEXT = (
    "会長の高橋健一氏（68）と長女で店長の高橋美咲氏（38）に話を伺った。"
    "高橋社長は丸七水産との取引を見直した。美咲さんは新店を任された。"
    "高橋さんは「家業を残したい」と語る。タカハシ食品の会長は引退を考えている。"
)


def test_each_person_keeps_one_label_for_the_whole_case():
    r = resolve(TEXT, entries=FAMILY)
    by_entry: dict[int, set[str]] = {}
    for m in r.mentions:
        by_entry.setdefault(m.candidates[0], set()).add(r.labels[m.candidates[0]])
    assert all(len(labels) == 1 for labels in by_entry.values())
    assert {FAMILY[i].name: r.labels[i] for i in by_entry} == {
        "高橋 健一": "会長",
        "高橋 誠": "社長",
        "高橋 美咲": "長女",
        "株式会社タカハシ食品": "A社",
        "丸七水産株式会社": "取引先",
    }


def test_mentions_resolve_by_full_name_surname_and_role_given_name_and_role_alone():
    r = resolve(TEXT, entries=FAMILY)
    how = {(m.text, m.how): FAMILY[m.candidates[0]].name for m in r.mentions}
    assert how[("高橋健一", "full_name")] == "高橋 健一"
    assert how[("高橋", "surname_role")] == "高橋 誠"  # 高橋社長
    assert how[("美咲", "given_name")] == "高橋 美咲"
    assert how[("店長", "role")] == "高橋 美咲"


def test_bare_shared_surname_is_ambiguous_and_listed_for_the_reviewer():
    r = resolve(TEXT, entries=FAMILY)
    assert [(m.text, m.candidates) for m in r.ambiguous] == [("高橋", (0, 1, 2))]
    assert "高橋さんは" in apply(TEXT, r)  # nothing guessed until the reviewer picks


def test_the_reviewers_choice_resolves_the_ambiguous_mention():
    first = resolve(TEXT, entries=FAMILY)
    picked = resolve(TEXT, entries=FAMILY, choices={first.ambiguous[0].start: 1})
    assert picked.ambiguous == []
    assert "社長は「家業を残したい」と語る" in apply(TEXT, picked)


def test_labels_read_as_a_case_and_never_garble_who_is_who():
    out = apply(TEXT, resolve(TEXT, entries=FAMILY))
    assert out.startswith(
        "会長（68）と長女で店長（38）に話を伺った。社長は取引先との取引を見直した。"
    )
    assert "長女は新店を任された" in out
    assert "A社の会長" in out
    for name in ("健一", "美咲", "丸七", "タカハシ"):
        assert name not in out


@pytest.mark.parametrize(
    ("entries", "labels"),
    [
        (
            [Entry("甲", ("取引先",), "organisation"), Entry("乙", ("取引先",), "organisation")],
            ["取引先A", "取引先B"],
        ),
        ([Entry("田中 一郎"), Entry("鈴木 次郎")], ["B氏", "C氏"]),
        ([Entry("田中 一郎", ("工場長",)), Entry("鈴木 次郎")], ["工場長", "B氏"]),
    ],
)
def test_a_letter_only_tells_two_apart(entries, labels):
    assert list(default_labels(entries).values()) == labels
