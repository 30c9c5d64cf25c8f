"""A way for code deep below a view to say "serve this answer, but do not keep it".

The search service says so when the engine could not answer and the database fallback did (a
degraded list must not outlive the outage). The middleware clears the mark at the start of each
request and reads it at the end; a context variable keeps requests in different threads apart.
"""

import contextvars

_reason: contextvars.ContextVar[str | None] = contextvars.ContextVar("pagecache_dont_store")


def dont_store(reason: str) -> None:
    _reason.set(reason)


def start() -> contextvars.Token:
    return _reason.set(None)


def reason() -> str | None:
    return _reason.get(None)


def finish(token: contextvars.Token) -> None:
    _reason.reset(token)
