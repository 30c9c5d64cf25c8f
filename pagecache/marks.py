"""What code deep below a view tells the page cache about the response it is building.

- dont_store(reason): "serve this answer, but do not keep it". The search service says so when
  the engine could not answer and the database fallback did (a degraded list must not outlive
  the outage).
- on_serve(function, payload): "run this each time this answer is served". The middleware keeps
  the (function, payload) pairs with the stored response and calls them after the miss that
  rendered it and on every hit (a 304 too), without knowing what they do: the search log counts
  a keyword search this way although the page comes from the cache. The function is named by
  its dotted path (the middleware sits below every app and imports none of them); the payload
  must be JSON-able (it is copied, so a later change by the view cannot reach the stored one).
  Outside the middleware (no cache, a signed-in person, a test calling the view) the function
  runs at once. A replay must be fast (it runs on every hit) and must not raise: an exception is
  logged by class and the answer is served anyway.

The middleware starts a fresh state at the start of each request and reads it at the end; a
context variable keeps requests in different threads apart.
"""

import contextvars
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

Replay = tuple[str, object]  # (dotted path of the function, its JSON-able payload)


@dataclass
class _State:
    reason: str | None = None
    replays: list[Replay] = field(default_factory=list)


_state: contextvars.ContextVar[_State | None] = contextvars.ContextVar("pagecache_marks")
_functions: dict[str, Callable[[object], None]] = {}  # dotted path → function, imported once


def dont_store(reason: str) -> None:
    state = _state.get(None)
    if state is not None:
        state.reason = reason


def on_serve(function: str, payload: object) -> None:
    """Have `function(payload)` run on every serve of this response (see the module doc)."""
    payload = json.loads(json.dumps(payload))  # JSON-able, and a copy
    state = _state.get(None)
    if state is None:
        run_replays([(function, payload)])
    else:
        state.replays.append((function, payload))


def start() -> contextvars.Token:
    return _state.set(_State())


def reason() -> str | None:
    state = _state.get(None)
    return state.reason if state is not None else None


def replays() -> list[Replay]:
    state = _state.get(None)
    return list(state.replays) if state is not None else []


def finish(token: contextvars.Token) -> None:
    _state.reset(token)


def run_replays(replays: Iterable[Replay]) -> None:
    """Call each replay; never raises (the visitor gets the page whatever a replay does)."""
    for path, payload in replays:
        try:
            function = _functions.get(path)
            if function is None:
                function = _functions[path] = import_string(path)
            function(payload)
        except Exception as exc:
            logger.warning("page cache replay %s failed (%s)", path, type(exc).__name__)
