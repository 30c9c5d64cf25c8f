"""Backups that restore: the drill on the suite's own database (SQLite or PostgreSQL, whichever
the run uses), and archives that must be refused without touching anything.

The drill works outside the per-test transaction (pg_dump and pg_restore use connections of
their own): it backs up the session's demo data, wipes the deployment, restores it and checks
that every table has its rows back, every file its bytes and the search index no drift. The
restore brings the demo data back for the tests that follow; if the drill fails half-way, the
fixture rebuilds the database so that one failure does not become many.
"""

import datetime as dt
import hashlib
import io
import os
import tarfile
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from core import backup
from search import service


def table_counts() -> dict[str, int]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def file_hashes() -> dict[str, str]:
    hashes = {}
    for key, root in backup.file_roots().items():
        for path in sorted(Path(root).rglob("*")):
            if path.is_file():
                rel = f"{key}/{path.relative_to(root).as_posix()}"
                hashes[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def wipe_deployment() -> None:
    """What a new server has: an empty database, empty file folders, an empty search index."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_keys = OFF")
        for table in tables:
            cascade = " CASCADE" if connection.vendor == "postgresql" else ""
            # IF EXISTS: dropping an SQLite full-text table drops its shadow tables with it.
            cursor.execute(f"DROP TABLE IF EXISTS {quote(table)}{cascade}")
    for root in backup.file_roots().values():
        for path in sorted(Path(root).rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
    service.backend().rebuild([])


def deployment_is_empty() -> bool:
    with connection.cursor() as cursor:
        no_tables = not connection.introspection.table_names(cursor)
    return no_tables and not file_hashes()


@pytest.fixture
def live_database(django_db_setup, django_db_blocker):
    """The session's database without the per-test transaction (the demo data is committed)."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def public_file():
    """The demo has no public media; one image file stands for the case images."""
    path = Path(settings.MEDIA_ROOT) / "original_images" / "drill.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2048))
    yield path
    path.unlink(missing_ok=True)


@pytest.fixture
def key_env(monkeypatch):
    key = Fernet.generate_key().decode()
    monkeypatch.setenv("BACKUP_KEY", key)
    return key


def restore_command(archive: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("restore", str(archive), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def flip_byte_inside(archive: Path, data: bytes, target: Path) -> None:
    """A copy of `archive` with one byte changed inside a member's content."""
    raw = bytearray(archive.read_bytes())
    at = raw.find(data[:64])
    assert at > 0, "the member's bytes are stored as they are in a plain tar"
    raw[at + 10] ^= 0xFF
    target.write_bytes(bytes(raw))


def test_what_a_restore_would_overwrite_is_named(db):
    """Also the module's test that asks for the database: pytest-django creates the test
    database only for a session with such a test, and the drill below must run outside the
    per-test transaction, which the `db` fixture would open."""
    content = backup.existing_content()
    assert content[0].startswith("データベースのテーブル")
    assert any(str(settings.PRIVATE_MEDIA_ROOT) in item for item in content)


def test_restore_drill_backup_wipe_restore_gives_the_same_deployment(
    live_database, public_file, key_env, tmp_path
):
    before_counts, before_files = table_counts(), file_hashes()
    assert before_counts["engagements_attachment"] > 0 and before_counts["accounts_user"] > 0
    assert any(k.startswith("private/") for k in before_files), "visit files from the demo"
    assert any(k.startswith("media/") for k in before_files)

    out = io.StringIO()
    call_command("backup", "--dir", str(tmp_path / "enc"), stdout=out, stderr=io.StringIO())
    (encrypted,) = (tmp_path / "enc").glob("banso-backup-*.tar.enc")
    assert str(encrypted) in out.getvalue()
    plain = backup.create_backup(directory=tmp_path / "plain", fernet=None)

    # The archives that must be refused, made before the wipe.
    bad = tmp_path / "bad"
    bad.mkdir()
    private_file = next(p for p in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if p.is_file())
    flip_byte_inside(plain, private_file.read_bytes(), bad / "corrupted.tar")
    (bad / "truncated.tar").write_bytes(plain.read_bytes()[: plain.stat().st_size // 2])
    enc_bytes = encrypted.read_bytes()
    (bad / "truncated.tar.enc").write_bytes(enc_bytes[: len(enc_bytes) - 200])
    flipped = bytearray(enc_bytes)
    flipped[len(flipped) // 2] ^= 0x01
    (bad / "corrupted.tar.enc").write_bytes(bytes(flipped))

    wiped = True  # from the first dropped table on, the database needs its rows back
    try:
        wipe_deployment()
        assert deployment_is_empty()
        assert not service.backend().versions(), "the search index is empty too"

        refusals = [
            (bad / "corrupted.tar", [], "チェックサムが一致しません"),
            (bad / "truncated.tar", [], "アーカイブ"),
            (bad / "truncated.tar.enc", [], "途中で切れています"),
            (bad / "corrupted.tar.enc", [], "復号できません"),
        ]
        wrong_key = tmp_path / "wrong.key"
        wrong_key.write_text(Fernet.generate_key().decode())
        refusals.append((encrypted, ["--key-file", str(wrong_key)], "鍵が違う"))
        for archive, args, message in refusals:
            with pytest.raises(CommandError, match=message):
                restore_command(archive, *args)
            assert deployment_is_empty(), f"{archive.name} touched the deployment"
        os.environ.pop("BACKUP_KEY")
        with pytest.raises(CommandError, match="暗号化されています"):
            restore_command(encrypted)
        assert deployment_is_empty()
        os.environ["BACKUP_KEY"] = key_env

        result = restore_command(encrypted)
        wiped = False
        assert "復元しました" in result and "検索インデックスを再構築しました" in result
    finally:
        if wiped:  # leave the session's database usable for the tests that follow
            _rebuild_after_failed_drill(plain)

    assert table_counts() == before_counts
    assert file_hashes() == before_files
    drift = service.reconcile(repair=False)
    # On drift, the restore's own report and the index's size say where to look (full
    # PostgreSQL runs once lost pages here: rebuild workers read through the parent's
    # connection, see search/documents.py _start_worker).
    assert drift == {"missing": [], "stale": [], "extra": []}, (
        result,
        len(service.backend().versions()),
        {name: len(ids) for name, ids in drift.items()},
    )
    assert service.backend().versions(), "the index holds the published cases again"


def _rebuild_after_failed_drill(plain: Path) -> None:
    try:
        backup.restore_backup(archive=plain, fernet=None, force=True)
        call_command("search_rebuild", "--no-progress", stdout=io.StringIO())
    except Exception:
        with open(os.devnull, "w") as devnull:
            call_command("migrate", stdout=devnull, stderr=devnull)
            call_command("load_demo", "--accounts", stdout=devnull, stderr=devnull)


def test_restore_refuses_a_deployment_in_use_and_changes_nothing(live_database, tmp_path):
    archive = backup.create_backup(directory=tmp_path, fernet=None)
    counts, files = table_counts(), file_hashes()
    with pytest.raises(CommandError, match="復元先が空ではありません.*--force"):
        restore_command(archive)
    assert table_counts() == counts and file_hashes() == files
    assert "アーカイブは完全です" in restore_command(archive, "--check")


def test_every_member_is_listed_with_its_checksum(live_database, tmp_path):
    archive = backup.create_backup(directory=tmp_path, fernet=None)
    with tarfile.open(archive) as tar:
        names = [m.name for m in tar.getmembers()]
        manifest = __import__("json").loads(tar.extractfile("manifest.json").read())
        for name, facts in manifest["members"].items():
            data = tar.extractfile(name).read()
            assert facts == {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    assert set(names) == set(manifest["members"]) | {"manifest.json"}
    assert manifest["vendor"] == connection.vendor
    expected_files = set(file_hashes())
    assert {n for n in names if not n.startswith(("database/", "manifest"))} == expected_files
    assert not list(tmp_path.glob(".*")), "no partial file or staging folder is left behind"


def test_retention_keeps_the_newest_and_prunes_by_count_and_age(tmp_path):
    now = dt.datetime(2026, 6, 30, 3, 0, tzinfo=dt.UTC)
    names = [
        backup.archive_name(now - dt.timedelta(days=d), encrypted=d % 2 == 0) for d in range(10)
    ]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("not an archive")
    (tmp_path / ".banso-backup-20260101-000000.tar.partial").write_bytes(b"x")

    removed = backup.prune(directory=tmp_path, keep=7, now=now)
    assert sorted(p.name for p in removed) == sorted(names[7:])
    removed = backup.prune(directory=tmp_path, keep_days=3, now=now)
    assert sorted(p.name for p in removed) == sorted(names[4:7])
    remaining = sorted(p.name for p in tmp_path.iterdir())
    assert remaining == sorted(
        [*names[:4], "notes.txt", ".banso-backup-20260101-000000.tar.partial"]
    )
    # However old, the newest archive stays.
    assert backup.prune(directory=tmp_path, keep_days=1, now=now + dt.timedelta(days=400))
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("banso")] == [names[0]]


def test_a_bad_key_or_retention_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKUP_KEY", "not-a-fernet-key")
    with pytest.raises(CommandError, match="鍵の形式が正しくありません"):
        call_command("backup", "--dir", str(tmp_path))
    with pytest.raises(CommandError, match="1 以上"):
        call_command("backup", "--dir", str(tmp_path), "--keep", "0")
    assert not list(tmp_path.iterdir())
