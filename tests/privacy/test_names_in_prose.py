"""Names as reference and news text writes them, without a title or an honorific of the
business kind: after a family word, before a public title, a foreign surname on its own after the
full name; and what the model takes with a name that is no part of it (issue 11). The sentences
are written for these tests."""

import pytest

from privacy.detect import detect
from privacy.variants import person_variants


def _found(text: str) -> list[tuple[str, str]]:
    return [(f.text, f.base_kind) for f in detect(text)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("母・ヨシエと長女の美咲が店を手伝った。", "ヨシエ"),
        ("母・ヨシエと長女の美咲が店を手伝った。", "美咲"),
        ("視察したのはハーディング知事だった。", "ハーディング"),
    ],
)
def test_a_name_after_a_family_word_or_before_a_public_title_is_a_person(text, name):
    assert (name, "person") in _found(text)


@pytest.mark.parametrize("text", ["娘のドレスを仕立てた。", "父の会社を継いだ。"])
def test_a_common_noun_after_a_family_word_is_no_name(text):
    assert _found(text) == []


def test_a_country_before_a_title_is_no_person():
    assert ("アイルランド", "person") not in _found("アイルランド大使と面会した。")


def test_a_foreign_surname_alone_is_found_once_the_full_name_was():
    found = detect("講師はマリア・サントス。翌年もサントスが指導した。")
    assert [f.text for f in found] == ["マリア・サントス", "サントス"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2018年山田商事に入社した。", [("山田商事", "organisation")]),
        ("1907年大学を卒業した。", []),
        ("10日放送の番組で紹介された。", []),
        ("学校・三井銀行・役場を回った。", [("三井銀行", "organisation")]),
    ],
)
def test_a_count_or_a_list_mark_before_a_company_is_no_part_of_it(text, expected):
    assert _found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Loanwords run together: both models may read them as a name; they are none.
        ("テストドライバーとして契約した。", []),
        ("マイクロアーキテクチャを刷新した。", []),
        # A description before ・ and a title after the name are no part of it.
        ("シンガーソングライター・森田ゆかりの新曲。", [("森田ゆかり", "person")]),
    ],
)
def test_what_the_model_takes_with_a_name_is_left_out(model, text, expected):
    assert _found(text) == expected


def test_a_title_after_a_company_is_no_part_of_it(model):
    found = _found("TBSサービス代表取締役社長に就いた。")
    assert found and all(kind == "organisation" and "代表" not in s for s, kind in found)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("委員長を務めたのは河合弘至や木村らである。", "河合弘至"),
        ("父ルドヴィーコ・ベルッチは画家。", "ルドヴィーコ・ベルッチ"),
    ],
)
def test_a_full_name_is_masked_whole(model, text, name):
    assert (name, "person") in _found(text)


@pytest.mark.parametrize(
    "text",
    [
        "会社概要：従業員30名、創業は昭和である。",
        "工場見学では製造課長が案内してくれた。",
    ],
)
def test_kanji_common_nouns_both_models_read_as_a_firm_are_no_finding(model, text):
    """ja_ginza and the trained head both read 会社概要 or 製造課 as a firm; common nouns that
    do not end in a word of firms (大学, 新聞, 銀行 …) are none (they held honest drafts back)."""
    assert _found(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "株式会社丸七の高橋健一社長と、七尾の直売所で売場の役割を話し合った。",
        "輪島の朝市で、能登の生産者と会った。",
        "ご家族は、金沢で暮らしている。",
    ],
)
def test_no_finding_starts_or_ends_with_a_particle(model, text):
    """The trained head read 「七尾の」 as a person; the entity list then made 「の」 a known name
    that blocked every field of the draft (the browser test of the publication flow)."""
    for f in detect(text):
        first, last = f.text[0], f.text[-1]
        assert first not in "のがはをにともで" and last not in "のがはをにともで", f


def test_a_name_cut_badly_leaves_no_particle_as_a_name_of_its_own():
    assert "の" not in person_variants("七尾の")
    assert person_variants("高橋 彩") == ("高橋 彩", "高橋彩", "高橋", "彩")  # one kanji stays


# --- issue 11, second round: what the held-out part of the Wikipedia data showed missed -------


@pytest.mark.parametrize(
    ("text", "firm"),
    [
        ("もっとも、毎日放送では番組の放送を続けた。", "毎日放送"),
        ("翌年、明光バスから車両が移った。", "明光バス"),
        ("前身は化学工学協会である。", "化学工学協会"),
    ],
)
def test_a_firm_named_with_common_nouns_is_masked(model, text, firm):
    """Common nouns ending in a word of firms that a model reads as a firm: the sentence holds no
    proper noun, so the model was not even asked, and the span held no "name material"."""
    assert (firm, "organisation") in _found(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("東インド会社は三州で徴税権を得た。", ("東インド会社", "organisation")),
        ("豪族をねぎらうため持統天皇が山に登った。", ("持統天皇", "person")),
        ("二年後にパスケル兄弟が失脚した。", ("パスケル", "person")),
        ("一九三二年一月に吉鴻昌は帰国した。", ("吉鴻昌", "person")),
        ("この年にラビット・モランビルが活躍した。", ("ラビット・モランビル", "person")),
    ],
)
def test_a_name_is_masked_with_what_belongs_to_it(model, text, expected):
    """A place before 会社 is a firm, a title of an emperor or a peer is part of the name, a
    katakana name before 兄弟, a one-kanji surname Sudachi cut off, a foreign name of words
    Sudachi lists as common nouns."""
    assert expected in _found(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("当日はマリオやJ.L.ボニエも登壇した。", [("マリオ", "person"), ("J.L.ボニエ", "person")]),
        ("WSMは元来のクラシック・カントリーの形式に戻った。", [("WSM", "organisation")]),
    ],
)
def test_two_names_and_a_genre_are_not_one_name(model, text, expected):
    """The particle between two names is no part of either; common loanwords joined by ・ are
    no name unless both kinds of model read one there."""
    assert _found(text) == expected


def test_a_particle_before_a_title_is_no_given_name():
    """岡田が社長に: the rules took が for a given name written in kana before a title."""
    found = _found("マキノは一九七一年、岡田が社長になったので辞めた。")
    assert all(not text.endswith("が") for text, _kind in found), found


def test_three_heads_are_loaded_and_read_the_same_features(model):
    from privacy import ner

    assert len(ner.heads()) == 3
    assert {ner.head_features(p) for p in ner.WIKI_PATHS} == {ner.FEATURES}
