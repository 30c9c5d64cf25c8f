"""Where the company is, on the public page: the region, the prefecture only under the k rule."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cases.models import CasePage
from publishing import services
from tests.conftest import login
from tests.factories import CasePageFactory

# These tests publish and unpublish: each gets a search index of its own (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_search_index")]

INDUSTRY, PREFECTURE, REGION = "A", "47", "kyushu-okinawa"  # 農業、林業 in 沖縄県


def _case(n: int, **fields) -> CasePage:
    """A published farm case in 沖縄県: the industry and prefecture pair the k rule counts."""
    return CasePageFactory(
        title=f"農園の事例 {n}",
        slug=f"k-rule-{n}",
        external_id=f"k-rule-{n}",
        industry=INDUSTRY,
        region=REGION,
        prefecture=PREFECTURE,
        employees="6-20",
        **fields,
    )


@pytest.fixture
def secretariat():
    return get_user_model().objects.get(email="jimukyoku@demo.example")


def test_the_prefecture_is_refused_below_k_and_shown_from_k(settings, secretariat, client):
    settings.CASE_PREFECTURE_K = 5
    assert not CasePage.objects.live().filter(industry=INDUSTRY, prefecture=PREFECTURE).exists()
    cases = [_case(n) for n in range(4)]
    with pytest.raises(services.DisclosureRefused) as refused:
        services.set_prefecture_shown(page=cases[0], user=secretariat, show=True)
    assert "4 件しかない" in str(refused.value) and "5 件以上" in str(refused.value)
    assert cases[0].public_area == "九州・沖縄"
    cases.append(_case(4))
    services.set_prefecture_shown(page=cases[0], user=secretariat, show=True)
    page = CasePage.objects.get(pk=cases[0].pk)
    assert page.public_area == "九州・沖縄（沖縄県）"
    assert "九州・沖縄（沖縄県）" in client.get(page.url).content.decode()
    # Another case shares the same pair but the secretariat did not allow it: region only.
    assert "沖縄県" not in client.get(cases[1].url).content.decode()

    cases[4].unpublish()  # one peer gone: four left, the prefecture disappears at once
    html = client.get(page.url).content.decode()
    assert "沖縄県" not in html and "九州・沖縄" in html
    assert CasePage.objects.get(pk=page.pk).public_prefecture == ""


def test_the_public_page_shows_the_region_by_default(client):
    page = _case(99)
    html = client.get(page.url).content.decode()
    assert "九州・沖縄" in html and "沖縄県" not in html


def test_the_assistant_refuses_in_japanese_and_keeps_the_region(settings, secretariat, client):
    settings.CASE_PREFECTURE_K = 5
    page = _case(1)
    login(client, secretariat)
    url = reverse("publishing_admin:anonymise", args=[page.pk])
    response = client.post(url, {"action": "prefecture", "show": "1"}, follow=True)
    assert "都道府県は表示できません" in response.content.decode()
    assert CasePage.objects.get(pk=page.pk).public_area == "九州・沖縄"
