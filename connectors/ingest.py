"""Pull pages from a source and land them, resumably: the same loop for every source.

A pull is identified by a state key (for an API, its time window). Each page is flattened into
tables as it arrives; once `batch_rows` records are pending, every dataset is landed as one part
and the source's cursor saved;
a crash loses at most the unsaved buffer, and the next run with the same key resumes after the
last landed page under the same load id. With `read_ahead`, the pages are fetched in a background
thread while the ones before them are flattened and landed (`ReadAhead`).
"""

from __future__ import annotations

import gc
import logging
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pyarrow as pa

from connectors.http_session import redact_url
from connectors.landing import LandingZone, new_load_id

log = logging.getLogger(__name__)
# A pull's progress, page by page, at DEBUG level with `extra={"progress": {"source", "pages", "records"}}`:
# what a terminal's live line shows (orchestration/console.py); nothing listens by default.
PROGRESS_LOGGER = f"{__name__}.progress"
progress_log = logging.getLogger(PROGRESS_LOGGER)

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
    return (
        table.append_column("_load_id", pa.repeat(pa.scalar(load_id, pa.string()), n))
        .append_column("_source", pa.repeat(pa.scalar(source_uri, pa.string()), n))
        .append_column("_loaded_at", pa.repeat(pa.scalar(loaded_at, pa.timestamp("us", tz="UTC")), n))
        .append_column("_page", pa.repeat(pa.scalar(part, pa.int32()), n))
    )


class _Failure:
    def __init__(self, error: BaseException):
        self.error = error


_END = object()


def _read(pages: Iterator[Page], out: queue.Queue, stop: threading.Event) -> None:
    """The background thread of `ReadAhead`: every page, then _END or the failure, into `out`."""

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                out.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    try:
        for page in pages:
            if not put(page):
                return
            del page  # held only by the queue, then by the consumer
        put(_END)
    except BaseException as error:  # noqa: BLE001 - raised again in the consumer's thread
        put(_Failure(error))
    finally:
        close = getattr(pages, "close", None)
        if close is not None:
            close()


class ReadAhead:
    """The pages of `pages`, fetched in a background thread, at most `depth` waiting to be taken.

    The next page is fetched (the wait for the source, and a decoder that releases the GIL such as
    Arrow's JSON reader) while the current one is flattened and landed. At most `depth` + 2 pages are
    held: the one being landed, `depth` waiting, one being fetched. The source's failure is raised
    by `next` in the order it happened, after the pages fetched before it. `close` stops the thread
    once its request in flight is done; the pages it fetched ahead are dropped, not landed (the
    cursor saved is the last landed page's, so the next run fetches them again).
    """

    def __init__(self, pages: Iterator[Page], depth: int = 1):
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._ended = False
        self._thread = threading.Thread(
            target=_read, args=(pages, self._queue, self._stop), daemon=True, name="land_pull-read-ahead"
        )
        self._thread.start()

    def __iter__(self) -> ReadAhead:
        return self

    def __next__(self) -> Page:
        if self._ended:
            raise StopIteration
        item = self._queue.get()
        if item is _END or isinstance(item, _Failure):
            self._ended = True
            if item is _END:
                raise StopIteration
            raise item.error
        return item

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._ended = True
        while not self._queue.empty():  # pages fetched ahead and not landed
            self._queue.get_nowait()


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


def land_pull(
    landing: LandingZone,
    source: str,
    state_key: str,
    source_uri: str,
    fetch: PageSource,
    flatten: Flattener,
    batch_rows: int = 20_000,
    land_empty: bool = False,
    read_ahead: int = 0,
    why_not_resume: Callable[[str | None], str | None] | None = None,
) -> LoadSummary:
    """Land every page `fetch` yields, resumably under `state_key`.

    `land_empty`: a pull that found no record still lands one (empty) part per dataset, so the
    load exists for the gate and the warehouse (a snapshot source whose snapshot is empty).
    `read_ahead`: pages fetched ahead in a background thread (`ReadAhead`); only for a page source
    whose fetching has no side effect (an API's GETs), as it runs ahead of what is landed.
    `why_not_resume`: given an unfinished pull's cursor, why it cannot be resumed (e.g. the export file
    was replaced since: connectors/file_cursor.py), or None. If it cannot, a new load lands the source
    from its start; the unfinished load is never completed, so never gated nor read.
    The pull holds the state's lock (`LandingZone.state_lock`) from reading the state to its last write:
    a second process pulling the same key waits, then resumes or starts after what this one landed.
    """
    with landing.state_lock(source, state_key):
        return _land_pull(
            landing, source, state_key, source_uri, fetch, flatten, batch_rows, land_empty, read_ahead, why_not_resume
        )


def _land_pull(
    landing: LandingZone,
    source: str,
    state_key: str,
    source_uri: str,
    fetch: PageSource,
    flatten: Flattener,
    batch_rows: int,
    land_empty: bool,
    read_ahead: int,
    why_not_resume: Callable[[str | None], str | None] | None,
) -> LoadSummary:
    source_uri = redact_url(source_uri)  # `_source` and the state never hold credentials
    state = landing.read_state(source, state_key)
    why = why_not_resume(state["cursor"]) if why_not_resume and state and not state["complete"] else None
    if why:
        log.warning("%s: not resuming load %s: %s; a new load starts from the beginning", source, state["load_id"], why)
        state = None
    if state and not state["complete"]:
        summary = LoadSummary(
            source,
            state["load_id"],
            source_uri,
            date.fromisoformat(state["load_date"]),
            resumed=True,
            parts=state["parts"],
            records=state["records"],
            rows=state["rows"],
        )
        cursor = state["cursor"]
        log.info("%s: resuming load %s after part %d", source, summary.load_id, summary.parts)
    else:
        now = datetime.now(UTC)
        summary = LoadSummary(source, new_load_id(now), source_uri, now.date())
        cursor = None

    def save(complete: bool) -> None:
        landing.write_state(
            source,
            state_key,
            {
                "load_id": summary.load_id,
                "load_date": summary.load_date.isoformat(),
                "cursor": cursor,
                "parts": summary.parts,
                "records": summary.records,
                "rows": summary.rows,
                "complete": complete,
                "source_uri": source_uri,
            },
        )

    # Each page is flattened as it arrives and only its tables are kept: memory is bounded by
    # `batch_rows` landed rows in Arrow, not by the window, and a page's records are freed at once.
    pending: dict[str, list[pa.Table]] = {}
    pending_records = 0

    def flush() -> None:
        nonlocal pending_records
        loaded_at = datetime.now(UTC)
        tables = (
            {dataset: pa.concat_tables(parts, promote_options="default") for dataset, parts in pending.items()}
            if pending
            else flatten([])
        )
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
    pages_read = 0
    pages = ReadAhead(iter(fetch(cursor)), read_ahead) if read_ahead else iter(fetch(cursor))
    try:
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
            pages_read += 1
            if progress_log.isEnabledFor(logging.DEBUG):
                done = summary.records + pending_records
                progress = {"source": source, "pages": pages_read, "records": done}
                progress_log.debug("%s: %d pages, %d records", source, pages_read, done, extra={"progress": progress})
            if pending_records >= batch_rows:
                flush()
                cursor = latest_cursor
                save(complete=False)
    finally:
        if isinstance(pages, ReadAhead):
            pages.close()
    if pending_records or (land_empty and summary.parts == 0):
        flush()
        cursor = latest_cursor
    save(complete=True)
    log.info("%s: load %s landed %d records in %d parts", source, summary.load_id, summary.records, summary.parts)
    return summary
