"""What analysts read, published at the end of every successful run.

What analysts read is the marts schema (ANALYST_SCHEMAS), on both targets.
DuckDB target: a new read-only DuckDB file of those tables, `<snapshot dir>/warehouse.duckdb`, written
table by table under a temporary name, then swapped in atomically (`os.replace`): a query that holds the
previous file open keeps reading it, whole, and never blocks the next run, which writes the warehouse,
not the snapshot. Not a copy of the whole warehouse file: that grows with the history (the staging and
intermediate tables hold every dossier and step; several GB at provincial scale), the marts do not.
Spark target: the same DuckDB file, written from the Parquet files of Spark's marts.
PostgreSQL target: the analysts' role is granted the marts again (dbt recreates the tables).
Both: the dbt docs (`dbt docs generate --static`) beside it, `<snapshot dir>/docs/index.html`.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, ResourceParam, asset

from orchestration.duckdb_session import connect
from orchestration.settings import DBT_PROJECT_DIR, CoreSettings, Settings
from orchestration.warehouse import WAREHOUSE_KEYS, WAREHOUSE_POOL
from reporting.warehouse import spark_table_files, spark_tables

SNAPSHOT_KEY = AssetKey(["serving", "analysts_snapshot"])
# The schemas analysts read: published to the DuckDB snapshot, granted to the analysts' role on PostgreSQL.
ANALYST_SCHEMAS = ("marts",)
DOCS_FILES = {"static_index.html": "index.html", "manifest.json": "manifest.json", "catalog.json": "catalog.json"}


class PublishError(RuntimeError):
    pass


def _replace_atomically(source: Path, destination: Path) -> None:
    tmp = destination.with_name(f".{destination.name}.{uuid.uuid4().hex}.tmp")
    shutil.copyfile(source, tmp)
    os.replace(tmp, destination)


def _without_parse_times(value):
    """`value` (part of a manifest) without the times of its parse (each node's `created_at`)."""
    if isinstance(value, dict):
        return {k: _without_parse_times(v) for k, v in value.items() if k != "created_at"}
    if isinstance(value, list):
        return [_without_parse_times(v) for v in value]
    return value


def docs_fingerprint(manifest: Path, target: str) -> str:
    """What the docs are generated from: the project as the manifest describes it, and the target.

    Not the manifest's bytes: every parse stamps it (its metadata's times and invocation id, each node's
    `created_at`), so a project parsed again without a change (`make manifest` after a checkout, a new
    venv) keeps its docs."""
    content = json.loads(manifest.read_text(encoding="utf-8"))
    content.pop("metadata", None)
    canonical = json.dumps(_without_parse_times(content), sort_keys=True).encode()
    return hashlib.sha256(canonical + target.encode()).hexdigest()[:16]


def generate_docs(warehouse_path: Path | None, docs_dir: Path, target: str) -> None:
    """`dbt docs generate --static` (its catalog read from `warehouse_path` on DuckDB), published file by file.

    The docs depend on the project and the tables' shapes, not on the rows: they are generated only when
    the project changed (`docs_fingerprint`: cached under dbt_project/target/) and copied at every publish."""
    fingerprint = docs_fingerprint(DBT_PROJECT_DIR / "target" / "manifest.json", target)
    cache = DBT_PROJECT_DIR / "target" / f"docs-{fingerprint}"
    if not (cache / "static_index.html").exists():
        env = {**os.environ, "PAR_WAREHOUSE_TARGET": target, "DO_NOT_TRACK": "1"}
        if warehouse_path is not None:
            env["PAR_WAREHOUSE_PATH"] = str(warehouse_path)
        building = cache.with_name(f".{cache.name}.{uuid.uuid4().hex}")
        building.mkdir()
        shared_parse = DBT_PROJECT_DIR / "target" / "partial_parse.msgpack"
        if shared_parse.exists():  # the run's steps left it with the run's profile: no full parse
            shutil.copyfile(shared_parse, building / shared_parse.name)
        done = subprocess.run(
            [
                str(Path(sys.executable).parent / "dbt"),
                "docs",
                "generate",
                "--static",
                "--quiet",
                "--target",
                target,
                "--target-path",
                str(building),
                "--log-path",
                str(building),
            ],
            cwd=DBT_PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            shutil.rmtree(building, ignore_errors=True)
            raise PublishError(f"dbt docs generate failed: {(done.stdout + done.stderr).strip()[-2000:]}")
        try:
            os.replace(building, cache)
        except OSError:  # another process cached the same docs first
            shutil.rmtree(building, ignore_errors=True)
    docs_dir.mkdir(parents=True, exist_ok=True)
    for name, published in DOCS_FILES.items():
        _replace_atomically(cache / name, docs_dir / published)


def remove_interrupted_publish(snapshot: Path) -> list[Path]:
    """Remove what a publish killed half-way (SIGKILL, power cut) left beside the snapshot: its temporary
    DuckDB file with that file's write-ahead log (`.tmp.wal`), and docs files being copied. Every run does
    this before it starts (the warehouse slot is free then: no publish is under way) and every publish."""
    leftovers = [
        *snapshot.parent.glob(f".{snapshot.name}.*.tmp"),
        *snapshot.parent.glob(f".{snapshot.name}.*.tmp.wal"),
        *(snapshot.parent / "docs").glob(".*.tmp"),
    ]
    for path in leftovers:
        path.unlink(missing_ok=True)
    return leftovers


def publish_duckdb_snapshot(
    warehouse: Path, snapshot: Path, settings: CoreSettings | None = None, target: str = "duckdb"
) -> dict:
    """Write the tables of ANALYST_SCHEMAS into a new DuckDB file and swap it in as `snapshot`, read-only.

    From the DuckDB file `warehouse`, each table keeps its declared columns, types and not-null
    constraints (its DDL is replayed); a view in those schemas becomes a table (the snapshot holds
    nothing it could refer to). On the spark target `warehouse` is the folder of Spark's tables: each
    table is copied from its Parquet files (columns and types as Spark wrote them)."""
    if not warehouse.exists():
        raise PublishError(f"no warehouse at {warehouse} to publish")
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    remove_interrupted_publish(snapshot)
    tmp = snapshot.with_name(f".{snapshot.name}.{uuid.uuid4().hex}.tmp")
    try:
        if target == "spark":
            tables = copy_spark_schemas(warehouse, tmp, ANALYST_SCHEMAS, settings)
        else:
            tables = copy_schemas(warehouse, tmp, ANALYST_SCHEMAS, settings)
        # the warehouse pool guarantees no run is writing the warehouse; the snapshot is closed
        generate_docs(warehouse if target == "duckdb" else None, snapshot.parent / "docs", target)
        os.chmod(tmp, 0o444)  # analysts open it read-only; nobody writes a published file
        os.replace(tmp, snapshot)
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
    per_schema: dict[str, int] = {}
    for schema, _ in tables:
        per_schema[schema] = per_schema.get(schema, 0) + 1
    return {"tables_per_schema": per_schema, "bytes": snapshot.stat().st_size}


def copy_schemas(
    warehouse: Path, destination: Path, schemas: tuple[str, ...], settings: CoreSettings | None = None
) -> list[tuple[str, str]]:
    """Copy every table and view of `schemas` from the DuckDB file `warehouse` into the new file `destination`."""
    with connect(destination, settings=settings) as con:
        con.execute("attach ? as source_warehouse (read_only)", [str(warehouse)])
        wanted = ", ".join("?" for _ in schemas)
        relations = con.execute(
            f"""select schema_name, table_name, sql from duckdb_tables()
                where database_name = 'source_warehouse' and schema_name in ({wanted})
                union all
                select schema_name, view_name, null from duckdb_views()
                where database_name = 'source_warehouse' and schema_name in ({wanted}) and not internal
                order by 1, 2""",
            [*schemas, *schemas],
        ).fetchall()
        for schema in sorted({schema for schema, _, _ in relations}):
            con.execute(f'create schema "{schema}"')
        for schema, name, ddl in relations:
            source = f'source_warehouse."{schema}"."{name}"'
            if ddl is None:
                con.execute(f'create table "{schema}"."{name}" as select * from {source}')
            else:  # `CREATE TABLE schema.name(...)`: created in this file, the default database
                con.execute(ddl)
                con.execute(f'insert into "{schema}"."{name}" select * from {source}')
        con.execute("detach source_warehouse")
        con.execute("checkpoint")
    return [(schema, name) for schema, name, _ in relations]


def copy_spark_schemas(
    spark_warehouse: Path, destination: Path, schemas: tuple[str, ...], settings: CoreSettings | None = None
) -> list[tuple[str, str]]:
    """Copy every table of `schemas` from the Spark tables' folder `spark_warehouse` into the new DuckDB file
    `destination`."""
    with connect(destination, settings=settings) as con:
        tables = [(schema, name) for schema, name in spark_tables(spark_warehouse) if schema in schemas]
        for schema in sorted({schema for schema, _ in tables}):
            con.execute(f'create schema "{schema}"')
        for schema, name in tables:
            con.execute(
                f'create table "{schema}"."{name}" as select * from {spark_table_files(spark_warehouse, schema, name)}'
            )
        con.execute("checkpoint")
    return tables


@asset(
    key=SNAPSHOT_KEY,
    group_name="serving",
    deps=WAREHOUSE_KEYS,  # published once every table of the dbt step is built: never half a run
    pool=WAREHOUSE_POOL,
    kinds={"duckdb", "postgres", "spark"},
    description="The analysts' read-only DuckDB file of the marts, written anew and swapped in atomically after "
    "every successful build, and the dbt docs beside it (README: Querying the warehouse). "
    "On PostgreSQL: the analysts' role granted the marts again.",
)
def analysts_snapshot(context: AssetExecutionContext, settings: ResourceParam[Settings]) -> MaterializeResult:
    published_at = datetime.now(UTC)
    docs_dir = settings.snapshot_path.parent / "docs"
    if settings.warehouse_target == "postgres":
        from orchestration.postgres import grant_analysts

        granted = grant_analysts(settings.pg_analyst_role, ANALYST_SCHEMAS)
        generate_docs(None, docs_dir, "postgres")
        return MaterializeResult(
            metadata={
                "analyst_role": settings.pg_analyst_role,
                "granted": granted,
                "docs": MetadataValue.path(str(docs_dir / "index.html")),
                "published_at": published_at.isoformat(),
            }
        )
    details = publish_duckdb_snapshot(
        settings.warehouse_location, settings.snapshot_path, settings, settings.warehouse_target
    )
    context.log.info(f"published {settings.snapshot_path} ({details['bytes']:,} bytes)")
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(settings.snapshot_path)),
            "docs": MetadataValue.path(str(docs_dir / "index.html")),
            "bytes": details["bytes"],
            "tables_per_schema": MetadataValue.json(details["tables_per_schema"]),
            "published_at": published_at.isoformat(),
        }
    )
