"""The seeds are loaded only when they changed; a changed project is rebuilt in full.

The seeds (dbt_project/seeds/) are small reference lists, but a `dbt build` drops and reloads all of
them at every run (dbt_project.yml: `+full_refresh: true`, so that a seed that gained a column loads).
The dbt step now leaves them out when the warehouse already holds what the seed files say:

- the fingerprint of what a seed load depends on (`fingerprint`: the seed files and their properties,
  dbt_project.yml with the seeds' configuration, the macros, the dbt and adapter versions) equals the
  one recorded in the warehouse after the last load (table `main.seed_fingerprint`, `record`), and
- every seed table of the manifest exists in the warehouse.

Anything else (a changed or new seed file, a changed config or macro, an upgrade of dbt, a new or
restored warehouse file, a dropped seed table, a full refresh) reloads them all. The fingerprint is
recorded only after a build that loaded them succeeded.

On Spark the same holds with the fingerprint in a file beside the Spark warehouse folder
(`<spark dir>/seed_fingerprint.txt`, next to the catalog) and a seed table present when its folder holds
its Parquet files (reporting/warehouse.py `spark_tables`, as every reader of Spark's tables); a warehouse
folder that is not on this machine (a cluster's) is never found current, so the seeds load at every
build there, as on PostgreSQL.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration.duckdb_session import connect

if TYPE_CHECKING:  # pragma: no cover
    from orchestration.settings import CoreSettings

TABLE = "main.seed_fingerprint"
# What a seed load reads besides the seed files: their configuration, and the macros that may override
# how a seed is created or which schema it lands in; and the models, so that the same fingerprint says
# whether the project changed since the last build (`project_changed`).
INPUTS = ("seeds", "dbt_project.yml", "macros", "models")


ADAPTERS = {"duckdb": "dbt-duckdb", "spark": "dbt-spark"}  # the targets whose seed loads are remembered
SPARK_FILE = "seed_fingerprint.txt"


def fingerprint(project_dir: Path, target: str = "duckdb") -> str:
    """sha256 of every file a seed load depends on (path and bytes) and of dbt's and `target`'s adapter's versions."""
    digest = hashlib.sha256()
    for package in ("dbt-core", ADAPTERS[target]):
        try:
            installed = version(package)
        except PackageNotFoundError:  # dbt-spark outside the spark group: that target cannot build anyway
            installed = "not installed"
        digest.update(f"{package}=={installed}\n".encode())
    for name in INPUTS:
        root = project_dir / name
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            digest.update(f"{path.relative_to(project_dir)}\n".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def is_current(
    warehouse: Path, fingerprint_now: str, seed_tables: Iterable[tuple[str, str]], settings: CoreSettings | None = None
) -> bool:
    """The DuckDB file `warehouse` holds `fingerprint_now` as its last seed load and every (schema, table)."""
    if not Path(warehouse).exists():
        return False
    import duckdb

    try:
        with connect(warehouse, read_only=True, settings=settings) as con:
            schema, table = TABLE.split(".")
            tables = set(con.execute("select schema_name, table_name from duckdb_tables()").fetchall())
            if (schema, table) not in tables:
                return False
            recorded = con.execute(f"select fingerprint from {TABLE}").fetchall()
    except duckdb.Error:  # a damaged or locked file: let the build load them (and report what is wrong)
        return False
    return recorded == [(fingerprint_now,)] and set(seed_tables) <= tables


def record(warehouse: Path, fingerprint_now: str, settings: CoreSettings | None = None) -> None:
    """Record `fingerprint_now` as the warehouse's last seed load (after a build that loaded them)."""
    with connect(warehouse, settings=settings) as con:
        con.execute(
            f"create or replace table {TABLE} as select ?::varchar as fingerprint, now() as loaded_at",
            [fingerprint_now],
        )


def spark_file(warehouse_dir: Path) -> Path:
    """Where the Spark warehouse folder `warehouse_dir`'s last seed load is recorded: beside it, with the catalog."""
    return Path(warehouse_dir).parent / SPARK_FILE


def is_current_on_spark(warehouse_dir: Path, fingerprint_now: str, seed_tables: Iterable[tuple[str, str]]) -> bool:
    """The Spark warehouse folder `warehouse_dir` was last loaded with `fingerprint_now` and holds every seed table."""
    from reporting.warehouse import spark_tables

    recorded = spark_file(warehouse_dir)
    if not recorded.is_file() or not Path(warehouse_dir).is_dir():
        return False
    return recorded.read_text().strip() == fingerprint_now and set(seed_tables) <= set(spark_tables(warehouse_dir))


def record_on_spark(warehouse_dir: Path, fingerprint_now: str) -> None:
    recorded = spark_file(warehouse_dir)
    recorded.parent.mkdir(parents=True, exist_ok=True)
    tmp = recorded.with_name(f".{recorded.name}.tmp")
    tmp.write_text(fingerprint_now + "\n")
    tmp.replace(recorded)


def is_current_for(settings: CoreSettings, fingerprint_now: str, seed_tables: Iterable[tuple[str, str]]) -> bool:
    """`is_current` on the warehouse the settings build: DuckDB's file, Spark's folder; never on PostgreSQL."""
    if settings.warehouse_target == "spark":
        return is_current_on_spark(settings.warehouse_location, fingerprint_now, seed_tables)
    if settings.warehouse_target == "duckdb":
        return is_current(settings.warehouse_path, fingerprint_now, seed_tables, settings)
    return False


def record_for(settings: CoreSettings, fingerprint_now: str) -> None:
    if settings.warehouse_target == "spark":
        record_on_spark(settings.warehouse_location, fingerprint_now)
    elif settings.warehouse_target == "duckdb":
        record(settings.warehouse_path, fingerprint_now, settings)


def recorded_for(settings: CoreSettings) -> str | None:
    """The fingerprint recorded after the last build that loaded the seeds, on the warehouse the settings
    build (None: never recorded, or PostgreSQL, where nothing is recorded)."""
    if settings.warehouse_target == "spark":
        recorded = spark_file(settings.warehouse_location)
        return recorded.read_text().strip() if recorded.is_file() else None
    if settings.warehouse_target != "duckdb" or not Path(settings.warehouse_path).exists():
        return None
    import duckdb

    try:
        with connect(settings.warehouse_path, read_only=True, settings=settings) as con:
            schema, table = TABLE.split(".")
            if not con.execute(
                "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?", [schema, table]
            ).fetchone()[0]:
                return None
            row = con.execute(f"select fingerprint from {TABLE}").fetchone()
    except duckdb.Error:
        return None
    return row[0] if row else None


def project_changed(recorded: str | None, fingerprint_now: str) -> bool:
    """The project (seeds, models, macros, dbt_project.yml, dbt's version) changed since the last recorded build.

    The incremental models apply a seed's rule or a model's SQL only to the rows or periods a night
    recomputes: after such a change the rows built before would keep the old rule (a threshold moved in
    a seed, a status that now ends a dossier...). So a build after a change rebuilds every table
    (`--full-refresh`), as a release note would otherwise have to ask an operator to do. Nothing recorded
    (a new warehouse, or PostgreSQL) is no change: a new warehouse is built in full anyway."""
    return recorded is not None and recorded != fingerprint_now
