"""Run a parser of untrusted files in a forked child with a time and memory limit.

pypdf has had inputs that loop or allocate without end. In a child, such a file costs at most
`seconds` of wall-clock time and `memory_mb` of extra address space, and the web process that
received the upload stays as it was: the child is killed, the upload refused.
"""

import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable

from django.core.exceptions import ValidationError


class LimitExceeded(Exception):
    """The child ran out of time or memory, or died."""


def run_limited(fn: Callable[[bytes], bytes], data: bytes, *, seconds: float, memory_mb: int):
    """fn(data) computed in a child process; its ValidationError is raised here as it was.

    Raises LimitExceeded if the child takes longer than `seconds`, needs more than `memory_mb`
    beyond what the parent had mapped, or dies.
    """
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError as exc:  # out of processes or memory: refuse the file, not the request
        os.close(read_end)
        os.close(write_end)
        raise LimitExceeded(f"cannot fork: {exc}") from exc
    if pid == 0:  # the child: never returns
        os.close(read_end)
        status = 1
        try:
            _limit(seconds, memory_mb)
            try:
                outcome = ("ok", fn(data))
            except ValidationError as exc:
                # Lazy translations and params do not pickle reliably: send the final text.
                outcome = ("invalid", (exc.messages[0], exc.code))
            payload = pickle.dumps(outcome)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
            status = 0
        finally:
            os._exit(status)  # no atexit handlers, no Django teardown in the child
    os.close(write_end)
    try:
        payload = _read_until(read_end, time.monotonic() + seconds)
    finally:
        os.close(read_end)
        _reap(pid)
    if payload is None:
        raise LimitExceeded(f"no answer within {seconds} s")
    try:
        kind, value = pickle.loads(payload)  # noqa: S301 - our own child wrote it
    except Exception as exc:  # the child died mid-write (memory limit) or wrote nothing
        raise LimitExceeded("the child died") from exc
    if kind == "invalid":
        message, code = value
        raise ValidationError(message, code=code)
    return value


def _limit(seconds: float, memory_mb: int) -> None:
    cpu = max(1, int(seconds) + 1)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    with open("/proc/self/statm") as statm:  # current address space, in pages
        mapped = int(statm.read().split()[0]) * resource.getpagesize()
    limit = mapped + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _read_until(fd: int, deadline: float) -> bytes | None:
    """Everything the child writes until it closes the pipe, or None past the deadline."""
    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            return None
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _reap(pid: int) -> None:
    """Kill the child if it still runs, and collect it so it leaves no zombie."""
    done, _ = os.waitpid(pid, os.WNOHANG)
    if done == 0:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
