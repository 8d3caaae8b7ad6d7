"""Pulls that must end: a cursor cycle, a source that drips its answer, an answer too big.

A loopback server (127.0.0.1) plays the misbehaving source; the limits are small (a deadline of
about a second, a cap of a few KiB) so each case takes at most a couple of seconds.
"""

from __future__ import annotations

import json
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from connectors.http_session import RetryPolicy, SourceResponseError, SourceSession, SourceUnavailableError
from connectors.paging import cursor_pages

# cursor -> (records, next cursor): A -> B -> A -> ... never ends, though no page repeats its own cursor
CYCLE = {"": ([{"MaHoSo": "1"}], "A"), "A": ([{"MaHoSo": "2"}], "B"), "B": ([], "A")}


class _Source(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def _send(self, body: bytes, length: int | None = None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/cycle":
            data, next_cursor = CYCLE[query.get("cursor", "")]
            self._send(json.dumps({"data": data, "next_cursor": next_cursor}).encode())
        elif url.path == "/drip":  # a valid page, one byte every 0.1 s (12 s in all)
            body = json.dumps({"data": [], "next_cursor": None, "pad": "x" * 100}).encode()
            self._send(b"", len(body))
            for byte in body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.1)
        elif url.path == "/busy":  # 503 until the HTTP date its first answer's Retry-After names
            if time.time() < self.server.busy_until:
                self.send_response(503)
                self.send_header("Retry-After", formatdate(self.server.busy_until, usegmt=True))
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self._send(json.dumps({"data": [], "next_cursor": None}).encode())
        elif url.path == "/big":  # 64 KiB, announced
            body = json.dumps({"data": [], "next_cursor": None, "pad": "x" * 65536}).encode()
            self._send(body, len(body))
        elif url.path == "/big-unannounced":  # 64 KiB, no Content-Length: read until the server closes
            self.close_connection = True
            self._send(json.dumps({"data": [], "next_cursor": None, "pad": "x" * 65536}).encode())


@pytest.fixture(scope="module")
def source_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Source)
    server.daemon_threads = True
    server.busy_until = 0.0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def source(source_server):
    return f"http://127.0.0.1:{source_server.server_address[1]}"


def session(url: str) -> SourceSession:
    return SourceSession(
        "test_source",
        url,
        None,
        RetryPolicy(attempts=1, timeout_seconds=2.0, deadline_seconds=1.0, max_body_bytes=4096),
    )


def test_a_cursor_cycle_is_detected_naming_the_source_and_the_cursor(source):
    pages = cursor_pages(session(source), "/cycle", {"updated_since": "20220101000000"})
    with pytest.raises(SourceResponseError) as caught:
        for _ in range(10):  # before the fix: A, B, A, B, ... until the test gives up
            next(pages)
    message = str(caught.value)
    assert message.startswith("test_source:") and "'A'" in message and "cycle" in message


def test_a_resumed_pull_sent_back_to_its_own_start_is_a_cycle_too(source):
    pages = cursor_pages(session(source), "/cycle", {}, cursor="A")
    assert next(pages) == ([{"MaHoSo": "2"}], "B")
    with pytest.raises(SourceResponseError, match="cycle"):
        next(pages)


def test_a_source_dripping_its_answer_fails_at_the_deadline_naming_source_and_page(source):
    started = time.monotonic()
    with pytest.raises(SourceUnavailableError) as caught:
        session(source).get_json("/drip", {"cursor": "page-7"})
    took = time.monotonic() - started
    assert took < 2.5, f"the request lasted {took:.1f} s, past its 1 s deadline"
    message = str(caught.value)
    assert "test_source" in message and "/drip" in message and "page-7" in message and "deadline" in message


@pytest.mark.parametrize("path", ["/big", "/big-unannounced"])
def test_an_answer_over_the_size_cap_is_refused_naming_source_page_and_setting(source, path):
    with pytest.raises(SourceResponseError) as caught:
        session(source).get_json(path, {"cursor": "page-3"})
    message = str(caught.value)
    assert "test_source" in message and path in message and "page-3" in message
    assert "4096" in message and "PAR_HTTP_MAX_RESPONSE_BYTES" in message


def test_an_answer_within_the_limits_is_read(source):
    assert session(source).get_json("/cycle", {}) == {"data": [{"MaHoSo": "1"}], "next_cursor": "A"}


def test_a_retry_after_given_as_an_http_date_is_waited_for(source, source_server):
    server = source_server
    """`Retry-After: Fri, 04 Dec 2026 23:59:59 GMT` (RFC 9110 allows a date as well as seconds): the
    client waits until then rather than retrying at once with its own short backoff."""
    server.busy_until = float(int(time.time()) + 2)  # a whole second: an HTTP date has no fraction
    quick = SourceSession("test_source", source, None, RetryPolicy(attempts=3, backoff_seconds=0.01))
    started = time.time()
    assert quick.get_json("/busy", {}) == {"data": [], "next_cursor": None}
    assert time.time() >= server.busy_until, "retried before the date the source gave"
    assert time.time() - started < 5


def test_a_retry_after_date_is_a_wait_capped_like_seconds():
    in_five = formatdate(time.time() + 5, usegmt=True)
    assert 3.5 <= RetryPolicy().delay(0, in_five) <= 5
    assert RetryPolicy(max_backoff_seconds=2).delay(0, in_five) == 2
