import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def run(*lines: str) -> tuple[list[dict], Exception | None]:
    out = StringIO()
    error = None
    try:
        call_command("detect_personal_data", stdin=StringIO("\n".join(lines) + "\n"), stdout=out)
    except CommandError as exc:
        error = exc
    return [json.loads(line) for line in out.getvalue().splitlines()], error


def test_each_line_gets_its_spans_with_character_offsets():
    text = "田中社長（ＴＥＬ ０３－１２３４－５６７８）"
    rows, error = run(
        json.dumps({"text": text, "known": {"persons": ["田中 健一"]}}, ensure_ascii=False),
        json.dumps({"text": "見方を変える"}, ensure_ascii=False),
    )
    assert error is None
    assert rows == [
        {"spans": [[0, 2, "known_person"], [9, 21, "phone"]]},
        {"spans": []},
    ]
    assert text[9:21] == "０３－１２３４－５６７８"


def test_bad_lines_get_an_error_and_the_rest_still_runs():
    rows, error = run(
        "これは JSON ではない",
        json.dumps({"text": 3}),
        json.dumps({"text": "佐藤様", "known": {"person": ["佐藤"]}}),
        json.dumps({"text": "電話 03-1234-5678"}, ensure_ascii=False),
    )
    assert [r.get("error", "")[:6] for r in rows[:3]] == ["1 行目: ", "2 行目: ", "3 行目: "]
    assert "JSON" in rows[0]["error"]
    assert "person" in rows[2]["error"]
    assert rows[3] == {"spans": [[3, 15, "phone"]]}
    assert isinstance(error, CommandError) and "3 行" in str(error)


def test_blank_lines_are_skipped():
    rows, error = run("", json.dumps({"text": "特になし"}, ensure_ascii=False), "")
    assert (rows, error) == ([{"spans": []}], None)


def test_exit_status_is_non_zero_when_a_line_was_bad(capsys):
    import sys

    from django.core.management import ManagementUtility

    stdin = sys.stdin
    sys.stdin = StringIO("{oops\n")
    try:
        with pytest.raises(SystemExit) as exc:
            ManagementUtility(["manage.py", "detect_personal_data"]).execute()
    finally:
        sys.stdin = stdin
    assert exc.value.code == 1
    assert '"error"' in capsys.readouterr().out
