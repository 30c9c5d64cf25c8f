"""A real server on a demo database, driven by Debian's Chromium through Playwright."""

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import copy_demo_site

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_sink():
    """Every e-mail the test server sends, received over real SMTP on loopback."""
    from tests.smtp_sink import SMTPSink

    sink = SMTPSink()
    yield sink
    sink.shutdown()


_live_env: dict[str, str] = {}  # the live site's environment (its database, index, mail)


@pytest.fixture(scope="session")
def live_site(tmp_path_factory, smtp_sink, demo_site_files):
    """Base URL of a server with the demo content, on its own copy of the demo site."""
    work = tmp_path_factory.mktemp("site")
    env = {
        **copy_demo_site(demo_site_files, work),
        "SERVE_MEDIA": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_sink.port),
    }
    _live_env.update(env)
    manage = [sys.executable, str(ROOT / "manage.py")]
    port = _free_port()
    log = open(work / "server.log", "w")  # noqa: SIM115 - stays open while the server runs
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/", timeout=1)  # noqa: S310 - loopback only
            break
        except OSError:
            time.sleep(0.2)
    else:
        server.kill()
        pytest.fail("テスト用サーバーが起動しませんでした: " + (work / "server.log").read_text())
    yield base
    server.terminate()
    server.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def live_manage(live_site):
    """Runs a manage.py command against the live site's database (as its cron jobs would)."""

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=_live_env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )

    return run


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot_dir() -> Path:
    path = ROOT / "var" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path
