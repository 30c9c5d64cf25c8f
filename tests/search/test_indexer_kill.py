"""The indexer killed with SIGKILL in the middle of a batch: nothing half-written, nothing lost.

The indexer is a real `manage.py search_worker` process on its own SQLite file and index
directory (pytest's test database lives in memory, invisible to other processes). It is killed
while it holds tantivy's writer lock, i.e. after it took the batch and before it committed; a
restarted worker must then bring the index exactly in line with the database.
"""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from search.backends.embedded import EmbeddedBackend
from search.types import SearchRequest

ROOT = Path(__file__).resolve().parents[2]
# One outbox batch of 250 pages holds the index lock for over a second of Sudachi analysis
# (measured: 1 s for 210 on an idle 2-core machine), so a kill sent 0.1 s after the worker
# locks the index lands well inside the batch.
CASES, CHANGED, UNPUBLISHED = 300, 220, 30
MARK = "（改訂版）"

# The site is built, indexed, then changed without touching the index: the outbox rows are
# written directly, in the transaction of the change (service.enqueue would also schedule a
# drain, which the test settings run at once, in this process).
PREPARE = f"""
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat
from django.utils import timezone

from cases.models import CasePage
from cases.synthetic import insert_cases
from home.site_setup import setup_site
from search import service
from search.models import SearchOutbox

setup_site()
insert_cases({CASES})
service.rebuild()
live = list(
    CasePage.objects.live().filter(external_id__startswith="syn-").order_by("pk")
    .values_list("pk", flat=True)
)
changed, unpublished = live[:{CHANGED}], live[{CHANGED}:{CHANGED + UNPUBLISHED}]
with transaction.atomic():
    CasePage.objects.filter(pk__in=changed).update(
        title=Concat("title", Value("{MARK}")), last_published_at=timezone.now()
    )
    CasePage.objects.filter(pk__in=unpublished).update(live=False)
    SearchOutbox.objects.bulk_create(SearchOutbox(page_id=pk) for pk in changed + unpublished)
"""

pytestmark = pytest.mark.skipif(
    not Path("/proc/locks").exists(), reason="/proc/locks で索引の書き込みロックを確認します"
)


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory, django_db_setup, django_db_blocker):
    """The migrated test database with the demo content, as a file other processes can open.

    Copied once per session (migrating again would take most of this test's time), before any
    test transaction is open: an open one would keep the backup waiting for its lock forever.
    """
    from django.db import connection

    if connection.vendor != "sqlite":
        return None
    path = tmp_path_factory.mktemp("indexer") / "demo.sqlite3"
    with django_db_blocker.unblock(), sqlite3.connect(path) as copy:
        connection.ensure_connection()
        connection.connection.backup(copy)
    return path


@pytest.fixture
def site(tmp_path, demo_database):
    """manage.py on a database file and an index directory of their own."""
    database = tmp_path / "db.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{database}",
        "SEARCH_INDEX_DIR": str(tmp_path / "search"),
    }
    env.pop("ES_URL", None)

    def manage(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check and result.returncode:
            pytest.fail(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    if demo_database:
        shutil.copyfile(demo_database, database)
    else:
        manage("migrate", "--noinput", "-v0")
    manage("shell", "-c", PREPARE)
    return database, tmp_path / "search", env, manage


def writer_lock_holders(index_dir: Path) -> set[int]:
    """Pids holding tantivy's writer lock (an flock on .tantivy-writer.lock) on the live index."""
    inode = (index_dir / "current" / ".tantivy-writer.lock").stat().st_ino
    holders = set()
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()  # "1: FLOCK ADVISORY WRITE <pid> <maj:min:inode> 0 EOF"
        if "FLOCK" in fields:
            at = fields.index("FLOCK")
            if fields[at + 4].endswith(f":{inode}"):
                holders.add(int(fields[at + 3]))
    return holders


def live_indexed_pages(db: Path) -> int:
    """Live cases and know-how articles in the database: what the index must hold."""
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT count(*) FROM wagtailcore_page p WHERE p.live AND p.id IN ("
            " SELECT page_ptr_id FROM cases_casepage"
            " UNION SELECT page_ptr_id FROM knowhow_knowhowpage)"
        ).fetchone()[0]


def outbox_rows(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT count(*) FROM search_searchoutbox").fetchone()[0]


@pytest.mark.django_db  # creates the test database that demo_database copies
def test_indexer_killed_mid_batch_recovers_to_match_the_database(site):
    database, index_dir, env, manage = site
    before = EmbeddedBackend(index_dir).versions()
    # Built from the database before the changes (which are only in the outbox so far).
    assert len(before) == live_indexed_pages(database) + UNPUBLISHED
    assert len(before) >= CHANGED + UNPUBLISHED
    assert outbox_rows(database) == CHANGED + UNPUBLISHED

    worker = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "search_worker", "--interval", "0.2"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while worker.pid not in writer_lock_holders(index_dir):
            assert worker.poll() is None, "the worker exited before it started writing"
            assert time.monotonic() < deadline, "the worker never started writing"
            time.sleep(0.01)
        time.sleep(0.1)  # into the batch, well before its end
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.kill()
        worker.wait(timeout=10)
    assert worker.returncode == -signal.SIGKILL

    # Killed mid-batch: the index is as it was, every outbox row is still there, the lock is free.
    assert EmbeddedBackend(index_dir).versions() == before
    assert outbox_rows(database) == CHANGED + UNPUBLISHED
    assert not writer_lock_holders(index_dir)

    manage("search_worker", "--once")
    assert outbox_rows(database) == 0
    reconcile = manage("search_reconcile", check=False)
    assert reconcile.returncode == 0, reconcile.stdout + reconcile.stderr
    assert "差はありません" in reconcile.stdout

    backend = EmbeddedBackend(index_dir)
    everything = backend.search(SearchRequest(page_size=1, facets=False, highlight=False))
    assert everything.total == len(backend.versions())  # every id once: no duplicates
    assert everything.total == len(before) - UNPUBLISHED
    changed = backend.search(SearchRequest(text=MARK.strip("（）"), page_size=1, facets=False))
    assert changed.total == CHANGED
