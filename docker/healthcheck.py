"""Health check of the web container: Django answers an HTTP request on port 8000.

The image has no curl (python:*-slim), so the check is Python's own http.client. It asks for
the home page as the proxy would (a host from ALLOWED_HOSTS, X-Forwarded-Proto: https), so
neither the host check nor the HTTPS redirect answers in Django's place; any status below 500
means gunicorn, Django and the database answered.
"""

import http.client
import os
import sys


def main() -> int:
    port = int(os.environ.get("HEALTHCHECK_PORT", "8000"))
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = next((h for h in hosts if "*" not in h and not h.startswith(".")), "localhost")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/", headers={"Host": host, "X-Forwarded-Proto": "https"})
        status = connection.getresponse().status
    except OSError as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    if status >= 500:
        print(f"unhealthy: HTTP {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
