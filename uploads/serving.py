"""Responses for user files: download or same-site preview, with headers that stop them doing harm."""

from typing import IO

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header

from uploads.validation import safe_name

# Nothing in a user file may load, run or navigate; sandbox also gives an HTML file that slipped
# through a unique origin, so it cannot read the site's cookies or pages.
DEFAULT_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"
# Measured with Chromium 156 (tests/uploads/test_serving_browser.py): CSP `sandbox` on the PDF
# response does NOT stop the built-in PDF viewer, in an <iframe>, <object> or <embed> or at the
# top level, so inline PDFs keep the full policy and only allow being framed by this site. What
# does block the viewer is the `sandbox` *attribute* on the embedding <iframe> (even with
# allow-scripts allow-same-origin): templates must frame PDFs without it.
INLINE_PDF_CSP = "default-src 'none'; sandbox; frame-ancestors 'self'"


def file_response(
    *,
    content: bytes | IO[bytes],
    name: str,
    content_type: str,
    inline: bool = False,
) -> HttpResponse | FileResponse:
    """Return a response for a stored user file; a download unless inline is asked for."""
    filename = safe_name(name)  # control characters would otherwise break the header
    if isinstance(content, bytes | bytearray | memoryview):
        response: HttpResponse | FileResponse = HttpResponse(
            bytes(content), content_type=content_type
        )
        response["Content-Length"] = str(len(content))
    else:
        response = FileResponse(
            content, content_type=content_type, as_attachment=not inline, filename=filename
        )
    inline_pdf = inline and content_type == "application/pdf"
    # filename*=utf-8''… (RFC 6266/5987) for non-ASCII names; quotes and semicolons are
    # percent-encoded there, so a name like 報告書"; x.pdf cannot split the header.
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = INLINE_PDF_CSP if inline_pdf else DEFAULT_CSP
    response["Cache-Control"] = "private, no-store"
    # Another site's <img> or <object> must not pull a member's file with their cookies.
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    # Set explicitly so XFrameOptionsMiddleware leaves it alone; the site default is DENY.
    response["X-Frame-Options"] = "SAMEORIGIN" if inline_pdf else "DENY"
    return response
