"""What Chromium does with file_response's headers: inline PDFs render, user HTML cannot run."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO

import pytest
from PIL import Image

from tests.uploads import hostile
from uploads.serving import file_response

pytestmark = pytest.mark.browser

EMBEDDING_PAGE = (
    '<!doctype html><html lang="ja"><title>埋め込み</title><body style="margin:0">'
    '<iframe id="pdf" src="/file/report.pdf" width="600" height="400"></iframe>'
)
SCRIPTED_HTML = b"<!doctype html><title>original</title><script>document.title='pwned'</script>"


def _responses() -> dict[str, tuple[list[tuple[str, str]], bytes]]:
    files = {
        "/file/report.pdf": file_response(
            content=hostile.pdf_bytes(),
            name="報告書.pdf",
            content_type="application/pdf",
            inline=True,
        ),
        # The worst mistake a caller could make: user HTML served inline as HTML.
        "/file/page.html": file_response(
            content=SCRIPTED_HTML, name="page.html", content_type="text/html", inline=True
        ),
    }
    served = {path: (list(r.items()), r.content) for path, r in files.items()}
    served["/"] = ([("Content-Type", "text/html; charset=utf-8")], EMBEDDING_PAGE.encode())
    return served


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    served = _responses()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            headers, body = served[self.path]
            self.send_response(200)
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 640, "height": 440})
    yield context.new_page()
    context.close()


def test_inline_pdf_renders_in_a_same_site_iframe_despite_csp_sandbox(server, page):
    page.goto(server + "/")
    page.wait_for_timeout(2500)  # the viewer loads its own extension frame asynchronously
    assert any(frame.url.startswith("chrome-extension://") for frame in page.frames)
    shot = page.locator("#pdf").screenshot()
    with Image.open(BytesIO(shot)) as image:
        black = sum(1 for value in image.convert("L").get_flattened_data() if value < 10)
    assert black > 10_000  # the PDF's black rectangle, not just the viewer's grey chrome


def test_user_html_served_inline_cannot_run_script(server, page):
    page.goto(server + "/file/page.html")
    page.wait_for_timeout(300)
    assert page.title() == "original"
