"""One HTTP client for every source API: bearer auth, timeouts, retries with backoff that honour Retry-After."""
from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass

import requests

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


class SourceUnavailableError(RuntimeError):
    """The source kept failing after every retry: nothing more can be pulled now."""


class SourceResponseError(RuntimeError):
    """The source answered, but not with something we can use (4xx, invalid or truncated JSON)."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6
    backoff_seconds: float = 0.5
    max_backoff_seconds: float = 30.0
    timeout_seconds: float = 30.0

    def delay(self, attempt: int, retry_after: str | None) -> float:
        if retry_after:
            try:
                return min(float(retry_after), self.max_backoff_seconds)
            except ValueError:
                pass  # an HTTP date: fall back to our own backoff
        return min(self.backoff_seconds * 2 ** attempt, self.max_backoff_seconds) * random.uniform(0.8, 1.2)


class SourceSession:
    """GET JSON from one source; `source_name` appears in every error so a failed run names its source."""

    def __init__(self, source_name: str, base_url: str, token: str | None, retry: RetryPolicy | None = None):
        self.source_name = source_name
        self.base_url = base_url.rstrip("/")
        self.retry = retry or RetryPolicy()
        self._http = requests.Session()
        if token:
            self._http.headers["Authorization"] = f"Bearer {token}"
        self._http.headers["Accept"] = "application/json"

    def get_json(self, path: str, params: dict[str, object]) -> dict:
        url = f"{self.base_url}{path}"
        last_problem = "no attempt made"
        for attempt in range(self.retry.attempts):
            try:
                response = self._http.get(url, params=params, timeout=self.retry.timeout_seconds)
            except (requests.ConnectionError, requests.Timeout) as exc:
                last_problem = f"{type(exc).__name__}: {exc}"
                retry_after = None
            else:
                if response.status_code == 200:
                    try:
                        return response.json()
                    except ValueError:
                        raise SourceResponseError(
                            f"{self.source_name}: {url} returned invalid or truncated JSON "
                            f"({len(response.content)} bytes) for {params}") from None
                if response.status_code not in RETRYABLE_STATUS:
                    raise SourceResponseError(
                        f"{self.source_name}: {url} answered HTTP {response.status_code}: {response.text[:300]}")
                last_problem = f"HTTP {response.status_code}"
                retry_after = response.headers.get("Retry-After")
            if attempt + 1 < self.retry.attempts:
                wait = self.retry.delay(attempt, retry_after)
                log.warning("%s: %s (attempt %d/%d), retrying in %.1fs", self.source_name, last_problem,
                            attempt + 1, self.retry.attempts, wait)
                time.sleep(wait)
        raise SourceUnavailableError(
            f"{self.source_name} is unavailable at {self.base_url}: {last_problem} after {self.retry.attempts} attempts. "
            "Check the source's status and URL; the next run resumes from the last landed page.")
