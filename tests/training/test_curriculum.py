import pytest

from training.models import CurriculumUnitPage

pytestmark = pytest.mark.django_db


def unit_with_notes():
    return CurriculumUnitPage.objects.live().exclude(trainer_notes="").first()


def test_curriculum_and_units_are_public(client):
    unit = unit_with_notes()
    assert client.get(unit.get_parent().url).status_code == 200
    html = client.get(unit.url).content.decode()
    assert "学習目標" in html and "教材" in html


def test_trainer_notes_hidden_from_public_and_supporters(client, supporter):
    unit = unit_with_notes()
    assert "講師メモ" not in client.get(unit.url).content.decode()
    client.force_login(supporter)
    assert "講師メモ" not in client.get(unit.url).content.decode()


def test_trainer_notes_shown_to_trainers(client, trainer):
    unit = unit_with_notes()
    client.force_login(trainer)
    assert "講師メモ" in client.get(unit.url).content.decode()


def test_every_linked_case_in_units_shows_its_questions(client):
    unit = unit_with_notes()
    html = client.get(unit.url).content.decode()
    for item in unit.items.exclude(case=None):
        for question in item.question_list:
            assert question in html
