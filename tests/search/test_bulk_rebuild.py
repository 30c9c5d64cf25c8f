"""The rebuild in worker processes: the same index as in one process, and its report.

The documents are read and analysed in forked workers (search.documents.prepared_documents):
in the test database (in memory, inside the test's transaction) the workers only analyse; on a
database file other processes can read, they also read the pages (tested through manage.py on a
file of its own, as in test_indexer_kill.py).
"""

import os
import shutil
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
import tantivy
from django.core.management import call_command

from search import analysis, documents, service
from search.backends import embedded
from search.types import SearchRequest

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
QUERIES = ["傾聴", "経営デザインシート", "後継者が理念を言語化", "原価計算 見直し", "ロカベン"]


@pytest.fixture
def index_root(tmp_path, settings):
    def use(name: str):
        settings.SEARCH = {
            "BACKEND": "search.backends.embedded.EmbeddedBackend",
            "OPTIONS": {"root": str(tmp_path / name)},
        }
        service.reset_backend()
        return service.backend()

    yield use
    service.reset_backend()


def stored(backend) -> dict[int, dict]:
    searcher = backend._searcher()
    hits = searcher.search(tantivy.Query.all_query(), limit=max(searcher.num_docs, 1)).hits
    return {searcher.doc(a).get_first("id"): searcher.doc(a).to_dict() for _, a in hits}


def answers(backend) -> list:
    out = []
    for text in QUERIES:
        response = backend.search(SearchRequest(text=text, page_size=50, highlight=True))
        out.append(
            (response.total, [(h.id, round(h.score, 4), h.highlights) for h in response.hits])
        )
    return out


def test_index_tokens_are_the_analysers_tokens():
    """The writer's lean tokenizer (line by line, no Token objects) finds exactly what
    analysis.tokenize finds, so what is indexed and what a query looks for stay the same."""
    texts = [
        "後継者が理念を言語化できていない。\n\n社長は「ロカベン」を使い、ＩＴ導入を決めた。",
        "１行目\n  ２行目：シュミレーション\n" + "原価計算で採算を見直した。" * 1500,
    ]
    texts += [t for d in documents.documents() for t in (d.title, d.summary, d.body)]
    assert len(texts) > 50
    for text in texts:
        normal = analysis.normalise(text)
        expected = [
            (t.text, t.start, t.end, t.pos[0] not in analysis.BREAK_POS)
            for t in analysis.tokenize(normal)
        ]
        assert embedded._index_tokens(normal) == expected


def test_two_workers_build_the_same_index_as_one(index_root):
    one = index_root("one")
    assert service.rebuild(workers=1) == documents.count()
    single = (stored(one), answers(one))
    two = index_root("two")
    assert service.rebuild(workers=2) == documents.count()
    assert (stored(two), answers(two)) == single
    assert len(single[0]) == documents.count() > 0


def test_the_command_reports_time_and_peak_memory(index_root):
    backend = index_root("cmd")
    out = StringIO()
    call_command("search_rebuild", "--no-progress", "--workers", "2", stdout=out)
    text = out.getvalue()
    assert f"再構築しました: {documents.count()} 件" in text
    assert "最大メモリ使用量（RSS）: 本体" in text and "ワーカー" in text
    assert len(stored(backend)) == documents.count()


def test_the_command_refuses_zero_workers(index_root):
    index_root("zero")
    with pytest.raises(Exception, match="1 以上"):
        call_command("search_rebuild", "--no-progress", "--workers", "0")


# --- workers that read the database themselves ---------------------------------------------
COMPARE = """
import tantivy
from django.conf import settings
from cases.synthetic import insert_cases
from search import documents, service

insert_cases(620)  # three tasks of documents.CHUNK pages and a short one

def build(name, workers):
    settings.SEARCH = {
        "BACKEND": "search.backends.embedded.EmbeddedBackend",
        "OPTIONS": {"root": settings.SEARCH["OPTIONS"]["root"] + "-" + name},
    }
    service.reset_backend()
    assert documents.database_shared() or workers == 1
    count = service.rebuild(workers=workers)
    searcher = service.backend()._searcher()
    hits = searcher.search(tantivy.Query.all_query(), limit=searcher.num_docs).hits
    order = [searcher.doc(a).get_first("id") for _, a in hits]
    docs = {searcher.doc(a).get_first("id"): searcher.doc(a).to_dict() for _, a in hits}
    found = [
        [h.id for h in service.backend().search(
            __import__("search.types").types.SearchRequest(text=q, page_size=50)).hits]
        for q in ("傾聴", "原価計算 見直し", "ホワイトボード")
    ]
    return count, docs, found

one, two = build("one", 1), build("two", 2)
assert one[0] == two[0] == documents.count() > 600, (one[0], two[0])
assert one[1] == two[1], "stored documents differ"
assert one[2] == two[2], "search results differ"
print("SAME", one[0])
"""


@pytest.fixture(scope="module")
def database_file(tmp_path_factory, django_db_setup, django_db_blocker):
    """The migrated test database with the demo content, copied to a file (see the module)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite のテストデータベースを複製して使います")
    path = tmp_path_factory.mktemp("rebuild") / "demo.sqlite3"
    with django_db_blocker.unblock(), sqlite3.connect(path) as copy:
        connection.ensure_connection()
        connection.connection.backup(copy)
    return path


@pytest.mark.django_db(transaction=False)
def test_workers_reading_the_database_build_the_same_index_as_one(tmp_path, database_file):
    database = tmp_path / "db.sqlite3"
    shutil.copyfile(database_file, database)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{database}",
        "SEARCH_INDEX_DIR": str(tmp_path / "search"),
    }
    env.pop("ES_URL", None)
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", COMPARE],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SAME" in result.stdout


def test_elasticsearch_gets_the_same_documents_from_workers():
    """service.rebuild hands Elasticsearch what ElasticsearchBackend.prepare made in the
    workers; the bulk requests carry exactly the documents of a rebuild in one process."""
    from search.backends.elastic import ElasticsearchBackend
    from tests.search.fake_elasticsearch import FakeElasticsearch

    def sent(es) -> list:
        lines = [line for r in es.calls("PUT", "_bulk") for line in r["body"]]
        for line in lines:
            line.get("index", {}).pop("_index", None)  # each build has its own index name
        return lines

    with FakeElasticsearch() as es:
        backend = ElasticsearchBackend(url=es.url, index="banso-test")
        count = backend.rebuild(documents.documents())
        single = sent(es)
    with FakeElasticsearch() as es:
        backend = ElasticsearchBackend(url=es.url, index="banso-test")
        prepared = documents.prepared_documents(backend.prepare, workers=2)
        assert backend.rebuild(prepared, prepared=True) == count == documents.count()
        assert sent(es) == single and len(single) == 2 * count
