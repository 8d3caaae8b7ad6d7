"""Read-only queries on the warehouse, whichever engine holds it: the DuckDB file, the PostgreSQL
server of the `postgres` dbt target, or the Parquet files of the `spark` target's tables. Queries are
written once, with `?` placeholders; no Dagster import, and no configuration of its own: the caller
says where the warehouse is (for PostgreSQL, a function that opens the connection:
orchestration/postgres.py's `connect`)."""

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


def spark_table_files(warehouse_dir: Path, schema: str, table: str) -> str:
    """DuckDB's reader of a table of the Spark warehouse folder `warehouse_dir` (Hive layout:
    `<schema>.db/<table>/`, Parquet part files, a partitioned table's `<column>=<value>/` folders read
    as columns, last, as Spark orders them)."""
    folder = Path(warehouse_dir) / f"{schema}.db" / table
    return f"read_parquet('{folder}/**/*.parquet', hive_partitioning = true, union_by_name = true)"


def spark_tables(warehouse_dir: Path) -> list[tuple[str, str]]:
    """(schema, table) of every table of the Spark warehouse folder that holds a Parquet file (an
    empty table still has one: Spark writes the schema)."""
    return sorted(
        (schema_dir.name.removesuffix(".db"), table_dir.name)
        for schema_dir in Path(warehouse_dir).glob("*.db")
        for table_dir in schema_dir.iterdir()
        if table_dir.is_dir() and next(table_dir.rglob("*.parquet"), None) is not None
    )


def attach_spark_tables(con, warehouse_dir: Path, schemas: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """On the DuckDB connection `con`, a view `<schema>."<table>"` over each Spark table's files (of
    `schemas`, default all), so that the queries written for the DuckDB warehouse read Spark's."""
    tables = [(s, t) for s, t in spark_tables(warehouse_dir) if schemas is None or s in schemas]
    for schema in sorted({schema for schema, _ in tables}):
        con.execute(f'create schema if not exists "{schema}"')
    for schema, table in tables:
        con.execute(
            f'create view "{schema}"."{table}" as select * from {spark_table_files(warehouse_dir, schema, table)}'
        )
    return tables


@contextmanager
def open_warehouse(
    target: str,
    location: Path,
    connect_postgres: Callable[[], Any] | None = None,
    duckdb_config: Mapping[str, Any] | None = None,
) -> Iterator[Warehouse]:
    """The warehouse of `target`: "duckdb", the file at `location`; "spark", the tables' files under the
    Spark warehouse folder `location` (read by an in-memory DuckDB, through views named as the
    tables: no JVM, and a cluster's Parquet is read the same way); both opened with `duckdb_config`
    (the memory limit and threads of the caller's settings: orchestration/duckdb_session.py);
    "postgres", the server that `connect_postgres()` opens a (psycopg2) connection to (`location`
    unused)."""
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

    config = dict(duckdb_config or {})
    if target == "spark":
        with duckdb.connect(":memory:", config={"autoinstall_known_extensions": False, **config}) as con:
            attach_spark_tables(con, location)
            yield Warehouse(con, "?", f"Spark tables in {location}")
        return
    with duckdb.connect(str(location), read_only=True, config=config) as con:
        yield Warehouse(con, "?", Path(location).name)
