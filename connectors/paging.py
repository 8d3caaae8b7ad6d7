"""Keyset-cursor paging over a source API: the loop every paged source shares.

A page is `{"data": [...], "next_cursor": "..." | null}`; the next request carries the cursor of
the page before it. A page served again (a proxy or the source replaying: the same cursor comes
back) is skipped, up to `max_repeats` times in a row. A cursor that comes back after other pages
(A -> B -> A: a cycle) would page forever: it fails the pull, naming the source and the cursor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from connectors.http_session import SourceResponseError, SourceSession
from connectors.ingest import Page

MAX_REPEATED_PAGES = 5
# Window bounds and versions of the sources that speak ISO 8601 (the registries), local time UTC+7.
ISO_FORMAT = "%Y-%m-%dT%H:%M:%S"


# A page's body -> (its records, its next_cursor), or None to have it decoded as plain JSON.
PageDecoder = Callable[[bytes], Page | None]


def cursor_pages(
    session: SourceSession,
    path: str,
    params: dict[str, object],
    cursor: str | None = None,
    max_repeats: int = MAX_REPEATED_PAGES,
    decode: PageDecoder | None = None,
) -> Iterator[Page]:
    """(records, cursor after them) for every page of `path` with `params`, from `cursor` on.

    `decode` (e.g. `one_stop_shop.read_dossier_page`: straight into Arrow) is tried on each page's
    body first; the records it gives need only have a length, for the one flattener that knows them."""
    return _CursorPages(session, path, params, cursor, max_repeats, decode)


class _CursorPages:
    """An iterator rather than a generator: it holds nothing of a page it has returned, so the
    caller frees each page as soon as it is done with it."""

    def __init__(
        self,
        session: SourceSession,
        path: str,
        params: dict[str, object],
        cursor: str | None,
        max_repeats: int,
        decode: PageDecoder | None,
    ):
        self.session, self.path, self.params, self.cursor, self.max_repeats = session, path, params, cursor, max_repeats
        self.decode = decode
        self.done = False
        self.seen = {cursor} if cursor else set()  # every cursor followed: one coming back is a cycle

    def __iter__(self) -> _CursorPages:
        return self

    def __next__(self) -> Page:
        repeats = 0
        while not self.done:
            query = dict(self.params)
            if self.cursor:
                query["cursor"] = self.cursor
            body = self.session.get_json(self.path, query, self.decode)
            if isinstance(body, tuple):  # decoded by `decode`
                data, next_cursor = body
            else:
                data = body.get("data") if isinstance(body, dict) else None
                next_cursor = body.get("next_cursor") if isinstance(body, dict) else None
                if not isinstance(data, list):
                    raise SourceResponseError(f"{self.session.source_name}: a page without a 'data' list for {query}")
            if self.cursor and next_cursor == self.cursor:
                repeats += 1
                if repeats >= self.max_repeats:
                    raise SourceResponseError(
                        f"{self.session.source_name}: the page after cursor {self.cursor!r} "
                        f"was served {repeats} times without progress"
                    )
                continue
            if next_cursor is None:
                self.done = True
                return data, self.cursor
            if next_cursor in self.seen:
                raise SourceResponseError(
                    f"{self.session.source_name}: the page after cursor {self.cursor!r} ({self.path}) points back to "
                    f"cursor {next_cursor!r}, already followed in this pull: a cycle, the pull would never end. Nothing after the last landed page is landed; ask the source to fix "
                    "its paging."
                )
            self.seen.add(next_cursor)
            self.cursor = next_cursor
            return data, next_cursor
        raise StopIteration
