import json
from io import StringIO

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


def test_exit_status_is_non_zero_when_a_line_was_bad():
    """As a batch job sees it: a separate process, JSON Lines in, exit status out."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, str(root / "manage.py"), "detect_personal_data"],
        input='{oops\n{"text": "03-1234-5678"}\n',
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        timeout=120,
    )
    assert result.returncode == 1
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert "error" in first
    assert second == {"spans": [[0, 12, "phone"]]}
