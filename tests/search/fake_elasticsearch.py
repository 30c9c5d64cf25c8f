"""A loopback HTTP server that speaks the parts of Elasticsearch's wire protocol the error
handling needs: its error shapes and the smallest success answers (root info, index and alias
management, _bulk with a status per item). It does not search: no test may read search results
from it, only what it was sent and how the site coped with its errors.
"""

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

COMPAT = "application/vnd.elasticsearch+json;compatible-with=9"


def error_body(status: int, kind: str, reason: str, **extra) -> dict:
    """Elasticsearch's error answer: {"error": {"root_cause": […], "type", "reason"}, "status"}."""
    cause = {"type": kind, "reason": reason}
    return {"error": {"root_cause": [cause], **cause, **extra}, "status": status}


class FakeElasticsearch:
    """Start with `with FakeElasticsearch() as es:`; es.url is the address to give the client.

    Faults, set by the test between calls:
      mode: "ok"; "v8" (an 8.x server: 400 media_type_header_exception to the 9.x client's
        versioned media type, on every request); "503" (every request answered 503); "429"
        (every _bulk answered 429 with Retry-After); "hang" (reads the request, never answers).
      reject: page id -> (status, error type) for _bulk items refused one by one.
    """

    def __init__(self, version: str = "9.2.4"):
        self.version = version
        self.mode = "ok"
        self.reject: dict[int, tuple[int, str]] = {}
        self.retry_after: str | None = "7"
        self.plugins = ["analysis-icu", "analysis-kuromoji"]
        self.hide_aliases = False  # answer "no such alias" (as seen just before a racing create)
        self.indices: dict[str, dict] = {}  # name -> {"aliases": set, "settings": dict}
        self.requests: list[dict] = []  # every request: method, path, query, body
        self.received: Counter = Counter()  # _bulk items sent, per document id
        self.applied: Counter = Counter()  # _bulk items answered with a 2xx status
        self.release = threading.Event()  # ends a hung request (the socket is then closed)
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def calls(self, method: str | None = None, path_part: str = "") -> list[dict]:
        return [
            r
            for r in self.requests
            if (method is None or r["method"] == method) and path_part in r["path"]
        ]

    def aliased(self, alias: str) -> list[str]:
        return [name for name, index in self.indices.items() if alias in index["aliases"]]

    # --- the protocol ----------------------------------------------------------------------
    def answer(self, method: str, path: str, query: dict, body, headers) -> tuple[int, object]:
        parts = [p for p in path.split("/") if p]
        accept = headers.get("accept", "")
        if self.mode == "v8":
            if "compatible-with=9" in accept or "compatible-with=9" in headers.get(
                "content-type", ""
            ):
                return 400, error_body(
                    400,
                    "media_type_header_exception",
                    "Invalid media-type value on headers [Accept, Content-Type]",
                    caused_by={
                        "type": "status_exception",
                        "reason": "Accept version must be either version 8 or 7, but found 9. "
                        f"Accept={accept}",
                    },
                )
            if method == "GET" and not parts:
                return 200, self.info("8.19.3")
            return 400, error_body(400, "illegal_argument_exception", "not in this fake")
        if self.mode == "503":
            return 503, error_body(
                503,
                "cluster_block_exception",
                "blocked by: [SERVICE_UNAVAILABLE/1/state not recovered",
            )
        if self.mode == "429" and parts == ["_bulk"]:
            return 429, error_body(
                429,
                "es_rejected_execution_exception",
                "rejected execution of coordinating operation",
            )
        if method == "GET" and not parts:
            return 200, self.info(self.version)
        if parts == ["_bulk"]:
            return 200, self.bulk(body)
        if parts == ["_nodes", "plugins"]:
            plugins = [{"name": p, "version": self.version} for p in self.plugins]
            return 200, {"nodes": {"n1": {"name": "node-1", "plugins": plugins}}}
        if parts[:2] == ["_cluster", "health"]:
            return 200, {"cluster_name": "fake", "status": "green"}
        if len(parts) == 2 and parts[1] == "_mapping":
            names = self.aliased(parts[0])
            if not names:
                return 404, error_body(404, "index_not_found_exception", "no such index")
            return 200, {n: {"mappings": self.indices[n]["mappings"]} for n in names}
        if parts[:1] == ["_alias"] and len(parts) == 2:
            names = [] if self.hide_aliases else self.aliased(parts[1])
            if not names:
                return 404, {"error": f"alias [{parts[1]}] missing", "status": 404}
            return 200, {n: {"aliases": {parts[1]: {}}} for n in names}
        if parts == ["_aliases"] and method == "POST":
            with self.lock:
                for action in body["actions"]:
                    ((kind, spec),) = action.items()
                    target = self.indices[spec["index"]]["aliases"]
                    (target.add if kind == "add" else target.discard)(spec["alias"])
            return 200, {"acknowledged": True}
        if len(parts) == 1 and method == "PUT":
            with self.lock:
                if parts[0] in self.indices:
                    return 400, error_body(
                        400,
                        "resource_already_exists_exception",
                        f"index [{parts[0]}/abc] already exists",
                        index=parts[0],
                    )
                self.indices[parts[0]] = {
                    "aliases": set((body or {}).get("aliases", {})),
                    "settings": (body or {}).get("settings", {}),
                    "mappings": (body or {}).get("mappings", {}),
                    "docs": 0,
                }
            return 200, {"acknowledged": True, "shards_acknowledged": True, "index": parts[0]}
        if len(parts) == 1 and method == "DELETE":
            self.indices.pop(parts[0], None)
            return 200, {"acknowledged": True}
        if len(parts) == 2 and parts[1] == "_settings":
            return 200, {"acknowledged": True}
        if len(parts) == 2 and parts[1] == "_refresh":
            return 200, {"_shards": {"total": 1, "successful": 1, "failed": 0}}
        if len(parts) == 2 and parts[1] == "_count":
            index = self.indices.get(parts[0])
            return 200, {"count": index["docs"] if index else 0, "_shards": {"total": 1}}
        if len(parts) == 2 and parts[1] == "_search" and "suggest" in (body or {}):
            (name,) = body["suggest"]
            text = body["suggest"][name]["prefix"]
            hits = {"total": {"value": 0, "relation": "eq"}, "max_score": None, "hits": []}
            suggest = {name: [{"text": text, "offset": 0, "length": len(text), "options": []}]}
            return 200, {"took": 1, "timed_out": False, "hits": hits, "suggest": suggest}
        return 400, error_body(400, "illegal_argument_exception", f"not in this fake: {path}")

    def info(self, version: str) -> dict:
        return {
            "name": "fake",
            "cluster_name": "fake",
            "version": {"number": version, "build_flavor": "default"},
            "tagline": "You Know, for Search",
        }

    def bulk(self, lines: list) -> dict:
        items, errors = [], False
        i = 0
        while i < len(lines):
            ((operation, meta),) = lines[i].items()
            i += 1 if operation == "delete" else 2
            pk = int(meta["_id"])
            index = meta.get("_index", "")
            with self.lock:
                self.received[pk] += 1
                target = self.aliased(index) or ([index] if index in self.indices else [])
                if pk in self.reject:
                    status, kind = self.reject[pk]
                    errors = True
                    result = {"status": status, "error": {"type": kind, "reason": "refused"}}
                elif not target:
                    errors = True
                    result = {
                        "status": 404,
                        "error": {"type": "index_not_found_exception", "reason": "no such index"},
                    }
                else:
                    self.applied[pk] += 1
                    self.indices[target[0]]["docs"] += operation != "delete"
                    status = 200 if operation == "delete" else 201
                    result = {"status": status, "result": "deleted" if status == 200 else "created"}
            items.append({operation: {"_index": index, "_id": str(pk), **result}})
        return {"took": 3, "errors": errors, "items": items}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _serve(self):
                url = urlsplit(self.path)
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = None
                if raw and url.path.rstrip("/").endswith("_bulk"):
                    body = [json.loads(line) for line in raw.splitlines() if line.strip()]
                elif raw:
                    body = json.loads(raw)
                headers = {k.lower(): v for k, v in self.headers.items()}
                with fake.lock:
                    fake.requests.append(
                        {
                            "method": self.command,
                            "path": url.path,
                            "query": parse_qs(url.query),
                            "body": body,
                        }
                    )
                if fake.mode == "hang":
                    fake.release.wait(10)
                    self.close_connection = True
                    return
                status, answer = fake.answer(
                    self.command, url.path, parse_qs(url.query), body, headers
                )
                payload = b"" if self.command == "HEAD" else json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", COMPAT)
                self.send_header("X-Elastic-Product", "Elasticsearch")
                if status == 429 and fake.retry_after:
                    self.send_header("Retry-After", fake.retry_after)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _serve

        return Handler
