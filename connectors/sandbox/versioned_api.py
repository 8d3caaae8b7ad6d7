"""A paged listing of versioned records, as the registries' APIs serve them.

`GET <path>?updated_since=&updated_until=&page_size=&cursor=` lists the records that changed in
[updated_since, updated_until) (ISO 8601 local time, `YYYY-MM-DDTHH:MM:SS`), each as it stood just
before `updated_until`, ordered by (version time, key) and paged by an opaque keyset cursor.
A record is anything with `key`, `change_times` (sorted datetimes) and `payload(as_of)`.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from connectors.paging import ISO_FORMAT

# The same opaque keyset cursor as the one-stop-shop API: base64 of "<version>|<key>".
from connectors.sandbox.one_stop_shop_api import _decode_cursor as _decode
from connectors.sandbox.one_stop_shop_api import _encode_cursor as _encode

MAX_PAGE_SIZE = 5000


class Versioned(Protocol):
    key: str
    change_times: Sequence[datetime]

    def payload(self, as_of: datetime) -> dict: ...


def parse_time(text: str | None, name: str, default: datetime) -> datetime:
    if not text:
        return default
    try:
        return datetime.strptime(text, ISO_FORMAT)
    except ValueError:
        raise ValueError(f"{name} must be YYYY-MM-DDTHH:MM:SS, got {text!r}") from None


class VersionedListing:
    def __init__(self, records: Sequence[Versioned], clock: datetime):
        self.records = records
        self.clock = clock
        changes = sorted((t, i) for i, r in enumerate(records) for t in r.change_times)
        self._times = [t for t, _ in changes]
        self._owners = [i for _, i in changes]
        self._windows: OrderedDict[tuple[datetime, datetime], list[tuple[str, str, int]]] = OrderedDict()

    def _window(self, since: datetime, until: datetime) -> list[tuple[str, str, int]]:
        """(version, key, index) of every record that changed in [since, until), sorted; the last
        few windows are kept, since a pull asks for the same window once per page."""
        if (since, until) not in self._windows:
            self._windows[(since, until)] = self._compute_window(since, until)
            while len(self._windows) > 4:
                self._windows.popitem(last=False)
        return self._windows[(since, until)]

    def _compute_window(self, since: datetime, until: datetime) -> list[tuple[str, str, int]]:
        lo, hi = bisect.bisect_left(self._times, since), bisect.bisect_left(self._times, until)
        rows = []
        for i in set(self._owners[lo:hi]):
            record = self.records[i]
            latest = record.change_times[bisect.bisect_left(record.change_times, until) - 1]
            rows.append((latest.strftime(ISO_FORMAT), record.key, i))
        rows.sort()
        return rows

    def list(self, query: dict[str, str]) -> tuple[int, dict]:
        clock = self.clock + timedelta(seconds=1)
        since = parse_time(query.get("updated_since"), "updated_since", datetime(2000, 1, 1))
        until = min(parse_time(query.get("updated_until"), "updated_until", clock), clock)
        page_size = int(query.get("page_size", 1000))
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1..{MAX_PAGE_SIZE}")
        rows = self._window(since, until)
        start = bisect.bisect_right(rows, _decode(query["cursor"]) + (len(self.records),)) if query.get("cursor") else 0
        page = rows[start : start + page_size]
        as_of = until - timedelta(seconds=1)
        more = start + page_size < len(rows)
        return 200, {
            "data": [self.records[i].payload(as_of) for _, _, i in page],
            "next_cursor": _encode(page[-1][0], page[-1][1]) if more and page else None,
            "total": len(rows),
            "as_of": as_of.strftime(ISO_FORMAT),
        }
