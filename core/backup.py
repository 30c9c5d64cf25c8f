"""Backups that restore: one dated, checksummed archive of the database and the uploaded files.

An archive is a tar file holding
    database/sqlite.db or database/postgresql.dump   the database (SQLite online backup API, or
                                                      pg_dump's custom format)
    media/...                                         MEDIA_ROOT (public files: case images)
    private/...                                       PRIVATE_MEDIA_ROOT (visit reports, photos,
                                                      survey files: never served by URL)
    manifest.json                                     every other member's size and sha256
With a key, the tar is encrypted with Fernet in numbered chunks (a Fernet token must be held in
memory whole, and archives of photos are large); the last chunk is marked, so a file cut at a
chunk boundary is refused too.

Restoring extracts everything into a staging folder and checks every size and checksum there
first: a corrupted, truncated or foreign archive, or a wrong key, is refused before the database
or a file is touched. The search index is not archived: it is rebuilt from the restored database.
"""

import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
PREFIX = "banso-backup-"
# banso-backup-20260623-031500.tar or .tar.enc; only names of this shape are ever pruned.
NAME_RE = re.compile(r"^banso-backup-(\d{8}-\d{6})\.tar(\.enc)?$")
MAGIC = b"BANSO-BACKUP-FERNET-1\n"
CHUNK = 4 * 1024 * 1024
MANIFEST = "manifest.json"
# Members are only ever extracted under these folders of the staging area.
ROOTS = ("database", "media", "private")


class BackupError(Exception):
    """A refusal with a message for the operator (Japanese); nothing was changed."""


@dataclass
class Verified:
    """An archive extracted into `staging` whose every member matched the manifest."""

    staging: Path
    manifest: dict
    database_file: Path
    files: dict[str, list[str]] = field(default_factory=dict)  # "media"/"private" -> rel paths


# --- keys --------------------------------------------------------------------------------------
def load_key(*, value: str | None = None, key_file: Path | None = None) -> Fernet | None:
    """The Fernet of --key-file or of BACKUP_KEY; None means no encryption."""
    if key_file is not None:
        try:
            value = key_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise BackupError(
                _("鍵ファイル %(path)s を読めません: %(error)s") % {"path": key_file, "error": exc}
            ) from exc
    if not value:
        return None
    try:
        return Fernet(value.strip().encode())
    except ValueError as exc:
        raise BackupError(
            _(
                "バックアップの鍵の形式が正しくありません（Fernet の鍵: URL-safe base64 の 32 バイト）。"
            )
        ) from exc


# --- encryption in chunks ----------------------------------------------------------------------
class _EncryptingWriter(io.RawIOBase):
    """A write-only file that encrypts CHUNK-sized pieces as numbered Fernet tokens."""

    def __init__(self, raw, fernet: Fernet):
        self.raw, self.fernet, self.buffer, self.index = raw, fernet, bytearray(), 0
        raw.write(MAGIC)

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.buffer += data
        while len(self.buffer) > CHUNK:
            self._emit(bytes(self.buffer[:CHUNK]), last=False)
            del self.buffer[:CHUNK]
        return len(data)

    def _emit(self, data: bytes, *, last: bool) -> None:
        # The index and the last-flag are inside the token: chunks cannot be reordered or dropped.
        token = self.fernet.encrypt(struct.pack(">Q?", self.index, last) + data)
        self.raw.write(struct.pack(">I", len(token)) + token)
        self.index += 1

    def finish(self) -> None:
        self._emit(bytes(self.buffer), last=True)
        self.buffer.clear()


def _decrypt_to(source, target, fernet: Fernet) -> None:
    """Decrypt the chunks after MAGIC into `target`; refuse a gap, a wrong key or a cut."""
    expected = 0
    while True:
        header = source.read(4)
        if len(header) < 4:
            raise BackupError(_("暗号化されたアーカイブが途中で切れています。"))
        (length,) = struct.unpack(">I", header)
        token = source.read(length)
        if len(token) < length:
            raise BackupError(_("暗号化されたアーカイブが途中で切れています。"))
        try:
            plain = fernet.decrypt(token)
        except InvalidToken as exc:
            raise BackupError(
                _("アーカイブを復号できません。鍵が違うか、アーカイブが壊れています。")
            ) from exc
        index, last = struct.unpack(">Q?", plain[:9])
        if index != expected:
            raise BackupError(_("暗号化されたアーカイブの順序が壊れています。"))
        target.write(plain[9:])
        expected += 1
        if last:
            if source.read(1):
                raise BackupError(_("アーカイブの末尾に余分なデータがあります。"))
            return


# --- database dumps ----------------------------------------------------------------------------
def _pg_program(name: str) -> str:
    """pg_dump/pg_restore from PATH, else from the newest /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if candidates:
        return str(candidates[-1])
    raise BackupError(
        _(
            "%(name)s が見つかりません。PostgreSQL のクライアント（postgresql-client）を入れてください。"
        )
        % {"name": name}
    )


def _pg_args_env(alias: str) -> tuple[list[str], dict[str, str]]:
    s = connections[alias].settings_dict
    args = ["--dbname", s["NAME"]]
    if s.get("HOST"):
        args += ["--host", str(s["HOST"])]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", str(s["USER"])]
    env = {**os.environ}
    # The password goes through the environment, never the command line (visible in ps).
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    if s.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = str(s["OPTIONS"]["sslmode"])
    return args, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(
            _("%(what)s に失敗しました: %(error)s")
            % {"what": what, "error": result.stderr.strip()[-2000:]}
        )


def _dump_database(alias: str, folder: Path) -> Path:
    connection = connections[alias]
    if connection.vendor == "sqlite":
        target = folder / "sqlite.db"
        connection.ensure_connection()
        # The online backup API copies a consistent snapshot while the site keeps writing.
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return target
    if connection.vendor == "postgresql":
        target = folder / "postgresql.dump"
        args, env = _pg_args_env(alias)
        _run(
            [_pg_program("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), *args],
            env,
            "pg_dump",
        )
        return target
    raise BackupError(
        _("データベース %(vendor)s のバックアップには対応していません。")
        % {"vendor": connection.vendor}
    )


def _check_dump(vendor: str, dump: Path) -> None:
    """A second look beyond the checksum: the dump must be readable by its own tools."""
    if vendor == "sqlite":
        try:
            with sqlite3.connect(f"file:{dump}?mode=ro", uri=True) as db:
                (result,) = db.execute("PRAGMA integrity_check").fetchone()
        except sqlite3.DatabaseError as exc:
            raise BackupError(
                _("データベースのダンプを読めません: %(error)s") % {"error": exc}
            ) from exc
        if result != "ok":
            raise BackupError(
                _("データベースのダンプが壊れています: %(error)s") % {"error": result}
            )
    else:
        _run(
            [_pg_program("pg_restore"), "--list", str(dump)], dict(os.environ), "pg_restore --list"
        )


def database_tables(alias: str = "default") -> list[str]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def _drop_tables(alias: str) -> None:
    connection = connections[alias]
    tables = database_tables(alias)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in tables:
                cursor.execute(f"DROP TABLE IF EXISTS {quote(table)}")  # noqa: S608
            cursor.execute("PRAGMA foreign_keys = ON")
        else:
            for table in tables:
                cursor.execute(f"DROP TABLE IF EXISTS {quote(table)} CASCADE")  # noqa: S608


def _restore_database(alias: str, vendor: str, dump: Path) -> None:
    connection = connections[alias]
    if vendor == "sqlite":
        connection.ensure_connection()
        # The backup API replaces the whole database in one step (pages, schema and all).
        source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        args, env = _pg_args_env(alias)
        # One transaction: a failing restore leaves the database as it was.
        _run(
            [
                _pg_program("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                *args,
                str(dump),
            ],
            env,
            "pg_restore",
        )
    connection.close()  # a fresh connection sees the restored schema, nothing cached
    ContentType.objects.clear_cache()


# --- files -------------------------------------------------------------------------------------
def file_roots() -> dict[str, Path]:
    return {"media": Path(settings.MEDIA_ROOT), "private": Path(settings.PRIVATE_MEDIA_ROOT)}


def _files_under(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path


class _HashingReader:
    def __init__(self, raw):
        self.raw, self.sha = raw, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.sha.update(data)
        return data


# --- backup ------------------------------------------------------------------------------------
def archive_name(now: dt.datetime, *, encrypted: bool) -> str:
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M%S")
    return f"{PREFIX}{stamp}.tar" + (".enc" if encrypted else "")


def create_backup(
    *,
    directory: Path,
    fernet: Fernet | None,
    alias: str = "default",
    now: dt.datetime | None = None,
) -> Path:
    """Write one archive into `directory` atomically (a .partial file renamed when complete)."""
    directory.mkdir(parents=True, exist_ok=True)
    now = now or timezone.now()
    final = directory / archive_name(now, encrypted=fernet is not None)
    if final.exists():
        raise BackupError(_("%(path)s はすでにあります。") % {"path": final})
    connection = connections[alias]
    members: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(dir=directory, prefix=".staging-") as tmp:
        dump = _dump_database(alias, Path(tmp))
        partial = directory / f".{final.name}.partial"
        try:
            with open(partial, "wb") as raw:
                writer = _EncryptingWriter(raw, fernet) if fernet else None
                with tarfile.open(fileobj=writer or raw, mode="w|" if writer else "w") as tar:

                    def add(path: Path, name: str) -> None:
                        info = tar.gettarinfo(str(path), arcname=name)
                        info.uid = info.gid = 0
                        info.uname = info.gname = ""
                        with open(path, "rb") as fh:
                            reader = _HashingReader(fh)
                            tar.addfile(info, reader)
                        members[name] = {"size": info.size, "sha256": reader.sha.hexdigest()}

                    add(dump, f"database/{dump.name}")
                    for key, root in file_roots().items():
                        for path in _files_under(root):
                            add(path, f"{key}/{path.relative_to(root).as_posix()}")
                    manifest = json.dumps(
                        {
                            "format": FORMAT,
                            "created_at": now.isoformat(),
                            "vendor": connection.vendor,
                            "members": members,
                        },
                        ensure_ascii=False,
                        indent=1,
                    ).encode()
                    info = tarfile.TarInfo(MANIFEST)
                    info.size, info.mtime = len(manifest), int(now.timestamp())
                    tar.addfile(info, io.BytesIO(manifest))
                if writer:
                    writer.finish()
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, final)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return final


def prune(
    *,
    directory: Path,
    keep: int | None = None,
    keep_days: int | None = None,
    now: dt.datetime | None = None,
) -> list[Path]:
    """Delete archives beyond the newest `keep` and older than `keep_days`; the newest stays."""
    now = now or timezone.now()
    archives = []
    for path in directory.iterdir():
        match = NAME_RE.match(path.name)
        if match and path.is_file():
            taken = dt.datetime.strptime(match.group(1), "%Y%m%d-%H%M%S")
            archives.append((timezone.make_aware(taken), path))
    archives.sort(reverse=True)
    doomed = []
    for position, (taken, path) in enumerate(archives):
        if position == 0:
            continue  # never delete the newest archive, whatever the rules say
        too_many = keep is not None and position >= keep
        too_old = keep_days is not None and now - taken > dt.timedelta(days=keep_days)
        if too_many or too_old:
            doomed.append(path)
    for path in doomed:
        path.unlink()
    return doomed


# --- restore -----------------------------------------------------------------------------------
def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(_("アーカイブに不正なパスがあります: %(name)s") % {"name": name})
    if name != MANIFEST and (path.parts[0] not in ROOTS or len(path.parts) < 2):
        raise BackupError(_("アーカイブに想定外のファイルがあります: %(name)s") % {"name": name})
    return path


def verify_archive(*, archive: Path, fernet: Fernet | None, staging: Path) -> Verified:
    """Extract into `staging` and check every member against the manifest; touch nothing else."""
    if not archive.is_file():
        raise BackupError(_("アーカイブ %(path)s が見つかりません。") % {"path": archive})
    with open(archive, "rb") as source:
        encrypted = source.read(len(MAGIC)) == MAGIC
        if encrypted:
            if fernet is None:
                raise BackupError(
                    _(
                        "このアーカイブは暗号化されています。BACKUP_KEY か --key-file で鍵を指定してください。"
                    )
                )
            plain = staging / "archive.tar"
            with open(plain, "wb") as target:
                _decrypt_to(source, target, fernet)
            tar_path = plain
        else:
            tar_path = archive
    seen: dict[str, dict] = {}
    manifest_bytes = None
    try:
        with tarfile.open(tar_path, mode="r:") as tar:
            for member in tar:
                _safe_name(member.name)
                if not member.isfile():
                    raise BackupError(
                        _("アーカイブに通常のファイル以外のものがあります: %(name)s")
                        % {"name": member.name}
                    )
                source = tar.extractfile(member)
                if member.name == MANIFEST:
                    manifest_bytes = source.read()
                    continue
                target = staging / "files" / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                sha = hashlib.sha256()
                size = 0
                with open(target, "wb") as out:
                    while data := source.read(1024 * 1024):
                        sha.update(data)
                        size += len(data)
                        out.write(data)
                if size != member.size:
                    raise BackupError(_("アーカイブが途中で切れています。"))
                seen[member.name] = {"size": size, "sha256": sha.hexdigest()}
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(
            _("アーカイブを読めません（壊れているか、途中で切れています）: %(error)s")
            % {"error": exc}
        ) from exc
    finally:
        if encrypted:
            (staging / "archive.tar").unlink(missing_ok=True)
    if manifest_bytes is None:
        raise BackupError(
            _("アーカイブに manifest.json がありません（途中で切れている可能性があります）。")
        )
    try:
        manifest = json.loads(manifest_bytes)
        expected = manifest["members"]
        vendor = manifest["vendor"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(_("manifest.json が壊れています。")) from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _("このアーカイブの形式（%(format)s）には対応していません。")
            % {"format": manifest.get("format")}
        )
    missing = sorted(set(expected) - set(seen))
    extra = sorted(set(seen) - set(expected))
    if missing or extra:
        raise BackupError(
            _(
                "アーカイブの中身が manifest.json と一致しません（欠落 %(missing)s、余分 %(extra)s）。"
            )
            % {"missing": missing[:5], "extra": extra[:5]}
        )
    bad = sorted(name for name, facts in expected.items() if seen[name] != facts)
    if bad:
        raise BackupError(
            _("チェックサムが一致しません（アーカイブが壊れています）: %(names)s")
            % {"names": bad[:5]}
        )
    databases = [name for name in expected if name.startswith("database/")]
    wanted = {"sqlite": "database/sqlite.db", "postgresql": "database/postgresql.dump"}.get(vendor)
    if databases != [wanted]:
        raise BackupError(_("アーカイブにデータベースのダンプがありません。"))
    database_file = staging / "files" / wanted
    _check_dump(vendor, database_file)
    files: dict[str, list[str]] = {"media": [], "private": []}
    for name in expected:
        head, _sep, rest = name.partition("/")
        if head in files:
            files[head].append(rest)
    return Verified(staging=staging, manifest=manifest, database_file=database_file, files=files)


@contextmanager
def staging_area() -> Iterator[Path]:
    """A private temporary folder for the extracted archive, removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix="banso-restore-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def existing_content(*, alias: str = "default") -> list[str]:
    """What a restore would overwrite: the database's tables and the files in the roots."""
    found = []
    tables = database_tables(alias)
    if tables:
        found.append(_("データベースのテーブル %(count)d 個") % {"count": len(tables)})
    for root in file_roots().values():
        count = sum(1 for _path in _files_under(root))
        if count:
            found.append(_("%(root)s のファイル %(count)d 個") % {"root": root, "count": count})
    return found


def restore_backup(
    *,
    archive: Path,
    fernet: Fernet | None,
    force: bool = False,
    alias: str = "default",
    rebuild_index: Callable[[], None] | None = None,
) -> Verified:
    """Verify, then replace the database and the files with the archive's, then rebuild search."""
    with staging_area() as staging_parent:
        verified = verify_archive(archive=archive, fernet=fernet, staging=staging_parent)
        connection = connections[alias]
        if verified.manifest["vendor"] != connection.vendor:
            raise BackupError(
                _("このアーカイブは %(archive)s のものです。復元先は %(target)s です。")
                % {"archive": verified.manifest["vendor"], "target": connection.vendor}
            )
        content = existing_content(alias=alias)
        if content and not force:
            raise BackupError(
                _(
                    "復元先が空ではありません（%(content)s）。復元は新しい空の環境に対して行います。"
                    "上書きしてよいことを確かめた場合だけ --force を付けてください"
                    "（既存のテーブルとファイルはすべて消えます）。"
                )
                % {"content": "、".join(content)}
            )
        if content:
            _drop_tables(alias)
        _restore_database(alias, verified.manifest["vendor"], verified.database_file)
        for key, root in file_roots().items():
            if force and root.is_dir():
                for child in root.iterdir():
                    if child.is_dir() and not child.is_symlink():
                        shutil.rmtree(child)
                    else:
                        child.unlink()
            root.mkdir(parents=True, exist_ok=True)
            for rel in verified.files[key]:
                target = root / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(staging_parent / "files" / key / rel, target)
        if rebuild_index is not None:
            rebuild_index()
        return verified
