"""file_response headers and the private storage."""

import io
import re
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.http import FileResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.test import RequestFactory, override_settings

from uploads.serving import DEFAULT_CSP, INLINE_PDF_CSP, file_response
from uploads.storage import PrivateStorage, generated_path, private_storage

PDF = "application/pdf"


def disposition(response) -> tuple[str, dict[str, str]]:
    """Parse Content-Disposition the way a mail/HTTP client does (RFC 2231/5987 aware)."""
    message = EmailMessage()
    message["Content-Disposition"] = response["Content-Disposition"]
    header = message["Content-Disposition"]
    assert not header.defects
    return header.content_disposition, dict(header.params)


@pytest.mark.parametrize("inline", [False, True])
@pytest.mark.parametrize("content_type", [PDF, "image/jpeg", "application/vnd.ms-excel"])
def test_every_response_has_the_four_headers(inline, content_type):
    response = file_response(content=b"x", name="a.pdf", content_type=content_type, inline=inline)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"].startswith("default-src 'none'; sandbox")
    assert response["Content-Disposition"].startswith("inline" if inline else "attachment")
    assert response["Content-Type"] == content_type
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


def test_japanese_name_uses_rfc5987():
    response = file_response(content=b"%PDF-", name="訪問報告書.pdf", content_type=PDF)
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E8%A8%AA%E5%95%8F%E5%A0%B1%E5%91%8A%E6%9B%B8.pdf"
    )
    assert disposition(response) == ("attachment", {"filename": "訪問報告書.pdf"})


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ('報告書"; x.pdf', "報告書_; x.pdf"),
        ('report"; filename="evil.exe', "report_; filename=_evil.exe"),
        ("a\r\nSet-Cookie: x=1.pdf", "a Set-Cookie_ x=1.pdf"),
    ],
)
def test_hostile_names_make_one_well_formed_header(name, expected):
    response = file_response(content=b"%PDF-", name=name, content_type=PDF)
    raw = response.serialize_headers().decode("latin-1")
    assert len(re.findall(r"(?im)^content-disposition:", raw)) == 1
    assert "Set-Cookie" not in raw.replace(response["Content-Disposition"], "")
    assert disposition(response) == ("attachment", {"filename": expected})


def test_inline_pdf_may_be_framed_by_this_site_only():
    response = file_response(content=b"%PDF-", name="報告書.pdf", content_type=PDF, inline=True)
    assert response["Content-Security-Policy"] == INLINE_PDF_CSP
    assert "frame-ancestors 'self'" in INLINE_PDF_CSP and "sandbox" in INLINE_PDF_CSP
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert disposition(response)[0] == "inline"


@pytest.mark.parametrize(("content_type", "inline"), [("image/png", True), (PDF, False)])
def test_everything_else_may_not_be_framed(content_type, inline):
    response = file_response(content=b"x", name="a.png", content_type=content_type, inline=inline)
    assert response["Content-Security-Policy"] == DEFAULT_CSP
    assert response["X-Frame-Options"] == "DENY"


def test_clickjacking_middleware_keeps_sameorigin_for_inline_pdf():
    response = file_response(content=b"%PDF-", name="a.pdf", content_type=PDF, inline=True)
    middleware = XFrameOptionsMiddleware(lambda request: response)
    assert middleware(RequestFactory().get("/"))["X-Frame-Options"] == "SAMEORIGIN"


def test_file_like_content_streams_with_our_headers():
    response = file_response(
        content=io.BytesIO(b"%PDF-1.7 body"), name="議事録.pdf", content_type=PDF, inline=True
    )
    assert isinstance(response, FileResponse)
    assert b"".join(response.streaming_content) == b"%PDF-1.7 body"
    assert response["Content-Length"] == "13"
    assert disposition(response) == ("inline", {"filename": "議事録.pdf"})
    assert response["Content-Security-Policy"] == INLINE_PDF_CSP


def test_bytes_content_has_a_length():
    assert file_response(content=b"12345", name="a.pdf", content_type=PDF)["Content-Length"] == "5"


# --- storage ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "suffix"),
    [
        ("../../etc/passwd.pdf", ".pdf"),
        ("写真.JPEG", ".jpg"),
        ("図.png", ".png"),
        ("表.xlsx", ".xlsx"),
        ("evil.exe", ""),
        ("", ""),
    ],
)
def test_generated_path_has_no_user_controlled_part(filename, suffix):
    path = generated_path(None, filename)
    assert re.fullmatch(r"uploads/\d{4}/\d{2}/[0-9a-f]{32}" + re.escape(suffix), path)


def test_generated_paths_are_unique():
    assert len({generated_path(None, "a.pdf") for _ in range(100)}) == 100


def test_private_storage_defaults_outside_media_root():
    assert Path(settings.PRIVATE_MEDIA_ROOT).is_absolute()
    assert Path(private_storage.location) == Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    assert not Path(private_storage.location).is_relative_to(Path(settings.MEDIA_ROOT).resolve())


def test_private_storage_has_no_url():
    assert private_storage.base_url is None
    with pytest.raises(ValueError):
        private_storage.url("uploads/2025/01/x.pdf")


def test_private_storage_follows_the_setting_and_stays_inside_it(tmp_path):
    storage = PrivateStorage()
    with override_settings(PRIVATE_MEDIA_ROOT=tmp_path / "private"):
        name = storage.save(generated_path(None, "../../../etc/passwd.pdf"), ContentFile(b"x"))
        stored = Path(storage.path(name))
        assert stored.is_relative_to(tmp_path / "private")
        assert stored.read_bytes() == b"x"
    assert Path(storage.location) == Path(settings.PRIVATE_MEDIA_ROOT).resolve()
