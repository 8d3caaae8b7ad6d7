"""One HTTP client for every source API: bearer auth, timeouts, retries with backoff that honour Retry-After."""
from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import requests
import urllib3

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
# Query parameters whose values are credentials (api_key=, access_token=, sig=, ...).
_SECRET_PARAMETER = re.compile(r"token|key|secret|passw|pwd|auth|sig|credential", re.IGNORECASE)


def redact_url(url: str) -> str:
    """The URL without credentials, fit for logs, errors and the landed `_source` column.

    `https://user:password@host/p?api_key=abc&x=1` -> `https://***@host/p?api_key=***&x=1`.
    Anything that is not a URL with a host (a file path, `sandbox://...`) is returned as is.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.scheme or not parts.netloc:
        return url
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rsplit("@", 1)[1]
    query = "&".join(
        f"{pair.split('=', 1)[0]}=***" if "=" in pair and _SECRET_PARAMETER.search(pair.split("=", 1)[0]) else pair
        for pair in parts.query.split("&")) if parts.query else ""
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


class SourceUnavailableError(RuntimeError):
    """The source kept failing after every retry: nothing more can be pulled now."""


class SourceResponseError(RuntimeError):
    """The source answered, but not with something we can use (4xx, invalid or truncated JSON)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class FileResponse:
    url: str  # without credentials
    not_modified: bool
    content: bytes
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6
    backoff_seconds: float = 0.5
    max_backoff_seconds: float = 30.0
    timeout_seconds: float = 30.0  # to connect, and the longest wait for the next bytes of an answer
    # One request's whole time (connect, answer, body): a source that drips its answer cannot hold a pull.
    deadline_seconds: float = 300.0
    # The largest answer read (after decompression); a bigger one is refused, not read whole into memory.
    max_body_bytes: int = 64 * 1024 * 1024

    def delay(self, attempt: int, retry_after: str | None) -> float:
        if retry_after:
            try:
                return min(float(retry_after), self.max_backoff_seconds)
            except ValueError:
                pass  # an HTTP date: fall back to our own backoff
        return min(self.backoff_seconds * 2 ** attempt, self.max_backoff_seconds) * random.uniform(0.8, 1.2)


_BODY_READ_BYTES = 1 << 20


class _DeadlinePassed(Exception):
    """The answer was not complete by the request's deadline (handled like a timeout: retried)."""


class _TooLarge(Exception):
    """The answer is bigger than the cap (not retried: it would be as big again)."""


def _read_body(response: requests.Response, deadline: float, read_timeout: float, max_bytes: int) -> None:
    """Load the body as `requests` does when not streaming, but in reads of up to 1 MiB (its 10 KiB reads
    cost twice the CPU on a 4 MB page), by the monotonic `deadline` and at most `max_bytes` (decoded).

    Each read returns what has arrived (`read1`) and waits at most the time left, so a source that
    drips one byte at a time fails at the deadline rather than after its whole answer."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _TooLarge(f"Content-Length {int(declared)}, not read")
    raw, parts, size = response.raw, [], 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise _DeadlinePassed(f"{size} bytes read")
        sock = getattr(getattr(raw, "connection", None), "sock", None)
        if sock is not None:
            sock.settimeout(min(read_timeout, left))
        try:
            chunk = raw.read1(_BODY_READ_BYTES, decode_content=True)
        except (TimeoutError, urllib3.exceptions.ReadTimeoutError):
            if time.monotonic() >= deadline:
                raise _DeadlinePassed(f"{size} bytes read") from None
            raise requests.Timeout(f"no data for {read_timeout} s") from None
        except urllib3.exceptions.ProtocolError as exc:
            raise requests.ConnectionError(exc) from None
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise _TooLarge("cut off there")
        parts.append(chunk)
    response._content = b"".join(parts)
    response._content_consumed = True


class SourceSession:
    """GET JSON from one source; `source_name` appears in every error so a failed run names its source.

    Errors and log lines show the URL without credentials and never the token, even when the
    source echoes it back.
    """

    def __init__(self, source_name: str, base_url: str, token: str | None, retry: RetryPolicy | None = None):
        self.source_name = source_name
        self.base_url = base_url.rstrip("/")
        self.public_url = redact_url(self.base_url)
        self.retry = retry or RetryPolicy()
        userinfo = urlsplit(self.base_url)
        # a token, a password in the URL, or a user name standing alone (https://TOKEN@host)
        self._secrets = [s for s in (token, userinfo.password or userinfo.username) if s]
        self._http = requests.Session()
        if token:
            self._http.headers["Authorization"] = f"Bearer {token}"
        self._http.headers["Accept"] = "application/json"

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def get_json(self, path: str, params: dict[str, object], decode: Callable[[bytes], object] | None = None) -> object:
        """The answer's JSON. `decode`, if given, is tried on the body first (e.g. straight into Arrow):
        what it returns is returned, unless it is None and the body is decoded as JSON as usual."""
        shown = f"{self.public_url}{path}"
        response = self._get(path, params, {}, accepted=(200,))
        if decode is not None:
            decoded = decode(response.content)
            if decoded is not None:
                return decoded
        try:
            return response.json()
        except ValueError:
            raise SourceResponseError(
                f"{self.source_name}: {shown} returned invalid or truncated JSON "
                f"({len(response.content)} bytes) for {params}", response.status_code) from None

    def get_file(self, path: str, if_none_match: str | None = None, if_modified_since: str | None = None) -> FileResponse:
        """Download a file, conditionally: HTTP 304 (unchanged since the ETag / Last-Modified we
        hold) comes back as `not_modified` with no content. A 404/410 raises SourceResponseError
        with its status; 429/5xx/timeouts are retried like every call. `path` is under the base URL,
        or an absolute URL the caller has checked (sent without the token unless on the base's host)."""
        headers = {"Accept": "*/*"}
        if if_none_match:
            headers["If-None-Match"] = if_none_match
        if if_modified_since:
            headers["If-Modified-Since"] = if_modified_since
        response = self._get(path, {}, headers, accepted=(200, 304))
        return FileResponse(url=self._urls(path)[1], not_modified=response.status_code == 304,
                            content=b"" if response.status_code == 304 else response.content,
                            etag=response.headers.get("ETag"), last_modified=response.headers.get("Last-Modified"))

    def _urls(self, path: str) -> tuple[str, str]:
        """(the URL to request, the URL to show) for a path under the base URL or an absolute URL."""
        if urlsplit(path).scheme:
            return path, redact_url(path)
        return f"{self.base_url}{path}", f"{self.public_url}{path}"

    def _get(self, path: str, params: dict[str, object], headers: dict[str, str], accepted: tuple[int, ...]):
        url, shown = self._urls(path)
        if urlsplit(url).netloc != urlsplit(self.base_url).netloc:
            headers = {**headers, "Authorization": None}  # the token is for the source's own host only
        page = f"{shown} {self._scrub(str(params))}" if params else shown
        retry = self.retry
        last_problem = "no attempt made"
        for attempt in range(retry.attempts):
            deadline = time.monotonic() + retry.deadline_seconds
            response = None
            try:
                response = self._http.get(url, params=params, headers=headers, stream=True,
                                          timeout=(retry.timeout_seconds, min(retry.timeout_seconds, retry.deadline_seconds)))
                _read_body(response, deadline, retry.timeout_seconds, retry.max_body_bytes)
            except (requests.ConnectionError, requests.Timeout) as exc:
                last_problem = self._scrub(f"{type(exc).__name__}: {exc}")
                retry_after = None
            except _DeadlinePassed as exc:
                last_problem = (f"no complete answer within the {retry.deadline_seconds:g} s deadline of a request "
                                f"({exc}; PAR_HTTP_DEADLINE_SECONDS)")
                retry_after = None
            except _TooLarge as exc:
                raise SourceResponseError(
                    f"{self.source_name}: {page} answered more than the {retry.max_body_bytes} bytes allowed ({exc}): "
                    "refused. Ask the source for smaller pages, or raise PAR_HTTP_MAX_RESPONSE_BYTES if "
                    "answers this big are expected.", response.status_code) from None
            except (requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema,
                    requests.exceptions.MissingSchema) as exc:  # asking again cannot help
                raise SourceResponseError(f"{self.source_name}: {shown} cannot be requested: "
                                          f"{self._scrub(f'{type(exc).__name__}: {exc}')}") from None
            else:
                if response.status_code in accepted:
                    return response
                if response.status_code not in RETRYABLE_STATUS:
                    raise SourceResponseError(
                        f"{self.source_name}: {shown} answered HTTP {response.status_code}: "
                        f"{self._scrub(response.text)[:300]}", response.status_code)
                last_problem = f"HTTP {response.status_code}"
                retry_after = response.headers.get("Retry-After")
            finally:
                if response is not None and not response._content_consumed:
                    response.close()  # an answer left half read: drop its connection
            if attempt + 1 < retry.attempts:
                wait = retry.delay(attempt, retry_after)
                log.warning("%s: %s (attempt %d/%d), retrying in %.1fs", self.source_name, last_problem,
                            attempt + 1, retry.attempts, wait)
                time.sleep(wait)
        raise SourceUnavailableError(
            f"{self.source_name} is unavailable at {self.public_url}: {last_problem} after {retry.attempts} attempts "
            f"(page {page}). Check the source's status and URL; the next run resumes from the last landed page.")
