"""The import's checks in worker processes decide as the import in one process does.

The workers read the database themselves, so this runs manage.py on a database file of its
own (pytest's test database lives in memory), twice: with 2 workers and with 1.
"""

import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cases.synthetic import synthetic_case

ROOT = Path(__file__).resolve().parents[2]
REPORT = """
import json
from cases.interchange import import_cases
from cases.models import CasePage
from pathlib import Path
report = import_cases(Path({path!r}).read_text().splitlines(), workers={workers})
live = sorted(CasePage.objects.filter(live=True, external_id__startswith="par-")
              .values_list("external_id", flat=True))
print("REPORT", json.dumps([report.created, report.published, report.drafts,
                            report.held_back, live], ensure_ascii=False))
"""


@pytest.fixture(scope="module")
def database_file(tmp_path_factory, django_db_setup, django_db_blocker):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite のテストデータベースを複製して使います")
    path = tmp_path_factory.mktemp("import") / "demo.sqlite3"
    with django_db_blocker.unblock(), sqlite3.connect(path) as copy:
        connection.ensure_connection()
        connection.connection.backup(copy)
    return path


def run_import(tmp_path: Path, database_file: Path, source: Path, workers: int) -> list:
    database = tmp_path / f"db-{workers}.sqlite3"
    shutil.copyfile(database_file, database)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{database}",
        "SEARCH_INDEX_DIR": str(tmp_path / f"search-{workers}"),
    }
    env.pop("ES_URL", None)
    code = REPORT.format(path=str(source), workers=workers)
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("REPORT "))
    return json.loads(line.removeprefix("REPORT "))


@pytest.mark.django_db
def test_two_workers_hold_back_and_publish_the_same_cases_as_one(tmp_path, database_file):
    records = []
    for n in range(1, 421):  # enough for the workers (2 chunks of 200 and more)
        record = synthetic_case(n, random.Random(n)) | {"id": f"par-{n:04d}"}
        if n % 97 == 0:
            record["published_at"] = "2024-03-01"
            record["lead"] += "連絡先は 03-1234-5678 です。"  # the screening holds it back
        if n % 101 == 0:
            record["published_at"] = "2024-03-01"
            record["id"] = f"tel-0767-52-{n:04d}"  # only the gate (the slug) refuses it
        records.append(record)
    source = tmp_path / "cases.jsonl"
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records))
    one = run_import(tmp_path, database_file, source, workers=1)
    two = run_import(tmp_path, database_file, source, workers=2)
    assert two == one
    created, published, drafts, held_back, live = one
    assert created == 420 and published + drafts == 420 and len(live) == published
    assert sum("個人情報の可能性" in x for x in held_back) == 4
    assert sum("公開ゲート" in x for x in held_back) == 4
