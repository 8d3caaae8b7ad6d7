"""The sandbox one-stop-shop's API and export file, over the generated dossiers.

`GET /api/v1/dossiers?updated_since=&updated_until=&page_size=&cursor=` lists the dossiers that
changed in [updated_since, updated_until), each as the system showed it just before
`updated_until`, ordered by (NgayCapNhat, MaHoSo) and paged by an opaque keyset cursor.
"""

from __future__ import annotations

import base64
import bisect
import json
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from connectors.sandbox.one_stop_shop_data import DATE_FORMAT, OneStopShopSandbox, SandboxConfig
from connectors.sandbox.server import SANDBOX_TOKEN, SandboxServer

DOSSIERS_PATH = "/api/v1/dossiers"
MAX_PAGE_SIZE = 2000


def _parse(text: str | None, name: str, default: datetime) -> datetime:
    if not text:
        return default
    try:
        return datetime.strptime(text, DATE_FORMAT)
    except ValueError:
        raise ValueError(f"{name} must be yyyyMMddHHmmss, got {text!r}") from None


def _encode_cursor(version: str, code: str) -> str:
    return base64.urlsafe_b64encode(f"{version}|{code}".encode()).decode()


def _decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        version, code = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
    except Exception:  # noqa: BLE001 - any malformed cursor is the client's error
        raise ValueError(f"invalid cursor {cursor!r}") from None
    return version, code


@dataclass(frozen=True)
class ListingQuery:
    """The listing's query: its window, page size and the cursor's (version, code), if any."""

    since: datetime
    until: datetime
    page_size: int
    cursor: tuple[str, str] | None

    @property
    def as_of(self) -> str:
        """The moment the listing shows the dossiers as of: just before the window's end."""
        return (self.until - timedelta(seconds=1)).strftime(DATE_FORMAT)

    @classmethod
    def parse(cls, query: dict[str, str], clock: datetime) -> ListingQuery:
        """`clock`: the source's now; a window cannot end after it. Raises ValueError (HTTP 400)."""
        since = _parse(query.get("updated_since"), "updated_since", datetime(2000, 1, 1))
        until = min(_parse(query.get("updated_until"), "updated_until", clock), clock)
        page_size = int(query.get("page_size", 500))
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1..{MAX_PAGE_SIZE}")
        return cls(since, until, page_size, _decode_cursor(query["cursor"]) if query.get("cursor") else None)


class OneStopShopApi:
    def __init__(self, sandbox: OneStopShopSandbox):
        self.sandbox = sandbox
        changes = sorted((t, i) for i, d in enumerate(sandbox.dossiers) for t in d.change_times)
        self._change_times = [t for t, _ in changes]
        self._change_owner = [i for _, i in changes]
        self._windows: OrderedDict[tuple[datetime, datetime], list[tuple[str, str, int]]] = OrderedDict()

    def _window(self, since: datetime, until: datetime) -> list[tuple[str, str, int]]:
        """(version, code, index) of every dossier that changed in [since, until), sorted."""
        key = (since, until)
        if key not in self._windows:
            lo = bisect.bisect_left(self._change_times, since)
            hi = bisect.bisect_left(self._change_times, until)
            as_of = until - timedelta(seconds=1)
            rows = []
            for i in set(self._change_owner[lo:hi]):
                d = self.sandbox.dossiers[i]
                rows.append((d.version_at(as_of).strftime(DATE_FORMAT), d.code, i))
            rows.sort()
            self._windows[key] = rows
            while len(self._windows) > 4:
                self._windows.popitem(last=False)
        return self._windows[key]

    def list_dossiers(self, query: dict[str, str]) -> tuple[int, dict]:
        listing = ListingQuery.parse(query, self.sandbox.config.clock + timedelta(seconds=1))
        page_size = listing.page_size
        rows = self._window(listing.since, listing.until)
        start = 0
        if listing.cursor:
            start = bisect.bisect_right(rows, listing.cursor + (len(self.sandbox.dossiers),))
        page = rows[start : start + page_size]
        as_of = listing.until - timedelta(seconds=1)
        data = [self.sandbox.dossiers[i].payload(as_of) for _, _, i in page]
        if start > 0 and "duplicate_on_next_page" in self.sandbox.dossiers[rows[start - 1][2]].defects:
            data.insert(0, self.sandbox.dossiers[rows[start - 1][2]].payload(as_of))  # the source's own defect
        more = start + page_size < len(rows)
        return 200, {
            "data": data,
            "next_cursor": _encode_cursor(page[-1][0], page[-1][1]) if more and page else None,
            "total": len(rows),
            "as_of": listing.as_of,
        }

    def routes(self) -> dict:
        return {DOSSIERS_PATH: self.list_dossiers}


def write_export(sandbox: OneStopShopSandbox, path: Path) -> int:
    """The vendor's export: every dossier as of the sandbox's clock, one JSON payload per line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    count = 0
    with open(tmp, "w", encoding="utf-8") as f:
        for d in sandbox.dossiers:
            payload = d.payload(sandbox.config.clock)
            if payload is not None:
                f.write(json.dumps(payload, ensure_ascii=False) + "\n")
                count += 1
    tmp.replace(path)
    return count


def start_one_stop_shop_server(
    config: SandboxConfig | None = None, token: str = SANDBOX_TOKEN, port: int = 0
) -> tuple[SandboxServer, OneStopShopApi]:
    api = OneStopShopApi(OneStopShopSandbox(config))
    return SandboxServer(api.routes(), token=token, port=port).start(), api
