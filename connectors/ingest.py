"""Pull pages from a source and land them, resumably: the same loop for every source.

A pull is identified by a state key (for an API, its time window). Each page is flattened into
tables as it arrives; once `batch_rows` records are pending, every dataset is landed as one part
and the source's cursor saved;
a crash loses at most the unsaved buffer, and the next run with the same key resumes after the
last landed page under the same load id.
"""
from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

import pyarrow as pa

from connectors.http_session import redact_url
from connectors.landing import LandingZone, new_load_id

log = logging.getLogger(__name__)

# (records, cursor after them); the cursor is opaque to this module.
Page = tuple[list[dict], str | None]
PageSource = Callable[[str | None], Iterator[Page]]
Flattener = Callable[[list[dict]], dict[str, pa.Table]]


@dataclass
class LoadSummary:
    source: str
    load_id: str
    source_uri: str
    load_date: date
    resumed: bool = False
    parts: int = 0
    records: int = 0
    rows: dict[str, int] = field(default_factory=dict)


def _with_batch_columns(table: pa.Table, load_id: str, source_uri: str, loaded_at: datetime, part: int) -> pa.Table:
    n = table.num_rows
    return (table.append_column("_load_id", pa.repeat(pa.scalar(load_id, pa.string()), n))
            .append_column("_source", pa.repeat(pa.scalar(source_uri, pa.string()), n))
            .append_column("_loaded_at", pa.repeat(pa.scalar(loaded_at, pa.timestamp("us", tz="UTC")), n))
            .append_column("_page", pa.repeat(pa.scalar(part, pa.int32()), n)))


@contextmanager
def _collector_paused():
    """No cyclic garbage collection while a page is decoded and flattened.

    A page is a few hundred thousand dicts and lists, none in a cycle; left on, the collector
    walks them again and again as they are allocated (a third of a pull's time). They are freed by
    reference counting once flattened, before the collector is on again.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def land_pull(landing: LandingZone, source: str, state_key: str, source_uri: str,
              fetch: PageSource, flatten: Flattener, batch_rows: int = 20_000, land_empty: bool = False) -> LoadSummary:
    """Land every page `fetch` yields, resumably under `state_key`.

    `land_empty`: a pull that found no record still lands one (empty) part per dataset, so the
    load exists for the gate and the warehouse (a snapshot source whose snapshot is empty).
    """
    source_uri = redact_url(source_uri)  # `_source` and the state never hold credentials
    state = landing.read_state(source, state_key)
    if state and not state["complete"]:
        summary = LoadSummary(source, state["load_id"], source_uri, date.fromisoformat(state["load_date"]),
                              resumed=True, parts=state["parts"], records=state["records"], rows=state["rows"])
        cursor = state["cursor"]
        log.info("%s: resuming load %s after part %d", source, summary.load_id, summary.parts)
    else:
        now = datetime.now(timezone.utc)
        summary = LoadSummary(source, new_load_id(now), source_uri, now.date())
        cursor = None

    def save(complete: bool) -> None:
        landing.write_state(source, state_key, {
            "load_id": summary.load_id, "load_date": summary.load_date.isoformat(), "cursor": cursor,
            "parts": summary.parts, "records": summary.records, "rows": summary.rows, "complete": complete,
            "source_uri": source_uri,
        })

    # Each page is flattened as it arrives and only its tables are kept: memory is bounded by
    # `batch_rows` landed rows in Arrow, not by the window, and a page's records are freed at once.
    pending: dict[str, list[pa.Table]] = {}
    pending_records = 0

    def flush() -> None:
        nonlocal pending_records
        loaded_at = datetime.now(timezone.utc)
        tables = ({dataset: pa.concat_tables(parts, promote_options="default") for dataset, parts in pending.items()}
                  if pending else flatten([]))
        for dataset, table in tables.items():
            table = _with_batch_columns(table, summary.load_id, source_uri, loaded_at, summary.parts)
            landing.write_batch(source, dataset, summary.load_date, summary.load_id, summary.parts, table)
            summary.rows[dataset] = summary.rows.get(dataset, 0) + table.num_rows
        summary.records += pending_records
        summary.parts += 1
        pending.clear()
        pending_records = 0
        pa.default_memory_pool().release_unused()  # the allocator would keep the part's memory for later

    save(complete=False)
    latest_cursor = cursor
    pages = iter(fetch(cursor))
    while True:
        with _collector_paused():
            page = next(pages, None)
            if page is None:
                break
            records, next_cursor = page
            for dataset, table in flatten(records).items():
                pending.setdefault(dataset, []).append(table)
            pending_records += len(records)
            del page, records  # freed here, by reference counting, unless `fetch` still holds them
        latest_cursor = next_cursor
        if pending_records >= batch_rows:
            flush()
            cursor = latest_cursor
            save(complete=False)
    if pending_records or (land_empty and summary.parts == 0):
        flush()
        cursor = latest_cursor
    save(complete=True)
    log.info("%s: load %s landed %d records in %d parts", source, summary.load_id, summary.records, summary.parts)
    return summary
