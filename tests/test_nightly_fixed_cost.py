"""What the nightly run no longer pays for at every run, on tiny folders and files: the seeds are loaded
only when they changed (orchestration/seed_state.py; tests/test_pipeline_end_to_end.py checks that a
second run leaves them out), the docs are generated only when the project changed
(orchestration/serving.py), and a process that runs no gate does not import Great Expectations."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from orchestration.seed_state import (
    INPUTS,
    fingerprint,
    is_current,
    is_current_on_spark,
    project_changed,
    record,
    record_on_spark,
)
from orchestration.serving import docs_fingerprint
from orchestration.settings import DBT_PROJECT_DIR, PROJECT_ROOT

SEED_TABLES = [("reference", "procedures"), ("reference", "agencies")]


def project_copy(tmp_path: Path) -> Path:
    """What a seed load reads, copied (seeds, dbt_project.yml, macros)."""
    copy = tmp_path / "dbt_project"
    for name in INPUTS:
        source = DBT_PROJECT_DIR / name
        if source.is_dir():
            shutil.copytree(source, copy / name)
        else:
            copy.mkdir(exist_ok=True)
            shutil.copyfile(source, copy / name)
    return copy


def test_the_fingerprint_changes_with_a_seed_file_its_config_or_a_macro(tmp_path):
    project = project_copy(tmp_path)
    first = fingerprint(project)
    assert fingerprint(project) == first == fingerprint(DBT_PROJECT_DIR)
    seed = project / "seeds" / "procedures.csv"
    seed.write_text(seed.read_text() + "\n")
    second = fingerprint(project)
    assert second != first
    (project / "seeds" / "new_list.csv").write_text("code\n1\n")
    third = fingerprint(project)
    assert third != second
    config = project / "dbt_project.yml"
    config.write_text(config.read_text().replace("+schema: reference", "+schema: reference_lists"))
    assert fingerprint(project) != third
    before = fingerprint(project)
    (project / "macros" / "generate_schema_name.sql").write_text("-- changed\n")
    assert fingerprint(project) != before
    before = fingerprint(project)
    model = next((project / "models").rglob("mart_agency_service_quality.sql"))
    model.write_text(model.read_text() + "\n-- a rule changed\n")
    assert fingerprint(project) != before, "a model's SQL is part of the project a build applied"


def test_a_project_changed_since_the_last_recorded_build_is_rebuilt_in_full():
    assert project_changed("f1", "f2")
    assert not project_changed("f1", "f1")
    assert not project_changed(None, "f1")  # a new warehouse (or PostgreSQL): built in full anyway


def warehouse_with(tmp_path: Path, tables) -> Path:
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        for schema, table in tables:
            con.execute(f"create schema if not exists {schema}")
            con.execute(f"create table {schema}.{table} (code varchar)")
    return path


def test_the_seeds_are_current_only_with_the_same_fingerprint_and_every_table(tmp_path):
    assert not is_current(tmp_path / "absent.duckdb", "f1", SEED_TABLES)  # a new warehouse loads them
    path = warehouse_with(tmp_path, SEED_TABLES)
    assert not is_current(path, "f1", SEED_TABLES)  # loaded before this feature: no fingerprint yet
    record(path, "f1")
    assert is_current(path, "f1", SEED_TABLES)
    assert not is_current(path, "f2", SEED_TABLES)  # a seed, its config or dbt changed
    record(path, "f2")  # recorded again after the reload: one row
    assert is_current(path, "f2", SEED_TABLES)
    with duckdb.connect(str(path)) as con:
        con.execute("drop table reference.agencies")
    assert not is_current(path, "f2", SEED_TABLES)  # a seed table is missing


def test_a_warehouse_duckdb_cannot_open_reloads_the_seeds(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    path.write_bytes(b"not a duckdb file")
    assert not is_current(path, "f1", SEED_TABLES)


def spark_folder_with(tmp_path: Path, tables) -> Path:
    """A Spark warehouse folder as Spark writes it: `<schema>.db/<table>/part-*.parquet`."""
    warehouse = tmp_path / "spark" / "warehouse"
    for schema, table in tables:
        folder = warehouse / f"{schema}.db" / table
        folder.mkdir(parents=True)
        with duckdb.connect() as con:
            con.execute(f"copy (select 'x' as code) to '{folder / 'part-00000.parquet'}' (format parquet)")
    return warehouse


def test_on_spark_the_seeds_are_current_only_with_the_same_fingerprint_and_every_table_folder(tmp_path):
    assert not is_current_on_spark(tmp_path / "absent", "f1", SEED_TABLES)  # a new (or a cluster's) folder
    warehouse = spark_folder_with(tmp_path, SEED_TABLES)
    assert not is_current_on_spark(warehouse, "f1", SEED_TABLES)  # never recorded: they load
    record_on_spark(warehouse, "f1")
    assert (tmp_path / "spark" / "seed_fingerprint.txt").is_file()  # beside the folder, with the catalog
    assert is_current_on_spark(warehouse, "f1", SEED_TABLES)
    assert not is_current_on_spark(warehouse, "f2", SEED_TABLES)
    shutil.rmtree(warehouse / "reference.db" / "agencies")
    assert not is_current_on_spark(warehouse, "f1", SEED_TABLES)  # a seed table is missing
    # the adapter's version is part of what a load depends on
    assert fingerprint(DBT_PROJECT_DIR, "spark") != fingerprint(DBT_PROJECT_DIR, "duckdb")


def manifest_file(path: Path, *, generated_at: str, created_at: float, description: str) -> Path:
    path.write_text(
        json.dumps(
            {
                "metadata": {"generated_at": generated_at, "invocation_id": generated_at},
                "nodes": {"model.p.m": {"created_at": created_at, "description": description, "columns": {}}},
            }
        )
    )
    return path


def test_the_docs_are_generated_again_only_when_the_project_changed(tmp_path):
    parsed = manifest_file(tmp_path / "a.json", generated_at="2026-12-01", created_at=1.0, description="rates")
    # parsed again without a change: new times and invocation id, the same docs
    again = manifest_file(tmp_path / "b.json", generated_at="2026-12-02", created_at=2.0, description="rates")
    changed = manifest_file(tmp_path / "c.json", generated_at="2026-12-02", created_at=2.0, description="late rates")
    assert docs_fingerprint(parsed, "duckdb") == docs_fingerprint(again, "duckdb")
    assert docs_fingerprint(changed, "duckdb") != docs_fingerprint(parsed, "duckdb")
    assert docs_fingerprint(parsed, "postgres") != docs_fingerprint(parsed, "duckdb")


def test_the_dbt_steps_and_the_publish_do_not_import_great_expectations():
    """A process that loads the code location and runs the dbt steps, the report or the publish (the
    steps' modules) imports no GX: each gate imports it when it runs (about 3 s)."""
    code = (
        "import sys, orchestration.definitions, orchestration.warehouse, orchestration.serving, "
        "orchestration.report_asset, orchestration.seed_state; "
        "print(sorted(m for m in sys.modules if m.startswith('great_expectations'))[:3])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PROJECT_ROOT)
    assert out.stdout.strip().splitlines()[-1] == "[]"
