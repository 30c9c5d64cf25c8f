import pytest

from taxonomy import terms
from taxonomy.models import Term
from taxonomy.vocabularies import SEED

pytestmark = pytest.mark.django_db


def test_every_code_of_the_interchange_format_has_a_japanese_label():
    for vocabulary, rows in SEED.items():
        assert list(terms.terms(vocabulary)) == [row[0] for row in rows], vocabulary
    assert len(terms.terms("prefecture")) == 47
    assert terms.terms("prefecture")["15"].parent == "hokuriku"
    assert terms.label("industry", "M") == "宿泊業、飲食サービス業"


def test_secretariat_label_edit_shows_on_the_next_request(client):
    term = Term.objects.get(vocabulary="tool", code="whiteboard")
    term.label = "ホワイトボード（板書）"
    term.save()
    assert "ホワイトボード（板書）" in client.get("/").content.decode()
