"""A loopback HTTP server for the sandbox source systems, with the faults real systems have.

Each source registers routes (`path -> handler(query) -> (status, body)`, or a RawResponse whose
body is JSON serialised already, e.g. pre-rendered records); the server adds what
every API needs: bearer-token auth (none when the token is None: a public portal), JSON responses,
and a fault plan a test can switch on over Python or HTTP (`POST /_sandbox/faults`): 429 with
Retry-After, 5xx, slow and truncated responses, or the whole source down.

A source that serves files registers prefix routes (`/files/ -> handler(path, query, request
headers) -> RawResponse`): bytes with their own content type and headers (ETag, Last-Modified,
304 answers to conditional requests). The fault plan applies to them too (a truncated file is a
half-written download).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

log = logging.getLogger(__name__)

SANDBOX_TOKEN = "sandbox-token"


@dataclass(frozen=True)
class RawResponse:
    status: int
    body: bytes = b""
    content_type: str = "application/octet-stream"
    headers: Mapping[str, str] = field(default_factory=dict)


Handler = Callable[[dict[str, str]], tuple[int, dict] | RawResponse]
# (path, query, request headers) -> the response
PrefixHandler = Callable[[str, dict[str, str], Mapping[str, str]], RawResponse]


class FaultPlan:
    """Faults served to the next API requests, in order; `down` fails every request."""

    def __init__(self) -> None:
        self._queue: deque[dict] = deque()
        self._lock = threading.Lock()
        self.down = False
        self.requests_seen = 0
        # bumped by clear(): a request still being served from before it (a delayed response whose client
        # timed out and went on) must not become the page a later "replay" serves again
        self.generation = 0

    def inject(self, *faults: dict) -> None:
        """Each fault: {"status": 429, "retry_after": 1} | {"status": 503} | {"delay": 2.0} | {"truncate": True}
        | {"replay": True} (the previous response again: the same page served twice)
        | {"overlap": True} (the previous page's last record again, first on this page: a record that moved
        while the client paged, as a source paging by offset serves it)."""
        with self._lock:
            self._queue.extend(faults)

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()
            self.down = False
            self.generation += 1

    def next(self) -> dict | None:
        with self._lock:
            self.requests_seen += 1
            if self.down:
                return {"status": 503}
            return self._queue.popleft() if self._queue else None


class SandboxServer:
    def __init__(
        self,
        routes: dict[str, Handler],
        token: str | None = SANDBOX_TOKEN,
        host: str = "127.0.0.1",
        port: int = 0,
        prefix_routes: dict[str, PrefixHandler] | None = None,
    ):
        self.routes = routes
        self.prefix_routes = prefix_routes or {}
        self.token = token
        self.faults = FaultPlan()
        self._httpd = ThreadingHTTPServer((host, port), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None
        self._last_body: bytes | None = None
        self._last_records: list | None = None  # the "data" list of the last JSON page served

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> SandboxServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="sandbox-server", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: one connection serves a whole paged pull
            disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart

            def log_message(self, fmt: str, *args: object) -> None:
                log.debug("sandbox: " + fmt, *args)

            def _send(
                self,
                status: int,
                body: bytes,
                headers: Mapping[str, str] | None = None,
                content_type: str = "application/json; charset=utf-8",
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
                self._send(status, json.dumps({"error": message}).encode(), headers)

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                if urlsplit(self.path).path != "/_sandbox/faults":
                    return self._error(404, "not found")
                length = int(self.headers.get("Content-Length", 0))
                spec = json.loads(self.rfile.read(length) or b"{}")
                server.faults.clear()
                server.faults.down = bool(spec.get("down", False))
                server.faults.inject(*spec.get("faults", []))
                self._send(200, b'{"ok": true}')

            def do_GET(self) -> None:  # noqa: N802
                parts = urlsplit(self.path)
                route = server.routes.get(parts.path)
                prefix = next((p for p in server.prefix_routes if parts.path.startswith(p)), None)
                if route is None and prefix is None:
                    return self._error(404, f"no such endpoint: {parts.path}")
                if server.token is not None and self.headers.get("Authorization") != f"Bearer {server.token}":
                    return self._error(401, "missing or wrong bearer token")
                generation = server.faults.generation
                fault = server.faults.next()
                if fault and fault.get("delay"):
                    time.sleep(float(fault["delay"]))
                if fault and fault.get("status"):
                    headers = {"Retry-After": str(fault["retry_after"])} if "retry_after" in fault else None
                    return self._error(int(fault["status"]), "injected fault", headers)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                if route is None:
                    raw = server.prefix_routes[prefix](parts.path, query, self.headers)
                    body = raw.body[: len(raw.body) // 2] if fault and fault.get("truncate") else raw.body
                    return self._send(raw.status, body, raw.headers, raw.content_type)
                try:
                    answer = route(query)
                except ValueError as exc:
                    return self._error(400, str(exc))
                if isinstance(answer, RawResponse):
                    status, body = answer.status, answer.body
                else:
                    status, payload = answer
                    records = payload.get("data") if isinstance(payload, dict) else None
                    if fault and fault.get("overlap") and records is not None and server._last_records:
                        payload = {**payload, "data": [server._last_records[-1], *records]}
                    if isinstance(records, list) and server.faults.generation == generation:
                        server._last_records = records
                    body = json.dumps(payload, ensure_ascii=False).encode()
                if fault and fault.get("replay") and server._last_body is not None:
                    body = server._last_body
                if server.faults.generation == generation:
                    server._last_body = body
                if fault and fault.get("truncate"):
                    # Half a page: the declared length is honest, the JSON is not.
                    body = body[: len(body) // 2]
                self._send(status, body)

        return RequestHandler
