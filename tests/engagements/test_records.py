"""Plans and reports: structured forms, a version per save, comparison, no lost updates."""

import pytest
from django.urls import reverse

from engagements.models import Record, RecordVersion
from tests.conftest import login

pytestmark = pytest.mark.django_db

REPORT = {
    "held_on": "2026-06-03",
    "happened": "経営デザインシートの「これまで」を一緒に書いた。",
    "owner_voice": "「うちの強みは段取りの速さだ」と話された。",
    "next_steps": "社員3名に強みを聞いてくる。",
    "concerns": "",
    "tools_used": ["management-design-sheet", "whiteboard"],
    "phase_reached": ["awareness"],
}


def _edit_url(world):
    return reverse("engagements:record_edit", args=[world.visit_a.pk, "report"])


def test_supporter_writes_report_and_each_save_is_a_version(client, world):
    login(client, world.supporter)
    url = _edit_url(world)
    page = client.get(url)
    assert page.status_code == 200
    assert "経営者の発言・気づき" in page.content.decode()
    response = client.post(url, {**REPORT, "base_version": 1})
    assert response.status_code == 302
    record = Record.objects.get(visit=world.visit_a, kind="visit_report")
    assert record.version == 2
    assert record.current().data["tools_used"] == ["management-design-sheet", "whiteboard"]
    client.post(url, {**REPORT, "owner_voice": "強みは段取りと丁寧さ。", "base_version": 2})
    record.refresh_from_db()
    assert record.version == 3
    assert list(record.versions.values_list("number", flat=True)) == [3, 2, 1]

    versions = client.get(
        reverse("engagements:record_versions", args=[world.visit_a.pk, "report"]),
        {"a": 2, "b": 3},
    )
    html = versions.content.decode()
    assert "<del>" in html and "<ins>" in html
    assert "丁寧" in html


def test_visit_page_shows_report_fields(client, world):
    login(client, world.supporter)
    client.post(_edit_url(world), {**REPORT, "base_version": 1})
    html = client.get(reverse("engagements:visit", args=[world.visit_a.pk])).content.decode()
    assert "段取りの速さ" in html
    assert "経営デザインシート" in html  # tool labels, not codes
    assert "management-design-sheet" not in html


def test_second_editor_from_an_old_version_gets_a_conflict_and_keeps_input(client, world):
    login(client, world.supporter)
    url = _edit_url(world)
    first = client.post(url, {**REPORT, "base_version": 1})
    assert first.status_code == 302
    second = client.post(url, {**REPORT, "happened": "別の人の書いた内容", "base_version": 1})
    assert second.status_code == 200
    html = second.content.decode()
    assert "ほかの人がこの記録を保存しました" in html
    assert "別の人の書いた内容" in html  # nothing typed is lost
    assert RecordVersion.objects.filter(record__visit=world.visit_a).count() == 2


def test_required_fields_and_bad_codes_are_refused_in_japanese(client, world):
    login(client, world.supporter)
    response = client.post(
        _edit_url(world), {"base_version": 1, "held_on": "2026-13-40", "tools_used": ["hammer"]}
    )
    html = response.content.decode()
    assert response.status_code == 200
    # Each error sits beside its own field (the labels' 「（必須）」 marks are always on the page).
    assert 'id="id_held_on_error"><li>日付を正しく入力してください。' in html
    assert 'id="id_happened_error"><li>この項目は必須です' in html
    assert "hammer は候補にありません" in html
    assert Record.objects.get(visit=world.visit_a, kind="visit_report").version == 1


def test_services_refuse_a_stale_base_version(world):
    from engagements import services

    record = Record.objects.get(visit=world.visit_a, kind="visit_report")
    services.record_save(record=record, base_version=1, data={"happened": "x"}, author=None)
    with pytest.raises(services.Conflict):
        services.record_save(record=record, base_version=1, data={"happened": "y"}, author=None)
    assert record.versions.count() == 2


def test_new_visit_gets_the_next_number(client, world):
    login(client, world.supporter)
    response = client.post(
        reverse("engagements:visit_create", args=[world.a.pk]), {"scheduled_on": "2026-07-01"}
    )
    assert response.status_code == 302
    assert list(world.a.visits.values_list("number", flat=True)) == [1, 2]
