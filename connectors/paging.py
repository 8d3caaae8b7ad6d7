"""Keyset-cursor paging over a source API: the loop every paged source shares.

A page is `{"data": [...], "next_cursor": "..." | null}`; the next request carries the cursor of
the page before it. A page served again (a proxy or the source replaying: the same cursor comes
back) is skipped, up to `max_repeats` times in a row.
"""
from __future__ import annotations

from collections.abc import Iterator

from connectors.http_session import SourceResponseError, SourceSession
from connectors.ingest import Page

MAX_REPEATED_PAGES = 5
# Window bounds and versions of the sources that speak ISO 8601 (the registries), local time UTC+7.
ISO_FORMAT = "%Y-%m-%dT%H:%M:%S"


def cursor_pages(session: SourceSession, path: str, params: dict[str, object], cursor: str | None = None,
                 max_repeats: int = MAX_REPEATED_PAGES) -> Iterator[Page]:
    """(records, cursor after them) for every page of `path` with `params`, from `cursor` on."""
    repeats = 0
    while True:
        query = dict(params)
        if cursor:
            query["cursor"] = cursor
        body = session.get_json(path, query)
        data = body.get("data") if isinstance(body, dict) else None
        next_cursor = body.get("next_cursor") if isinstance(body, dict) else None
        if not isinstance(data, list):
            raise SourceResponseError(f"{session.source_name}: a page without a 'data' list for {query}")
        if cursor and next_cursor == cursor:
            repeats += 1
            if repeats >= max_repeats:
                raise SourceResponseError(f"{session.source_name}: the page after cursor {cursor!r} was "
                                          f"served {repeats} times without progress")
            continue
        repeats = 0
        if next_cursor is None:
            yield data, cursor
            return
        yield data, next_cursor
        cursor = next_cursor
