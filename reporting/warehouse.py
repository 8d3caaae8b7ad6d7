"""Read-only queries on the warehouse, whichever engine holds it: the DuckDB file or the PostgreSQL
server of the `postgres` dbt target (orchestration/postgres.py's connection). Queries are written
once, with `?` placeholders; no Dagster import."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


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
def open_warehouse(target: str, duckdb_path: Path) -> Iterator[Warehouse]:
    """The warehouse of `target` ("duckdb": the file at duckdb_path; "postgres": the PAR_PG_* server)."""
    if target == "postgres":
        from orchestration.postgres import connect, connection_params

        params = connection_params()
        con = connect()
        try:
            con.set_session(readonly=True)
            with con.cursor() as cursor:
                yield Warehouse(cursor, "%s", f"{params['dbname']} ({params['host']})")
        finally:
            con.close()
        return
    import duckdb

    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        yield Warehouse(con, "?", Path(duckdb_path).name)
