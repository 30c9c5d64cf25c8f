import pytest

from tests.factories import CasePageFactory, CurriculumUnitPageFactory, KnowHowPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit_with_notes():
    """A published unit with trainer notes, a case with its discussion questions and know-how."""
    return CurriculumUnitPageFactory(
        trainer_notes="- 最初の十分間は社長の話を遮らずに聞く\n- 時間配分は前半を長めに",
        cases={CasePageFactory(): "社長はなぜ黙ったのか\n次の訪問で何を聞くか"},
        knowhow=[KnowHowPageFactory()],
    )


def notes_phrase(unit) -> str:
    """Words from the first list item of the trainer notes (plain text, so the page shows them as is)."""
    return next(line[2:14] for line in unit.trainer_notes.splitlines() if line.startswith("- "))


def test_curriculum_and_units_are_public(client, unit_with_notes):
    unit = unit_with_notes
    assert client.get(unit.get_parent().url).status_code == 200
    html = client.get(unit.url).content.decode()
    assert "学習目標" in html and "教材" in html


def test_trainer_notes_hidden_from_public_and_supporters(client, supporter, unit_with_notes):
    unit = unit_with_notes
    note = notes_phrase(unit)
    for html in (
        client.get(unit.url).content.decode(),
        (client.force_login(supporter), client.get(unit.url).content.decode())[1],
    ):
        assert "講師メモ" not in html
        assert note not in html


def test_trainer_notes_shown_to_trainers(client, trainer, unit_with_notes):
    unit = unit_with_notes
    client.force_login(trainer)
    html = client.get(unit.url).content.decode()
    assert "講師メモ" in html
    assert notes_phrase(unit) in html


def test_every_linked_case_in_units_shows_its_questions(client, unit_with_notes):
    unit = unit_with_notes
    html = client.get(unit.url).content.decode()
    questions = [q for item in unit.items.exclude(case=None) for q in item.question_list]
    assert questions, "the unit links a case with discussion questions"
    for question in questions:
        assert question in html
