"""Parsing untrusted files in a child process with a time and memory limit."""

import os
import time

import pytest
from django.core.exceptions import ValidationError

from tests.uploads import hostile
from uploads import sandbox, validation
from uploads.sandbox import LimitExceeded, run_limited
from uploads.validation import pdf as pdf_validation


def upper(data: bytes) -> bytes:
    return data.upper()


def spin(data: bytes) -> bytes:
    while True:
        pass


def hog(data: bytes) -> bytes:
    chunks = []
    while True:
        chunks.append(bytearray(64 * 1024 * 1024))


def refuse(data: bytes) -> bytes:
    raise ValidationError("壊れたファイルです", code="broken")


def test_the_childs_answer_comes_back():
    assert run_limited(upper, b"abc", seconds=5, memory_mb=64) == b"ABC"
    big = os.urandom(5 * 1024 * 1024)  # larger than a pipe's buffer
    assert run_limited(lambda d: d, big, seconds=5, memory_mb=64) == big


def test_a_validation_error_in_the_child_is_raised_here():
    with pytest.raises(ValidationError) as error:
        run_limited(refuse, b"", seconds=5, memory_mb=64)
    assert error.value.code == "broken" and error.value.messages == ["壊れたファイルです"]


def test_a_child_that_loops_is_killed_at_the_deadline():
    started = time.monotonic()
    with pytest.raises(LimitExceeded):
        run_limited(spin, b"", seconds=0.5, memory_mb=64)
    assert time.monotonic() - started < 2.0
    assert _no_children_left()


def test_a_child_that_allocates_without_end_stops_at_the_memory_limit():
    started = time.monotonic()
    with pytest.raises(LimitExceeded):
        run_limited(hog, b"", seconds=20, memory_mb=256)
    assert time.monotonic() - started < 10  # the limit, not the deadline, ended it
    assert _no_children_left()


def test_a_pdf_that_takes_too_long_is_refused_in_japanese(monkeypatch):
    monkeypatch.setattr(pdf_validation, "PDF_SECONDS", 0.3)
    monkeypatch.setattr(pdf_validation, "_clean_pdf", lambda data, extension: spin(data))
    upload = hostile.Sample("slow", "遅い.pdf", hostile.pdf_bytes, hostile.REJECTED)
    with pytest.raises(ValidationError) as error:
        validation.validate_upload(upload.upload(upload.build()))
    assert error.value.code == "pdf_too_costly"
    assert "時間かメモリーがかかりすぎる" in error.value.messages[0]


def test_a_real_pdf_is_cleaned_in_the_child():
    original = hostile.pdf_bytes(pages=3, author="Yamada")
    clean = validation.validate_upload(
        hostile.Sample("pdf", "報告.pdf", lambda: original, hostile.NEUTRALISED).upload(original)
    )
    assert b"Yamada" in original and b"Yamada" not in clean.content
    assert clean.content.startswith(b"%PDF")


def _no_children_left() -> bool:
    try:
        return os.waitpid(-1, os.WNOHANG) == (0, 0)
    except ChildProcessError:
        return True  # no children at all


def test_no_process_to_spare_refuses_the_file_not_the_request(monkeypatch):
    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(sandbox.os, "fork", no_fork)
    with pytest.raises(LimitExceeded, match="cannot fork"):
        run_limited(upper, b"abc", seconds=5, memory_mb=64)
