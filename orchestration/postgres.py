"""The PostgreSQL deployment: the landed batches copied into the server's landing schemas, and the
analysts' read-only access to the marts.

On DuckDB, dbt reads the landing zone's Parquet in place (each source's `external_location`). On
PostgreSQL the same sources are tables: `<source schema>.<table>` (e.g. landing_one_stop_shop.dossiers),
filled here before every dbt build. Which tables exist and where their files are is read from the dbt
manifest (every source declared in dbt with a Parquet `external_location`), never listed here, so a
new source is loaded as soon as it is declared in dbt. Column names are lower-cased (PostgreSQL folds
unquoted identifiers, so the models' `MaHoSo` finds `mahoso`).

A landed table with the batch columns `_load_id` and `_page` receives each landed part (an immutable
file) once: the parts not copied yet, whatever their load's verdict, since the models read only
accepted loads (macro accepted_loads), as they do from the Parquet on DuckDB; a load resumed after a
crash gets its later parts copied by a later run. A table without them (an audit record under
`_audit/`: the gate's verdicts, a crawl's file errors) is replaced whole. Each table is copied in one transaction.
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration.duckdb_session import connect as duckdb_connect

if TYPE_CHECKING:  # pragma: no cover
    from orchestration.settings import CoreSettings

log = logging.getLogger(__name__)

LOAD_ID_COLUMN, PART_COLUMN = "_load_id", "_page"
# A landed table's folder in the landing zone, from its source's external_location: the landing zone
# keeps every table two levels down (`<source>/<dataset>` or `_audit/<record>`), partitioned by load date:
# read_parquet('<landing dir>/<source>/{name}/*/*.parquet', ...) or '<landing dir>/_audit/<record>/*/*.parquet'
_LOCATION_FOLDER = re.compile(r"read_parquet\('[^']*/([^/']+/[^/']+)/\*/\*\.parquet'")

# DuckDB types of the Parquet columns -> PostgreSQL column types.
_PG_TYPES = {
    "VARCHAR": "text",
    "BOOLEAN": "boolean",
    "TINYINT": "smallint",
    "SMALLINT": "smallint",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "UTINYINT": "smallint",
    "USMALLINT": "integer",
    "UINTEGER": "bigint",
    "UBIGINT": "numeric",
    "HUGEINT": "numeric",
    "FLOAT": "real",
    "DOUBLE": "double precision",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "TIMESTAMP_NS": "timestamp",
    "TIMESTAMP_MS": "timestamp",
    "TIMESTAMP_S": "timestamp",
}


class PostgresSettingsError(RuntimeError):
    pass


def connection_params() -> dict:
    """The PostgreSQL connection of the `postgres` dbt target (the same PAR_PG_* variables)."""
    from orchestration.settings import PostgresSettings

    server = PostgresSettings()
    missing = [f"PAR_PG_{n.upper()}" for n in ("host", "user", "database") if not getattr(server, n)]
    if missing:
        raise PostgresSettingsError(f"the postgres target needs {', '.join(missing)} (see .env.example)")
    return {
        "host": server.host,
        "port": server.port,
        "user": server.user,
        "password": server.password,
        "dbname": server.database,
    }


def connect():
    import psycopg2

    return psycopg2.connect(**connection_params())


@dataclass(frozen=True)
class LandedTable:
    source: str  # dbt source name
    name: str  # table name
    schema: str  # schema on PostgreSQL
    folder: Path  # its Parquet files: <folder>/load_date=*/*.parquet


def landed_tables(manifest_path: Path, landing_dir: Path) -> list[LandedTable]:
    """Every dbt source table read from the landing zone's Parquet, from the manifest."""
    manifest = json.loads(Path(manifest_path).read_text())
    tables = []
    for node in manifest["sources"].values():
        location = (node.get("meta") or {}).get("external_location") or ""
        match = _LOCATION_FOLDER.search(location)
        if not match:
            continue
        tables.append(
            LandedTable(
                node["source_name"],
                node["name"],
                node["schema"],
                Path(landing_dir) / match.group(1).replace("{name}", node["name"]),
            )
        )
    return sorted(tables, key=lambda t: (t.schema, t.name))


def _ident(name: str) -> str:
    return '"' + name.lower().replace('"', '""') + '"'


def copy_table(pg, table: LandedTable, settings: CoreSettings | None = None) -> int:
    """Copy one landed table into PostgreSQL (in the caller's transaction); returns the rows copied."""

    if not any(table.folder.glob("*/*.parquet")):
        return 0
    target = f"{_ident(table.schema)}.{_ident(table.name)}"
    with (
        duckdb_connect(settings=settings) as con,
        pg.cursor() as cur,
        tempfile.TemporaryDirectory(prefix="par-pg-") as tmp,
    ):
        landed = f"read_parquet('{table.folder}/*/*.parquet', hive_partitioning = true, union_by_name = true)"
        shape = con.sql(f"select * from {landed} limit 0")
        columns = [(name, str(dtype)) for name, dtype in zip(shape.columns, shape.types)]
        cur.execute(f"create schema if not exists {_ident(table.schema)}")
        cur.execute(
            "select column_name from information_schema.columns where table_schema = %s and table_name = %s",
            (table.schema.lower(), table.name.lower()),
        )
        existing = {r[0] for r in cur.fetchall()}
        if not existing:
            cur.execute(
                f"create table {target} ("
                + ", ".join(f"{_ident(n)} {_PG_TYPES.get(t, 'text')}" for n, t in columns)
                + ")"
            )
        for name, dtype in columns:  # a column the source added later: older rows read null
            if existing and name.lower() not in existing:
                cur.execute(f"alter table {target} add column {_ident(name)} {_PG_TYPES.get(dtype, 'text')}")
        names = {name for name, _ in columns}
        if {LOAD_ID_COLUMN, PART_COLUMN} <= names:
            # a landed part is an immutable file: copy the parts not copied yet
            cur.execute(f"select distinct {LOAD_ID_COLUMN}, {PART_COLUMN} from {target}")
            con.execute("create temporary table copied_parts (load_id varchar, part integer)")
            already = cur.fetchall()
            if already:
                con.executemany("insert into copied_parts values (?, ?)", already)
            rows = (
                f"select * from {landed} as landed where not exists (select 1 from copied_parts where "
                f"copied_parts.load_id = landed.{LOAD_ID_COLUMN} and copied_parts.part = landed.{PART_COLUMN})"
            )
        else:
            cur.execute(f"delete from {target}")
            rows = f"select * from {landed}"
        csv = Path(tmp) / "rows.csv"
        count = con.execute(f"copy ({rows}) to '{csv}' (format csv, header false, null '\\N')").fetchone()[0]
        with open(csv, encoding="utf-8") as handle:
            cur.copy_expert(
                f"copy {target} ({', '.join(_ident(n) for n, _ in columns)}) from stdin with (format csv, null '\\N')",
                handle,
            )
        return count


def load_landing(manifest_path: Path, landing_dir: Path, settings: CoreSettings | None = None) -> dict[str, int]:
    """Copy every landed table declared in dbt into PostgreSQL; returns rows copied per table."""
    copied = {}
    with connect() as pg:
        for table in landed_tables(manifest_path, landing_dir):
            copied[f"{table.schema}.{table.name}"] = copy_table(pg, table, settings)
            pg.commit()
    log.info("PostgreSQL landing schemas: %s", copied)
    return copied


def grant_analysts(role: str, schemas: tuple[str, ...] = ("marts",)) -> bool:
    """Let `role` read the tables of `schemas` and nothing else (dbt recreates tables: re-grant each run).

    The role is created by the database administrator (it may log in or be granted to people);
    if it does not exist, nothing is granted and the run says so."""
    with connect() as pg, pg.cursor() as cur:
        cur.execute("select 1 from pg_roles where rolname = %s", (role,))
        if cur.fetchone() is None:
            log.warning(
                "PostgreSQL role %s does not exist: analysts have no access yet (create it: docs/operations.md)", role
            )
            return False
        for schema in schemas:
            cur.execute(f"grant usage on schema {_ident(schema)} to {_ident(role)}")
            cur.execute(f"grant select on all tables in schema {_ident(schema)} to {_ident(role)}")
        pg.commit()
    return True
