"""The registry format: every field checked, all or nothing, round trips in JSONL, CSV and XLSX."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dispatch import interchange
from dispatch.models import DispatchRequest, Supporter
from tests.factories import UserFactory

from .conftest import REQUEST, SUPPORTER, jsonl, put, request_obj, supporter_obj

pytestmark = pytest.mark.django_db


def canonical(obj: dict) -> dict:
    """What the exporter writes for the format document's example (every key present)."""
    return json.loads(json.dumps(obj))


def test_the_documents_examples_import_and_export_unchanged(empty_registry):
    put("supporters", SUPPORTER)
    put("requests", REQUEST)
    assert interchange.export_objects("supporters") == [SUPPORTER]
    assert interchange.export_objects("requests") == [REQUEST]


def _registry(n_supporters=200, n_requests=30):
    prefectures = [f"{n:02d}" for n in range(1, 48)]
    supporters = [
        supporter_obj(
            id=f"sup-{i:04d}",
            name=f"支援 員{i}",
            category=1 + i % 2,
            home_prefecture=prefectures[i % 47],
            travel=["own-prefecture", "neighbouring", "anywhere"][i % 3],
            type=1 + i % 5,
            max_engagements=1 + i % 3,
            qualifications=["sme-consultant", "cpa"][: 1 + i % 2],
            experience=[
                {
                    "industry": "EIMP"[i % 4],
                    "employees": None,
                    "content": f"支援 {i}",
                    "role": "member",
                    "years": i % 7,
                }
            ],
            conflicts=[
                {"industry": None, "prefecture": None, "company": f"co-{i:04d}", "note": "顧問先"}
            ]
            if i % 10 == 0
            else [],
            relationships=[
                {"with": f"req-body:body-{i % 5}", "kind": "negative", "note": "過去の経緯"}
            ]
            if i % 9 == 0
            else [],
            motto="" if i % 4 else "傾聴から始める",
            notes="" if i % 6 else "面談済み、物腰柔らか",
        )
        for i in range(1, n_supporters + 1)
    ]
    requests = [
        request_obj(
            id=f"req-{i:04d}",
            received=f"2026-05-{1 + i % 28:02d}",
            company={
                "id": f"co-{i:04d}",
                "name": f"株式会社テスト{i}",
                "prefecture": prefectures[(i * 7) % 47],
                "sales": None if i % 3 == 0 else "100m-1b",
                "owner_type": None,
                "owner_age": "50s",
            },
            requesting_body={"id": f"body-{i % 5}", "kind": "yorozu", "prefecture": "13"},
            approach="issue-solving" if i % 2 else "issue-setting",
            desired="" if i % 2 else "現場が分かる方",
            exclude=[f"sup-{i:04d}"] if i % 4 == 0 else [],
            consent_signed=None if i % 5 == 0 else "2026-06-01",
        )
        for i in range(1, n_requests + 1)
    ]
    return supporters, requests


def test_a_200_supporter_30_request_file_round_trips_exactly(empty_registry, tmp_path):
    supporters, requests = _registry()
    (tmp_path / "supporters.jsonl").write_bytes(jsonl(supporters))
    (tmp_path / "requests.jsonl").write_bytes(jsonl(requests))
    call_command(
        "import_registry",
        str(tmp_path / "requests.jsonl"),
        str(tmp_path / "supporters.jsonl"),
        stdout=io.StringIO(),
    )
    assert Supporter.objects.count() == 200 and DispatchRequest.objects.count() == 30
    out = tmp_path / "out"
    out.mkdir()
    call_command("export_registry", str(out), stdout=io.StringIO())
    exported = [json.loads(line) for line in (out / "supporters.jsonl").read_text().splitlines()]
    assert exported == supporters
    exported = [json.loads(line) for line in (out / "requests.jsonl").read_text().splitlines()]
    assert exported == requests
    # Importing the export again changes nothing.
    call_command(
        "import_registry",
        str(out / "supporters.jsonl"),
        str(out / "requests.jsonl"),
        stdout=io.StringIO(),
    )
    assert interchange.export_objects("supporters") == supporters
    assert interchange.export_objects("requests") == requests


def test_a_broken_file_is_rejected_whole_with_line_numbers_and_nothing_changes(
    empty_registry, tmp_path
):
    put("supporters", supporter_obj(id="sup-keep", name="元の 名前"))
    before = interchange.export_objects("supporters")
    supporters, requests = _registry()
    supporters[0] = supporter_obj(id="sup-keep", name="変更後")  # would update, must not
    supporters[4]["category"] = 3
    supporters[9]["travel"] = "somewhere"
    supporters[19]["surprise"] = True
    supporters[29]["experience"][0]["industry"] = "Z"
    supporters[39]["email"] = supporters[38]["email"]
    requests[2]["company"]["prefecture"] = "48"
    (tmp_path / "supporters.jsonl").write_bytes(jsonl(supporters))
    (tmp_path / "requests.jsonl").write_bytes(jsonl(requests))
    err = io.StringIO()
    with pytest.raises(CommandError, match="何も取り込みませんでした"):
        call_command(
            "import_registry",
            str(tmp_path / "supporters.jsonl"),
            str(tmp_path / "requests.jsonl"),
            stdout=io.StringIO(),
            stderr=err,
        )
    problems = err.getvalue()
    assert "line 5: category: 1 から 2 までの整数にしてください" in problems
    assert "line 10: travel: 「somewhere」は使えないコードです" in problems
    assert "line 20: surprise: 未知のキーです" in problems
    assert "line 30: experience[0].industry: 「Z」は使えないコードです" in problems
    assert "line 40: email: 39 行目と同じメールアドレスです" in problems
    # Both files are checked, and the second file's problems are reported too.
    assert "requests.jsonl: line 3: company.prefecture: 「48」は使えないコードです" in problems
    assert interchange.export_objects("supporters") == before
    assert DispatchRequest.objects.count() == 0


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"id": "Sup_1"}, "line 1: id: 半角英小文字・数字・ハイフンで 64 文字以内にしてください"),
        ({"name": ""}, "line 1: name: 必須の項目がありません"),
        ({"email": "not-an-address"}, "line 1: email: メールアドレスの形式が正しくありません"),
        ({"recommended_by": "friends"}, "line 1: recommended_by: 「friends」は使えないコードです"),
        ({"home_prefecture": "00"}, "line 1: home_prefecture: 「00」は使えないコードです"),
        (
            {"qualifications": ["wizard"]},
            "line 1: qualifications[0]: 「wizard」は使えないコードです",
        ),
        ({"training": {"dancing": "completed"}}, "line 1: training.dancing: 未知の研修です"),
        (
            {"training": {"skills-1": "done"}},
            "line 1: training.skills-1: 「done」は使えない状況です",
        ),
        ({"type": 6}, "line 1: type: 1 から 5 までの整数にしてください"),
        ({"max_engagements": 0}, "line 1: max_engagements: 1 から 10 までの整数にしてください"),
        (
            {"experience": [{"industry": "E", "role": "boss", "years": 2}]},
            "line 1: experience[0].role: 「boss」は使えないコードです",
        ),
        (
            {"conflicts": [{"note": "何か"}]},
            "line 1: conflicts[0]: industry・prefecture・company のいずれかを書いてください",
        ),
        (
            {"relationships": [{"with": "someone", "kind": "positive"}]},
            "line 1: relationships[0].with: company:<企業 ID> または req-body:<要請機関 ID> の形にしてください",
        ),
        # PostgreSQL refuses NUL in text: a problem of the line, not an error in the middle.
        ({"motto": "考え\x00方"}, "line 1: motto: 制御文字"),
    ],
)
def test_each_supporter_field_is_checked(empty_registry, change, expected):
    with pytest.raises(interchange.RegistryError) as caught:
        put("supporters", supporter_obj(**change))
    assert any(p.startswith(expected) for p in caught.value.problems), caught.value.problems


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"received": "2026-02-30"}, "line 1: received: YYYY-MM-DD 形式の日付にしてください"),
        ({"approach": "mixed"}, "line 1: approach: 「mixed」は使えないコードです"),
        ({"company": {"employees": "7"}}, "line 1: company.employees: 「7」は使えないコードです"),
        ({"company": {"name": None}}, "line 1: company.name: 必須の項目がありません"),
        (
            {"requesting_body": {"id": "x", "kind": "club", "prefecture": "13"}},
            "line 1: requesting_body.kind",
        ),
        ({"exclude": ["Bad Id"]}, "line 1: exclude[0]: 支援員 ID"),
        ({"needs": ""}, "line 1: needs: 必須の項目がありません"),
        ({"needs": "相談\x1b[31m"}, "line 1: needs: 制御文字"),
    ],
)
def test_each_request_field_is_checked(empty_registry, change, expected):
    with pytest.raises(interchange.RegistryError) as caught:
        put("requests", request_obj(**change))
    assert any(p.startswith(expected) for p in caught.value.problems), caught.value.problems


def test_a_line_that_is_not_json_is_named():
    with pytest.raises(interchange.RegistryError) as caught:
        interchange.read_rows(b'{"id": "a"}\n{oops\n', name="supporters.jsonl", kind="supporters")
    assert caught.value.problems[0].startswith("line 2: (行全体): JSON として読めません")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_csv_in_each_encoding_round_trips(empty_registry, encoding):
    supporters, requests = _registry(12, 4)
    for kind, objects in (("supporters", supporters), ("requests", requests)):
        text = interchange.to_csv(kind, objects).lstrip("\ufeff")
        data = text.encode(encoding)
        _kind, report = interchange.import_file(data, name=f"{kind}.csv")
        assert report.created == len(objects)
        assert interchange.export_objects(kind) == objects


def test_xlsx_round_trips(empty_registry):
    supporters, requests = _registry(12, 4)
    for kind, objects in (("supporters", supporters), ("requests", requests)):
        data = interchange.to_xlsx(kind, objects)
        interchange.import_file(data, name=f"{kind}.xlsx")
        assert interchange.export_objects(kind) == objects


def test_a_csv_row_with_a_problem_is_named_by_its_line(empty_registry):
    supporters, _requests = _registry(3, 0)
    supporters[1]["type"] = 9
    data = interchange.to_csv("supporters", supporters).encode("utf-8")
    with pytest.raises(interchange.RegistryError) as caught:
        interchange.import_file(data, name="supporters.csv")
    # Line 1 is the header, so the second supporter is on line 3.
    assert caught.value.problems == ["line 3: type: 1 から 5 までの整数にしてください"]
    assert not Supporter.objects.exists()


def test_an_unknown_column_is_refused():
    data = "id,name,favourite\nsup-1,名前,猫\n".encode()
    with pytest.raises(interchange.RegistryError) as caught:
        interchange.import_file(data, name="supporters.csv")
    assert caught.value.problems[0].startswith("line 1: favourite: 未知の列です")


def test_the_kind_is_told_by_the_name_or_given():
    assert interchange.kind_from_name("/x/supporters.jsonl") == "supporters"
    assert interchange.kind_from_name("requests.2026-05.csv") == "requests"
    assert interchange.kind_from_name("registry.jsonl") is None
    with pytest.raises(interchange.RegistryError, match="種類"):
        interchange.import_file(b"", name="registry.jsonl")


def test_two_supporters_may_swap_addresses_in_one_file(empty_registry):
    put(
        "supporters",
        supporter_obj(id="sup-a", email="a@example.jp"),
        supporter_obj(id="sup-b", email="b@example.jp"),
    )
    put(
        "supporters",
        supporter_obj(id="sup-a", email="b@example.jp"),
        supporter_obj(id="sup-b", email="a@example.jp"),
    )
    assert Supporter.objects.get(external_id="sup-a").email == "b@example.jp"


def test_an_address_kept_by_another_supporter_is_refused(empty_registry):
    put("supporters", supporter_obj(id="sup-a", email="a@example.jp"))
    with pytest.raises(interchange.RegistryError) as caught:
        put("supporters", supporter_obj(id="sup-b", email="A@example.jp"))
    assert caught.value.problems == [
        "line 1: email: このアドレスは支援員 sup-a がすでに使っています"
    ]


def test_a_supporter_is_linked_to_the_account_with_their_address(empty_registry):
    user = UserFactory(email="Linked@Example.jp")
    rows = put("supporters", supporter_obj(id="sup-l", email="linked@example.jp"))
    assert rows["sup-l"].user == user


@pytest.mark.parametrize(
    "line",
    [
        "[1, 2]",
        '"text"',
        '{"id": ["sup-1"], "category": {"a": 1}, "travel": ["anywhere"], "type": true}',
        '{"id": "sup-1", "qualifications": [{"a": 1}], "training": ["skills-1"]}',
        '{"id": "sup-1", "experience": "lots", "conflicts": [1], "relationships": [{"with": 5}]}',
        '{"id": "sup-1", "home_prefecture": 17, "max_engagements": 2.5, "recommended_by": {"x": 1}}',
        '{"id": "sup-1", "experience": [{"industry": "E", "role": ["lead"], "years": 1}]}',
        '{"id": "sup-1", "relationships": [{"with": "company:c", "kind": {"k": 1}}]}',
    ],
)
def test_hostile_lines_are_problems_not_crashes(empty_registry, line):
    with pytest.raises(interchange.RegistryError) as caught:
        interchange.import_file(line.encode(), name="supporters.jsonl")
    assert caught.value.problems and all(p.startswith("line 1: ") for p in caught.value.problems)
    assert not Supporter.objects.exists()


@pytest.mark.parametrize(
    "name, data",
    [
        ("supporters.jsonl", b"\xff\xfe\x00garbage"),
        ("supporters.xlsx", b"PK\x03\x04 not really a zip"),
        ("supporters.csv", b"\x00\x01\x02binary"),
        ("supporters.csv", b""),
        ("supporters.pdf", b"%PDF-1.4"),
        ("requests.jsonl", b'{"id": "r", "company": "x", "requesting_body": [1]}\n'),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(empty_registry, name, data):
    with pytest.raises(interchange.RegistryError) as caught:
        interchange.import_file(data, name=name)
    assert caught.value.problems
