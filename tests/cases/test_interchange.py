import io
import json
import random

import pytest
from django.core.management import CommandError, call_command

from cases.interchange import InterchangeError, export_cases, import_cases, parse
from cases.models import CasePage
from cases.synthetic import synthetic_case

pytestmark = pytest.mark.django_db


def as_lines(records) -> list[str]:
    return [json.dumps(r, ensure_ascii=False) for r in records]


def exported(ids) -> list[dict]:
    return list(export_cases(CasePage.objects.filter(external_id__in=ids)))


def test_valid_90_case_file_imports_and_exports_identically(tmp_path):
    records = [synthetic_case(n, random.Random(n)) for n in range(1, 91)]
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(as_lines(records)) + "\n", encoding="utf-8")

    call_command("import_cases", str(path), "--no-progress", stdout=io.StringIO())

    ids = [r["id"] for r in records]
    assert exported(ids) == records  # same objects, same order
    assert CasePage.objects.filter(external_id__in=ids, live=True).count() == sum(
        "published_at" in r for r in records
    )


def test_export_import_export_round_trip_of_demo_content(tmp_path):
    first = io.StringIO()
    call_command("export_cases", stdout=first)
    path = tmp_path / "export.jsonl"
    path.write_text(first.getvalue(), encoding="utf-8")
    call_command("import_cases", str(path), "--no-progress", stdout=io.StringIO())
    second = io.StringIO()
    call_command("export_cases", stdout=second)
    assert [json.loads(x) for x in second.getvalue().splitlines()] == [
        json.loads(x) for x in first.getvalue().splitlines()
    ]
    assert len(first.getvalue().splitlines()) >= 40


def test_export_to_file_writes_one_line_per_case(tmp_path):
    target = tmp_path / "out.jsonl"
    call_command("export_cases", str(target), stderr=io.StringIO())
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == CasePage.objects.count()
    assert {json.loads(line)["id"] for line in lines} == set(
        CasePage.objects.values_list("external_id", flat=True)
    )


def test_bad_file_is_rejected_whole_with_line_numbered_problems(tmp_path):
    good = synthetic_case(1)
    bad_region = synthetic_case(2)
    bad_region["company"]["prefecture"] = "01"  # Hokkaido, not in the record's region
    bad_region["company"]["region"] = "kinki"
    unknown_key = synthetic_case(3)
    unknown_key["extra"] = 1
    bad_tool = synthetic_case(4)
    bad_tool["phases"][0]["tools"] = ["crystal-ball"]
    bad_dates = synthetic_case(5)
    bad_dates["support"].update(started="2024-05", ended="2023-01")
    lines = [*as_lines([good, bad_region, unknown_key, bad_tool, bad_dates]), "{not json"]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    before = CasePage.objects.count()
    err = io.StringIO()

    with pytest.raises(CommandError, match="何も取り込みませんでした"):
        call_command("import_cases", str(path), stdout=io.StringIO(), stderr=err)

    problems = err.getvalue()
    assert "line 2: company.prefecture:" in problems
    assert "line 3: extra: 未知のキーです" in problems
    assert 'line 4: phases[0].tools[0]: 不正なコード "crystal-ball"' in problems
    assert "line 5: support.ended:" in problems
    assert "line 6: (行全体): JSON として読めません" in problems
    assert "line 1:" not in problems
    assert CasePage.objects.count() == before
    assert not CasePage.objects.filter(external_id="syn-00001").exists()


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda r: r.pop("title"), "line 1: title: 必須の項目がありません"),
        (lambda r: r.update(id="Bad ID"), "line 1: id:"),
        (lambda r: r["company"].update(industry="Z"), "line 1: company.industry:"),
        (lambda r: r["company"].update(employees=5), "line 1: company.employees:"),
        (lambda r: r["support"].update(visits=0), "line 1: support.visits:"),
        (lambda r: r["support"].update(visits=True), "line 1: support.visits:"),
        (lambda r: r.update(phases=[]), "line 1: phases:"),
        (lambda r: r["phases"][0].update(phase="done"), "line 1: phases[0].phase:"),
        (lambda r: r.update(hashtags=["DX", "DX"]), "line 1: hashtags: 同じ値が重複"),
        (lambda r: r.update(published_at="2024-02-30"), "line 1: published_at:"),
        (
            lambda r: r["company"].update(overseas_presence="yes"),
            "line 1: company.overseas_presence:",
        ),
        (lambda r: r["typology"].update(colour="blue"), "line 1: typology.colour: 未知のキー"),
        # Longer than the column: PostgreSQL would refuse the row in the middle of the import.
        (lambda r: r.update(title="題" * 256), "line 1: title: 255 文字以内"),
        (lambda r: r.update(subtitle="副" * 201), "line 1: subtitle: 200 文字以内"),
        (
            lambda r: r["phases"][0].update(heading="見" * 201),
            "line 1: phases[0].heading: 200 文字",
        ),
        (lambda r: r.update(hashtags=["タ" * 101]), "line 1: hashtags[0]: 100 文字以内"),
        (lambda r: r.update(background="あ" * 20_001), "line 1: background: 20,000 文字以内"),
        (lambda r: r.update(key_points=["い" * 20_001]), "line 1: key_points[0]: 20,000 文字"),
        # PostgreSQL refuses NUL in text; no other control character belongs in a case either.
        (lambda r: r.update(title="題\x00名"), "line 1: title: 制御文字"),
        (lambda r: r["phases"][0].update(body="本文\x1b[31m"), "line 1: phases[0].body: 制御文字"),
    ],
)
def test_each_rule_names_the_field(mutate, expected):
    record = synthetic_case(7)
    mutate(record)
    with pytest.raises(InterchangeError) as exc:
        parse(as_lines([record]))
    assert any(p.startswith(expected) for p in exc.value.problems), exc.value.problems


def test_long_texts_with_line_breaks_and_tabs_are_accepted():
    record = synthetic_case(9)
    record.update(title="題" * 255, background="一行目\n\t二行目\r\n" + "あ" * 19_990)
    assert parse(as_lines([record]))[0][1]["title"] == "題" * 255


def test_duplicate_ids_in_one_file_are_reported():
    record = synthetic_case(8)
    with pytest.raises(InterchangeError) as exc:
        parse(as_lines([record, record]))
    assert exc.value.problems == ["line 2: id: ID syn-00008 は 1 行目と重複しています"]


def test_reimport_updates_in_place():
    record = synthetic_case(9)
    import_cases(as_lines([record]))
    record["title"] = "題名を直した事例"
    report = import_cases(as_lines([record]))
    assert (report.created, report.updated) == (0, 1)
    assert CasePage.objects.get(external_id="syn-00009").title == "題名を直した事例"


def test_case_with_personal_data_is_kept_as_draft_and_reported():
    record = synthetic_case(10)
    record["published_at"] = "2024-01-10"
    record["phases"][0]["body"] += "連絡先は 03-1234-5678 の佐藤さんです。"
    report = import_cases(as_lines([record]))
    page = CasePage.objects.get(external_id="syn-00010")
    assert not page.live
    assert report.drafts == 1
    assert "phone" in report.held_back[0] and "下書き" in report.held_back[0]


def test_case_the_publish_gate_refuses_is_kept_as_draft_and_the_rest_imports():
    # The id becomes the slug, which the format's own check does not read but the gate does.
    blocked = synthetic_case(11) | {"id": "tel-0767-52-1234", "published_at": "2024-01-10"}
    clean = synthetic_case(12) | {"published_at": "2024-01-10"}
    report = import_cases(as_lines([blocked, clean]))
    assert (report.published, report.drafts) == (1, 1)
    assert not CasePage.objects.get(external_id="tel-0767-52-1234").live
    assert CasePage.objects.get(external_id=clean["id"]).live
    assert report.held_back[0].startswith("line 1: tel-0767-52-1234: ")
    assert "スラッグ" in report.held_back[0] and "電話番号" in report.held_back[0]


def test_markdown_body_is_sanitised_when_rendered(client):
    record = synthetic_case(11)
    record["published_at"] = "2024-01-10"
    record["phases"][0]["body"] = (
        "本文<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>**強調**"
    )
    import_cases(as_lines([record]))
    html = client.get(CasePage.objects.get(external_id="syn-00011").url).content.decode()
    assert "<script>alert(1)" not in html
    assert "onerror" not in html
    assert "<strong>強調</strong>" in html


def test_missing_file_gives_a_clear_error():
    with pytest.raises(CommandError, match="ファイルが見つかりません"):
        call_command("import_cases", "/nonexistent/cases.jsonl")


# --- the bulk path (new cases written in chunks; checks in worker processes) -----------------
def test_new_cases_are_written_as_wagtail_would_write_them(client, private_search_index):
    """Tree, revision, audit log, reference index and search index of bulk-written cases."""
    from wagtail.models import Page, PageLogEntry, ReferenceIndex

    from search import service

    records = [synthetic_case(n) | {"published_at": "2024-02-01"} for n in range(40, 44)]
    del records[-1]["published_at"]  # a draft
    import_cases(as_lines(records))
    service.drain_outbox()  # what the search worker does after the commit
    indexed = private_search_index.versions()
    assert Page.find_problems() == ([], [], [], [], [])
    for record in records:
        page = CasePage.objects.get(external_id=record["id"])
        revisions = list(page.revisions.all())
        assert len(revisions) == 1 and page.latest_revision_id == revisions[0].pk
        assert revisions[0].as_object().title == record["title"]
        actions = set(PageLogEntry.objects.filter(page=page).values_list("action", flat=True))
        assert ReferenceIndex.objects.filter(object_id=str(page.pk)).count() == len(
            record["hashtags"]
        )
        if "published_at" in record:
            assert page.live and page.live_revision_id == revisions[0].pk
            assert actions == {"wagtail.create", "wagtail.publish"}
            assert client.get(page.url).status_code == 200
            assert page.pk in indexed
        else:
            assert not page.live and page.has_unpublished_changes
            assert actions == {"wagtail.create"}
            assert page.pk not in indexed


def test_the_publication_gate_decides_for_every_new_case():
    """The gate is asked through its hook (publishing registers it; cases sits below)."""
    from wagtail import hooks

    from publishing.gate import PublishBlocked

    def refuse_the_second(page):
        if page.external_id == "syn-00051":
            raise PublishBlocked("公開できません: テスト")

    records = [synthetic_case(n) | {"published_at": "2024-02-01"} for n in (50, 51, 52)]
    with hooks.register_temporarily("check_publication", refuse_the_second):
        report = import_cases(as_lines(records))
    assert (report.published, report.drafts) == (2, 1)
    assert not CasePage.objects.get(external_id="syn-00051").live
    assert report.held_back == [
        "line 2: syn-00051: 公開ゲートが公開を止めたため下書きとして取り込みました: "
        "公開できません: テスト"
    ]


def test_progress_counts_every_case():
    done = []
    records = [synthetic_case(n) for n in range(60, 65)]
    import_cases(as_lines(records), progress=done.append)
    assert sum(done) == len(records)


def test_a_slug_taken_by_another_page_is_a_line_numbered_problem():
    from tests.factories import CasePageFactory

    CasePageFactory(slug="syn-00070", external_id="other-70")
    with pytest.raises(InterchangeError) as caught:
        import_cases(as_lines([synthetic_case(71), synthetic_case(70)]))
    assert caught.value.problems == [
        "line 2: id: ID syn-00070 と同じスラッグのページが事例一覧にすでにあります"
    ]
    assert not CasePage.objects.filter(external_id="syn-00071").exists()


def test_the_command_prints_time_and_peak_memory(tmp_path):
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(as_lines([synthetic_case(80)])) + "\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_cases", str(path), "--no-progress", "--workers", "1", stdout=out)
    assert "件/秒" in out.getvalue() and "最大メモリ使用量（RSS）: 本体" in out.getvalue()
