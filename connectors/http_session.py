"""One HTTP client for every source API: bearer auth, timeouts, a deadline and a size cap per answer, and
urllib3's `Retry` (backoff, Retry-After in seconds or as an HTTP date) through requests' HTTPAdapter."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.exceptions import InvalidHeader
from urllib3.util.retry import Retry

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
# Query parameters whose values are credentials (api_key=, access_token=, sig=, ...).
_SECRET_PARAMETER = re.compile(r"token|key|secret|passw|pwd|auth|sig|credential", re.IGNORECASE)
_SECRET_QUERY_VALUE = re.compile(
    r"([?&][^=&#\s]*(?:token|key|secret|passw|pwd|auth|sig|credential)[^=&#\s]*=)[^&#\s'\"]*", re.IGNORECASE
)


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
    query = (
        "&".join(
            f"{pair.split('=', 1)[0]}=***" if "=" in pair and _SECRET_PARAMETER.search(pair.split("=", 1)[0]) else pair
            for pair in parts.query.split("&")
        )
        if parts.query
        else ""
    )
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
    max_backoff_seconds: float = 30.0  # also the longest wait a Retry-After may ask for
    timeout_seconds: float = 30.0  # to connect, and the longest wait for the next bytes of an answer
    # One request's whole time (connect, answer, body): a source that drips its answer cannot hold a pull.
    deadline_seconds: float = 300.0
    # The largest answer read (after decompression); a bigger one is refused, not read whole into memory.
    max_body_bytes: int = 64 * 1024 * 1024

    def urllib3_retry(self) -> Retry:
        """urllib3's `Retry` for this policy: `attempts` tries of a GET that cannot connect, gets no answer
        in time or is answered 429/5xx; waits `backoff_seconds` x 2^(n-1) (none before the first retry,
        urllib3's schedule, plus up to `backoff_seconds` of jitter) or what the answer's Retry-After says
        (seconds or an HTTP date), at most `max_backoff_seconds` either way. The last 429/5xx answer is
        returned rather than raised (the session names it in its error)."""
        return _Retry(
            total=max(self.attempts - 1, 0),
            connect=None,
            read=None,
            redirect=None,
            status_forcelist=RETRYABLE_STATUS,
            allowed_methods=frozenset({"GET"}),
            backoff_factor=self.backoff_seconds,
            backoff_max=self.max_backoff_seconds,
            backoff_jitter=self.backoff_seconds,
            retry_after_max=self.max_backoff_seconds,
            respect_retry_after_header=True,
            raise_on_status=False,
            raise_on_redirect=False,
        )

    def delay(self, attempt: int, retry_after: str | None) -> float:
        """The wait before retry number `attempt + 1`: the Retry-After value (seconds or an HTTP date) if
        given and readable, capped, else the backoff (what `urllib3_retry` waits; for the logs and tests)."""
        retry = self.urllib3_retry()
        if retry_after:
            wait = retry.retry_after(retry_after)
            if wait is not None:
                return wait
        return min(self.backoff_seconds * 2**attempt, self.max_backoff_seconds)


def _redact_query(text: str) -> str:
    """`/p?api_key=abc&x=1` -> `/p?api_key=***&x=1` anywhere in a text (urllib3 logs the path and query)."""
    return _SECRET_QUERY_VALUE.sub(r"\1***", text)


class _RedactedQuery(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = _redact_query(record.getMessage()), None
        return True


# urllib3 warns of each retry after an error with the request's path and query: credentials there are masked.
logging.getLogger("urllib3.connectionpool").addFilter(_RedactedQuery())


class _Retry(Retry):
    """urllib3's `Retry`, except that a Retry-After it cannot read is ignored (its own backoff applies)
    instead of failing the request with urllib3's InvalidHeader, and each retry is logged as a warning
    (urllib3 logs those after an HTTP status at debug level only)."""

    def increment(self, *args, **kwargs) -> _Retry:
        retry = super().increment(*args, **kwargs)
        last = retry.history[-1]
        log.warning(
            "GET %s: %s; retry %d",
            _redact_query(str(last.url)),
            f"HTTP {last.status}" if last.status else f"{type(last.error).__name__}: {last.error}",
            len(retry.history),
        )
        return retry

    def retry_after(self, value: str) -> float | None:
        try:
            return self.parse_retry_after(value)
        except InvalidHeader:
            return None

    def get_retry_after(self, response) -> float | None:
        value = response.headers.get("Retry-After")
        return None if value is None else self.retry_after(value)


_BODY_READ_BYTES = 1 << 20


class _DeadlinePassed(Exception):
    """The answer was not complete by the request's deadline (handled like a timeout: retried)."""


class _TooLarge(Exception):
    """The answer is bigger than the cap (not retried: it would be as big again)."""


def _read_body(response: requests.Response, deadline: float, read_timeout: float, max_bytes: int) -> bytes:
    """The body of a streamed answer, in reads of up to 1 MiB (requests' own 10 KiB reads cost twice the
    CPU on a 4 MB page), by the monotonic `deadline` and at most `max_bytes` (decoded).

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
        sock = getattr(raw.connection, "sock", None)
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
            return b"".join(parts)
        size += len(chunk)
        if size > max_bytes:
            raise _TooLarge("cut off there")
        parts.append(chunk)


@dataclass(frozen=True)
class _Answer:
    status_code: int
    headers: Mapping[str, str]
    content: bytes


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
        adapter = HTTPAdapter(max_retries=self.retry.urllib3_retry())
        self._http.mount("http://", adapter)
        self._http.mount("https://", adapter)
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
            return json.loads(response.content)
        except ValueError:
            raise SourceResponseError(
                f"{self.source_name}: {shown} returned invalid or truncated JSON "
                f"({len(response.content)} bytes) for {params}",
                response.status_code,
            ) from None

    def get_file(
        self, path: str, if_none_match: str | None = None, if_modified_since: str | None = None
    ) -> FileResponse:
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
        return FileResponse(
            url=self._urls(path)[1],
            not_modified=response.status_code == 304,
            content=b"" if response.status_code == 304 else response.content,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
        )

    def _urls(self, path: str) -> tuple[str, str]:
        """(the URL to request, the URL to show) for a path under the base URL or an absolute URL."""
        if urlsplit(path).scheme:
            return path, redact_url(path)
        return f"{self.base_url}{path}", f"{self.public_url}{path}"

    def _get(self, path: str, params: dict[str, object], headers: dict[str, str], accepted: tuple[int, ...]) -> _Answer:
        """The answer to a GET, its body read whole. urllib3's `Retry` (mounted on the session) retries a
        request that cannot connect, gets no headers in time, or is answered 429/5xx; an answer that then
        fails while its body is read (too slow for the deadline, cut off) is asked again here, by the same
        policy (its own `attempts`)."""
        url, shown = self._urls(path)
        if urlsplit(url).netloc != urlsplit(self.base_url).netloc:
            headers = {**headers, "Authorization": None}  # the token is for the source's own host only
        page = f"{shown} {self._scrub(str(params))}" if params else shown
        policy = self.retry
        body_retry = policy.urllib3_retry()
        while True:
            try:
                response = self._http.get(
                    url,
                    params=params,
                    headers=headers,
                    stream=True,
                    timeout=(policy.timeout_seconds, min(policy.timeout_seconds, policy.deadline_seconds)),
                )
            except (requests.ConnectionError, requests.Timeout) as exc:  # urllib3 retried it already
                raise self._unavailable(self._scrub(f"{type(exc).__name__}: {exc}"), page) from None
            except (
                requests.exceptions.InvalidURL,
                requests.exceptions.InvalidSchema,
                requests.exceptions.MissingSchema,
            ) as exc:  # asking again cannot help
                raise SourceResponseError(
                    f"{self.source_name}: {shown} cannot be requested: {self._scrub(f'{type(exc).__name__}: {exc}')}"
                ) from None
            # the deadline counts from the last try's request (`elapsed`: until its headers came)
            deadline = time.monotonic() + policy.deadline_seconds - response.elapsed.total_seconds()
            try:
                body = _read_body(response, deadline, policy.timeout_seconds, policy.max_body_bytes)
            except _TooLarge as exc:
                raise SourceResponseError(
                    f"{self.source_name}: {page} answered more than the {policy.max_body_bytes} bytes allowed ({exc}): "
                    "refused. Ask the source for smaller pages, or raise PAR_HTTP_MAX_RESPONSE_BYTES if "
                    "answers this big are expected.",
                    response.status_code,
                ) from None
            except (_DeadlinePassed, requests.ConnectionError, requests.Timeout) as exc:
                if isinstance(exc, _DeadlinePassed):
                    problem = (
                        f"no complete answer within the {policy.deadline_seconds:g} s deadline of a request "
                        f"({exc}; PAR_HTTP_DEADLINE_SECONDS)"
                    )
                else:
                    problem = self._scrub(f"{type(exc).__name__}: {exc}")
                try:
                    body_retry = body_retry.increment(method="GET", url=shown, error=exc)
                except urllib3.exceptions.MaxRetryError:
                    raise self._unavailable(problem, page) from None
                body_retry.sleep()
                continue
            finally:
                response.close()  # a body left half read drops its connection; a whole one is back in the pool
            answer = _Answer(response.status_code, response.headers, body)
            if answer.status_code in accepted:
                return answer
            if answer.status_code in RETRYABLE_STATUS:  # still so after urllib3's retries
                raise self._unavailable(f"HTTP {answer.status_code}", page)
            raise SourceResponseError(
                f"{self.source_name}: {shown} answered HTTP {answer.status_code}: "
                f"{self._scrub(body.decode('utf-8', 'replace'))[:300]}",
                answer.status_code,
            )

    def _unavailable(self, problem: str, page: str) -> SourceUnavailableError:
        return SourceUnavailableError(
            f"{self.source_name} is unavailable at {self.public_url}: {problem} after {self.retry.attempts} attempts "
            f"(page {page}). Check the source's status and URL; the next run resumes from the last landed page."
        )
