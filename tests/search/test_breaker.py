"""A hung search engine: each search waits at most the timeout, then none waits at all."""

import contextlib
import socket
import threading
import time

import pytest

from search import service
from search.service import CircuitBreaker
from search.types import SearchRequest, SearchUnavailable

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def failing(clock: Clock, seconds: float):
    calls = []

    def fn():
        calls.append(clock.now)
        clock.now += seconds
        raise SearchUnavailable("down")

    return fn, calls


SLOW = 0.5  # seconds a hung engine costs each caller


def test_slow_failures_open_the_breaker_for_a_while():
    clock = Clock()
    breaker = CircuitBreaker(clock)
    hang, calls = failing(clock, SLOW)
    for _ in range(CircuitBreaker.FAILURES):
        with pytest.raises(SearchUnavailable):
            breaker.call(hang)
    assert len(calls) == CircuitBreaker.FAILURES
    with pytest.raises(SearchUnavailable):
        breaker.call(hang)
    assert len(calls) == CircuitBreaker.FAILURES  # not called while open
    clock.now += CircuitBreaker.PAUSE
    assert breaker.call(lambda: "answer") == "answer"  # tried again, and it answers


def test_fast_failures_open_it_too():
    """A refused connection or a 400 version mismatch fails at once, on every call: after a few
    in a row the degraded site stops asking (it used to call the broken cluster every time)."""
    clock = Clock()
    breaker = CircuitBreaker(clock)
    refused, calls = failing(clock, 0.0)
    for _ in range(10):
        with pytest.raises(SearchUnavailable):
            breaker.call(refused)
    assert len(calls) == CircuitBreaker.FAILURES
    assert breaker.is_open


def test_after_the_pause_one_failure_reopens_and_a_success_closes():
    clock = Clock()
    breaker = CircuitBreaker(clock)
    refused, calls = failing(clock, 0.0)
    for _ in range(CircuitBreaker.FAILURES):
        with pytest.raises(SearchUnavailable):
            breaker.call(refused)
    clock.now += CircuitBreaker.PAUSE
    with pytest.raises(SearchUnavailable):
        breaker.call(refused)  # the one trial call
    assert len(calls) == CircuitBreaker.FAILURES + 1 and breaker.is_open
    clock.now += CircuitBreaker.PAUSE
    assert breaker.call(lambda: "answer") == "answer"
    for _ in range(CircuitBreaker.FAILURES - 1):  # closed again: the count starts from zero
        with pytest.raises(SearchUnavailable):
            breaker.call(refused)
    assert not breaker.is_open


@pytest.fixture
def black_hole():
    """A TCP port that accepts connections and never answers, like a hung server."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held, stop = [], threading.Event()

    def accept():
        server.settimeout(0.1)
        while not stop.is_set():
            with contextlib.suppress(OSError):  # the accept timeout: check `stop` again
                held.append(server.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def timed_get(client, url, params):
    started = time.monotonic()
    response = client.get(url, params)
    return response, time.monotonic() - started


def test_hung_elasticsearch_degrades_then_stops_being_waited_for(client, settings, black_hole):
    # Long enough that rendering the database fallback on a busy machine stays below it: "nobody
    # waits" below means "answers before the engine's timeout", not "answers in a set time".
    timeout = 2.0
    settings.SEARCH = {
        "BACKEND": "search.backends.elastic.ElasticsearchBackend",
        "OPTIONS": {"url": black_hole, "index": "banso-test", "timeout": timeout},
    }
    service.reset_backend()
    try:
        for _ in range(CircuitBreaker.FAILURES):  # one engine call per API request
            api, elapsed = timed_get(client, "/api/v1/search/", {"q": "傾聴"})
            assert api.status_code == 200 and api.json()["degraded"] and api.json()["total"] > 0
            assert timeout <= elapsed < 2 * timeout  # waited once, not retried
        # Now nobody waits: the page, the API and the suggestions answer at once.
        response, elapsed = timed_get(client, "/cases/", {"q": "傾聴"})
        assert response.context["degraded"] and elapsed < timeout
        assert "簡易検索" in response.content.decode()
        api, elapsed = timed_get(client, "/api/v1/search/", {"q": "傾聴"})
        assert api.json()["degraded"] and elapsed < timeout
        suggest, elapsed = timed_get(client, "/api/v1/suggest/", {"q": "けい"})
        assert suggest.json() == {"suggestions": []} and elapsed < timeout
        found = service.search(SearchRequest(text="傾聴"))
        assert found.degraded and found.backend == "database"
    finally:
        service.reset_backend()
