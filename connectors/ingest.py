"""Pull pages from a source and land them, resumably: the same loop for every source.

A pull is identified by a state key (for an API, its time window). Pages are buffered up to
`batch_rows` records, then every dataset of the buffer is landed and the source's cursor saved;
a crash loses at most the unsaved buffer, and the next run with the same key resumes after the
last landed page under the same load id.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
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
    return (table.append_column("_load_id", pa.array([load_id] * n, pa.string()))
            .append_column("_source", pa.array([source_uri] * n, pa.string()))
            .append_column("_loaded_at", pa.array([loaded_at] * n, pa.timestamp("us", tz="UTC")))
            .append_column("_page", pa.array([part] * n, pa.int32())))


def land_pull(landing: LandingZone, source: str, state_key: str, source_uri: str,
              fetch: PageSource, flatten: Flattener, batch_rows: int = 20_000, land_empty: bool = False) -> LoadSummary:
    """Land every page of `fetch` under one load id (see the module doc). With `land_empty`, a pull
    that finds no record still lands its datasets, empty, so the warehouse can read the source."""
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

    buffer: list[dict] = []

    def flush() -> None:
        loaded_at = datetime.now(timezone.utc)
        for dataset, table in flatten(buffer).items():
            table = _with_batch_columns(table, summary.load_id, source_uri, loaded_at, summary.parts)
            landing.write_batch(source, dataset, summary.load_date, summary.load_id, summary.parts, table)
            summary.rows[dataset] = summary.rows.get(dataset, 0) + table.num_rows
        summary.records += len(buffer)
        summary.parts += 1
        buffer.clear()

    save(complete=False)
    for records, next_cursor in fetch(cursor):
        buffer.extend(records)
        latest_cursor = next_cursor
        if len(buffer) >= batch_rows:
            flush()
            cursor = latest_cursor
            save(complete=False)
    if buffer or (land_empty and summary.parts == 0):
        flush()
        cursor = latest_cursor
    save(complete=True)
    log.info("%s: load %s landed %d records in %d parts", source, summary.load_id, summary.records, summary.parts)
    return summary
