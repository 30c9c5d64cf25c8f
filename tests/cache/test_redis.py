"""The page cache on Redis, production's shared cache: two processes' worth of clients."""

import shutil
import socket
import subprocess
import tempfile
import time

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from pagecache import generation
from tests.conftest import require_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_url():
    server = shutil.which("redis-server")
    if server is None:
        require_program("redis-server", "REQUIRE_REDIS", "Redis のテストを省略します")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    work = tempfile.mkdtemp(prefix="redis-test-")
    process = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            work,
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


def test_pages_are_shared_and_invalidated_through_redis(client, settings, redis_url):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url},
    }
    settings.PAGE_CACHE_ALIAS = "pages"
    assert client.get("/cases/")["X-Cache"] == "miss"
    assert client.get("/cases/")["X-Cache"] == "hit"
    # Another web process: its own connection to the same Redis sees the stored page.
    other = RedisCache(redis_url, {})
    assert other.get(generation.KEY) == generation.current()
    # A publish in that other process (a bump written through its connection) reaches this one.
    other.set(generation.KEY, "written-by-another-process", None)
    assert client.get("/cases/")["X-Cache"] == "miss"
    assert client.get("/cases/")["X-Cache"] == "hit"
    caches["pages"].clear()
