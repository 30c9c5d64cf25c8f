"""The anonymisation assistant: one label per person in the whole case, the reviewer's pick for a
shared surname, quasi-identifier suggestions, the checklist (issue 11)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cases.models import CasePage
from publishing import case_text, entities, services
from publishing.gate import PublishBlocked, blocking_problems
from publishing.models import CaseEntity, Proposal
from tests.conftest import login

from .family import family_engagement

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat():
    return get_user_model().objects.get(email="jimukyoku@demo.example")


@pytest.fixture
def page(secretariat):
    engagement, supporter = family_engagement()
    proposal = Proposal.objects.create(engagement=engagement, proposed_by=supporter, note="ぜひ")
    return services.draft_create(proposal=proposal, user=secretariat)


def _texts(page) -> str:
    draft = CasePage.objects.get(pk=page.pk).get_latest_revision_as_object()
    return "\n".join(s.text for s in case_text.slots(draft) if not s.key.startswith("slug"))


def _rows(page):
    return list(CaseEntity.objects.filter(page=page))


def _url(page):
    return reverse("publishing_admin:anonymise", args=[page.pk])


def test_the_family_is_listed_with_roles_and_role_labels(client, secretariat, page):
    rows = {r.name: r for r in CaseEntity.objects.filter(page=page)}
    assert rows["高橋 健一"].role_list[0] == "社長"
    assert rows["高橋 昭子"].role_list[0] == "会長"
    assert rows["高橋 彩"].role_list[:2] == ("長女", "店長")
    assert rows["株式会社タカハシ商店"].kind == "organisation"
    login(client, secretariat)
    response = client.get(_url(page))
    labels = {e["row"].name: e["label"] for e in response.context["entity_rows"]}
    assert labels["高橋 健一"] == "社長"
    assert labels["高橋 昭子"] == "会長"
    assert labels["高橋 彩"] == "長女"
    assert labels["株式会社タカハシ商店"] == "当社"


def test_a_bare_shared_surname_is_listed_with_a_chooser(client, secretariat, page):
    login(client, secretariat)
    response = client.get(_url(page))
    ambiguous = response.context["ambiguous"]
    assert len(ambiguous) == 1
    assert "【高橋】さんに決算書" in ambiguous[0]["context"]
    names = [name for _i, name, _label in ambiguous[0]["candidates"]]
    assert set(names) == {"高橋 健一", "高橋 昭子", "高橋 彩"}
    html = response.content.decode()
    assert html.count(f'name="{ambiguous[0]["name"]}"') == 3  # one radio per candidate


def test_each_person_keeps_one_label_in_the_whole_case(client, secretariat, page):
    login(client, secretariat)
    context = client.get(_url(page)).context
    choice = context["ambiguous"][0]
    kenichi = next(i for i, name, _l in choice["candidates"] if name == "高橋 健一")
    response = client.post(
        _url(page),
        {"action": "labels", "revision": context["revision"], choice["name"]: str(kenichi)},
    )
    assert response.status_code == 302
    text = _texts(page)
    for name in ("高橋", "昭子", "彩", "健一", "タカハシ"):
        assert name not in text, name
    draft = CasePage.objects.get(pk=page.pk).get_latest_revision_as_object()
    # One label per person, whichever way the report named them.
    assert "社長が製造会社と兼務" in draft.background
    assert "会長（68）と長女で店長（38）が担っている" in draft.background
    assert "（会長）" in text and "会長と長女店長の見方" in text
    assert "社長に決算書を準備していただく" in text  # the reviewer's pick
    assert "D氏" not in text and "B会長" not in text and "C店長" not in text
    assert blocking_problems(draft) == []


def test_an_unpicked_ambiguous_mention_stays_and_blocks_publication(client, secretariat, page):
    login(client, secretariat)
    context = client.get(_url(page)).context
    client.post(_url(page), {"action": "labels", "revision": context["revision"]})
    text = _texts(page)
    assert "高橋さんに決算書" in text and "昭子" not in text
    draft = CasePage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert any("高橋" in p for p in blocking_problems(draft))


def test_a_stale_form_changes_nothing(client, secretariat, page):
    login(client, secretariat)
    context = client.get(_url(page)).context
    page.refresh_from_db()
    page.get_latest_revision_as_object().save_revision(user=secretariat)  # another tab
    before = _texts(page)
    response = client.post(_url(page), {"action": "labels", "revision": context["revision"]})
    assert response.status_code == 302
    assert _texts(page) == before
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("ほかの画面で更新されました" in m for m in messages)


def test_quasi_identifiers_are_suggested_and_the_case_rechecked_after_each(
    client, secretariat, page
):
    login(client, secretariat)
    context = client.get(_url(page)).context
    offered = {(q["suggestion"].text, q["suggestion"].replacement) for q in context["quasi_rows"]}
    assert {
        ("（68）", "（60代）"),
        ("（38）", "（30代）"),
        ("1965年創業", "1960年代創業"),
        ("2024年5月12日", "2024年5月"),
    } <= offered
    founding = next(q for q in context["quasi_rows"] if q["suggestion"].kind == "founding")
    s = founding["suggestion"]
    value = f"{founding['key']}|{s.start}|{s.end}|{s.text}|{s.replacement}"
    client.post(_url(page), {"action": "quasi", "revision": context["revision"], "accept": value})
    text = _texts(page)
    # The same sentence stands in 当社の背景 and in the first phase: only the accepted one changed.
    assert text.count("1960年代創業") == 1 and text.count("1965年創業") == 1
    again = client.get(_url(page)).context
    left = [(q["key"], q["suggestion"].text) for q in again["quasi_rows"]]
    assert (founding["key"], "1965年創業") not in left  # the whole case re-checked
    assert ("sections.0.body.0", "1965年創業") in left and ("background", "（68）") in left
    everything = [
        f"{q['key']}|{q['suggestion'].start}|{q['suggestion'].end}|{q['suggestion'].text}|"
        f"{q['suggestion'].replacement}"
        for q in again["quasi_rows"]
    ]
    client.post(
        _url(page), {"action": "quasi", "revision": again["revision"], "accept": everything}
    )
    text = _texts(page)
    assert "（60代）" in text and "2024年5月に通販" in text and "（68）" not in text
    assert client.get(_url(page)).context["quasi_rows"] == []


def test_checklist_blocks_approval_and_is_shown(client, secretariat, page):
    # The names go first, so that only the checklist is left to refuse.
    choice = {}
    for item in entities.resolve_case(page.get_latest_revision_as_object(), _rows(page)):
        for m in item.resolution.ambiguous:
            choice[(item.slot.key, m.start)] = m.candidates[0]
    services.apply_labels(page=page, user=secretariat, choices=choice)
    draft = CasePage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert blocking_problems(draft) == []
    draft.key_points = [("point", "ひとつだけ")]
    revision = draft.save_revision(user=secretariat)
    with pytest.raises(PublishBlocked) as refused:
        revision.publish(user=secretariat)
    assert "本事例のポイントが 2 つ以上" in str(refused.value)
    page.refresh_from_db()
    assert not page.live and page.get_latest_revision().pk == revision.pk  # the draft is kept
    assert [b.value for b in page.get_latest_revision_as_object().key_points] == ["ひとつだけ"]
    login(client, secretariat)
    checklist = client.get(_url(page)).context["checklist"]
    assert [item.ok for item in checklist] == [True, False, True, True]
    assert "✖" in client.get(_url(page)).content.decode()
