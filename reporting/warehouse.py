"""Read-only queries on the warehouse, whichever engine holds it: the DuckDB file or the PostgreSQL
server of the `postgres` dbt target. Queries are written once, with `?` placeholders; no Dagster
import, and no configuration of its own: the caller says where the warehouse is (for PostgreSQL, a
function that opens the connection: orchestration/postgres.py's `connect`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any


class Warehouse:
    """An open read-only connection: rows(sql, *params) -> a list of dicts (column -> value)."""

    def __init__(self, cursor, placeholder: str, name: str):
        self._cursor, self._placeholder, self.name = cursor, placeholder, name

    def rows(self, sql: str, *params) -> list[dict]:
        if params:
            self._cursor.execute(sql.replace("?", self._placeholder), list(params))
        else:  # as written: a literal `%` or `?` stays one
            self._cursor.execute(sql)
        names = [d[0] for d in self._cursor.description]
        return [dict(zip(names, row)) for row in self._cursor.fetchall()]


@contextmanager
def open_warehouse(
    target: str,
    duckdb_path: Path,
    connect_postgres: Callable[[], Any] | None = None,
    duckdb_config: Mapping[str, Any] | None = None,
) -> Iterator[Warehouse]:
    """The warehouse of `target`: "duckdb", the file at duckdb_path, opened with `duckdb_config` (the
    memory limit and threads of the caller's settings: orchestration/duckdb_session.py); "postgres", the
    server that `connect_postgres()` opens a (psycopg2) connection to."""
    if target == "postgres":
        if connect_postgres is None:
            raise ValueError("the postgres warehouse needs connect_postgres, the function that opens its connection")
        con = connect_postgres()
        try:
            con.set_session(readonly=True)
            with con.cursor() as cursor:
                params = con.get_dsn_parameters()
                yield Warehouse(cursor, "%s", f"{params.get('dbname')} ({params.get('host')})")
        finally:
            con.close()
        return
    import duckdb

    with duckdb.connect(str(duckdb_path), read_only=True, config=dict(duckdb_config or {})) as con:
        yield Warehouse(con, "?", Path(duckdb_path).name)
