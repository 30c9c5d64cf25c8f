"""The caching proxy of production: Varnish's VCL, nginx in front of it, Compose, the purge.

Without a Docker engine the files are read as the programs read them; where varnishd is installed
(CI installs it: REQUIRE_VARNISH=1), the VCL is compiled and run in front of a small backend.
"""

import http.client
import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
import yaml

from pagecache import generation
from tests.conftest import require_program

ROOT = Path(__file__).resolve().parents[2]
VCL = ROOT / "docker" / "varnish.vcl"
NGINX = ROOT / "docker" / "nginx.conf"
COMPOSE = ROOT / "docker-compose.yml"


def test_compose_puts_varnish_between_nginx_and_the_web_servers():
    compose = yaml.safe_load(COMPOSE.read_text())
    services = compose["services"]
    varnish = services["varnish"]
    assert re.fullmatch(r"varnish:\d+\.\d+\.\d+", varnish["image"])
    assert "./docker/varnish.vcl:/etc/varnish/default.vcl:ro" in varnish["volumes"]
    app = compose["x-app"]["environment"]
    assert app["FRONTEND_CACHE_URL"] == "http://varnish:80"
    assert app["REDIS_URL"].startswith("redis://redis:")
    assert "ports" not in varnish  # only nginx faces the public
    nginx = NGINX.read_text()
    assert "set $page_cache http://varnish:80;" in nginx and "proxy_pass $page_cache;" in nginx
    backend = re.search(
        r'backend default \{\s*\.host = "(\w+)";\s*\.port = "(\d+)";', VCL.read_text()
    )
    assert backend.groups() == ("nginx", "8080")
    assert re.search(r"listen 8080;.*?proxy_pass http://banso_web;", nginx, re.DOTALL)


def test_nginx_refuses_purge_from_outside():
    nginx = NGINX.read_text()
    public = nginx[nginx.index("listen 80;") :]
    rule = re.search(r"if \(\$request_method !~ \^\(([A-Z|]+)\)\$\) \{\s*return 405;", public)
    assert rule and set(rule.group(1).split("|")) == {"GET", "HEAD", "POST"}


def test_the_vcl_keeps_only_public_anonymous_answers():
    vcl = VCL.read_text()
    recv = vcl[vcl.index("sub vcl_recv") : vcl.index("sub vcl_backend_response")]
    assert re.search(r'req.method == "PURGE".*client.ip !~ purgers.*ban\(', recv, re.DOTALL)
    # Session and messages cookies, under both names production and development use.
    assert "__Host-sessionid|sessionid|messages" in recv and "return (pass);" in recv
    backend = vcl[vcl.index("sub vcl_backend_response") :]
    assert 'beresp.http.Cache-Control !~ "public" || beresp.http.Set-Cookie' in backend


def test_production_settings_use_redis_and_purge_the_proxy():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "example.jp",
        "CSRF_TRUSTED_ORIGINS": "https://example.jp",
        "REDIS_URL": "redis://redis:6379/0",
        "FRONTEND_CACHE_URL": "http://varnish:80",
    }
    code = (
        "import json; from django.conf import settings as s; print(json.dumps("
        "[s.CACHES['default']['BACKEND'], s.PAGE_CACHE_ENABLED, s.WAGTAILFRONTENDCACHE]))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    backend, enabled, frontend = json.loads(run.stdout)
    assert backend == "django.core.cache.backends.redis.RedisCache" and enabled is True
    assert frontend["varnish"]["LOCATION"] == "http://varnish:80"
    # Without a shared cache the page cache stays off (each process would keep its own pages).
    env.pop("REDIS_URL")
    run = subprocess.run(
        [sys.executable, "-c", code.replace("s.WAGTAILFRONTENDCACHE", "None")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(run.stdout)[1] is False


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: list = []

    def do_PURGE(self):  # noqa: N802 - http.server's name
        type(self).seen.append((self.path, self.headers["Host"]))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.mark.django_db
def test_a_change_purges_the_whole_site_from_the_proxy_after_the_commit(
    settings, django_capture_on_commit_callbacks
):
    from wagtail.models import Site

    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Recorder.seen = []
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{server.server_port}",
        }
    }
    try:
        with django_capture_on_commit_callbacks(execute=True):
            generation.invalidate(reason="test")
            assert _Recorder.seen == []  # not before the commit: the proxy would refetch old
    finally:
        server.shutdown()
        server.server_close()
    site = Site.objects.get(is_default_site=True)
    assert ("/", site.hostname if site.port == 80 else f"{site.hostname}:{site.port}") in (
        _Recorder.seen
    )


# --- the VCL, compiled and run ------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Backend(http.server.BaseHTTPRequestHandler):
    """Answers like the application: public for /public/, private otherwise; counts fetches."""

    fetches: list = []

    def do_GET(self):  # noqa: N802
        type(self).fetches.append(self.path)
        body = f"page {len(type(self).fetches)}".encode()
        self.send_response(200)
        public = self.path.startswith("/public/")
        self.send_header(
            "Cache-Control", "public, max-age=60, s-maxage=600" if public else "private"
        )
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _request(port: int, method: str, path: str, headers=None) -> tuple[int, str, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(method, path, headers={"Host": "example.jp", **(headers or {})})
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    return response.status, response.getheader("X-Proxy-Cache", ""), body


@pytest.fixture
def varnish():
    varnishd = shutil.which("varnishd") or (
        "/usr/sbin/varnishd" if Path("/usr/sbin/varnishd").exists() else None
    )
    if varnishd is None:
        require_program("varnishd", "REQUIRE_VARNISH", "Varnish の実行テストを省略します")
    backend = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Backend)
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    _Backend.fetches = []
    work = Path(tempfile.mkdtemp(prefix="varnish-test-"))
    vcl = work / "default.vcl"
    vcl.write_text(
        VCL.read_text()
        .replace('.host = "nginx";', '.host = "127.0.0.1";')
        .replace('.port = "8080";', f'.port = "{backend.server_port}";')
    )
    work.chmod(0o755)  # varnishd reads the VCL as its own unprivileged user
    vcl.chmod(0o644)
    port = _free_port()
    process = subprocess.Popen(
        [
            varnishd,
            "-F",
            "-a",
            f"127.0.0.1:{port}",
            "-f",
            str(vcl),
            "-n",
            str(work / "n"),
            "-s",
            "malloc,16m",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail("varnishd did not start: " + process.stderr.read().decode())
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)
        backend.shutdown()
        backend.server_close()
        shutil.rmtree(work, ignore_errors=True)


def test_varnish_keeps_public_pages_passes_signed_in_people_and_obeys_purge(varnish):
    assert _request(varnish, "GET", "/public/a/")[:2] == (200, "miss")
    assert _request(varnish, "GET", "/public/a/")[:2] == (200, "hit")
    # Signed in: straight to the application, never the shared copy.
    status, state, _ = _request(varnish, "GET", "/public/a/", {"Cookie": "sessionid=abc"})
    assert state == "miss" and _Backend.fetches.count("/public/a/") == 2
    # Private answers are never kept.
    _request(varnish, "GET", "/private/")
    assert _request(varnish, "GET", "/private/")[1] == "miss"
    # The application's purge of the site root clears everything under it.
    assert _request(varnish, "PURGE", "/")[0] == 200
    assert _request(varnish, "GET", "/public/a/")[1] == "miss"
    assert _Backend.fetches.count("/public/a/") == 3
