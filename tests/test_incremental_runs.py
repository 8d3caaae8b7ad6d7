"""Nightly runs are incremental and safe to repeat: a month's backfill from the command line, then a
partition at a time; re-running a partition, or rebuilding everything, gives the same warehouse.
Analysts query the published snapshot from other processes while the nightly run writes."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance

from orchestration.cli import run_pipeline
from orchestration.seed_state import fingerprint, record, recorded_for
from orchestration.settings import DBT_PROJECT_DIR
from orchestration.warehouse import dbt_build_args, update_window
from tests.support.pipeline import settings_for

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SANDBOX = dict(sandbox_end=date(2022, 2, 10), sandbox_scale=0.3, sandbox_seed=5, sandbox_defect_rate=0.004)
# Columns that say which load brought a row: a re-run lands the same records again under a new load.
LINEAGE_COLUMNS = {"load_id", "loaded_at"}

# A reader of the snapshot: the province's received count and the sum over agencies, which one run
# always writes together; one line per query until the stop file appears.
READER = """
import duckdb, json, os, sys, time
snapshot, out, stop, reconnect = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "reconnect"
SQL = '''select (select sum(dossiers_received) from marts.mart_province_service_quality where period_type = 'year'),
                (select sum(dossiers_received) from marts.mart_agency_service_quality where period_type = 'year')'''
con = None
with open(out, "w") as log:
    while not os.path.exists(stop):
        try:
            if con is None or reconnect:
                if con is not None:
                    con.close()
                con = duckdb.connect(snapshot, read_only=True)
            log.write(json.dumps(list(con.execute(SQL).fetchone())) + "\\n")
        except Exception as exc:
            log.write(json.dumps({"error": repr(exc)}) + "\\n")
        log.flush()
        time.sleep(0.05)
"""


def warehouse_tables(path: Path, drop_lineage: bool = False) -> dict[str, list[tuple]]:
    """Every table of the warehouse but the gate's audit log, rows sorted."""
    with duckdb.connect(str(path), read_only=True) as con:
        names = con.execute(
            "select table_schema, table_name from information_schema.tables where table_schema <> 'audit' order by 1, 2"
        ).fetchall()
        tables = {}
        for schema, table in names:
            columns = [
                c
                for (c,) in con.execute(
                    "select column_name from information_schema.columns where "
                    "table_schema = ? and table_name = ? order by ordinal_position",
                    [schema, table],
                ).fetchall()
                if not (drop_lineage and c in LINEAGE_COLUMNS)
            ]
            select = ", ".join(f'"{c}"' for c in columns)
            tables[f"{schema}.{table}"] = con.execute(
                f'select {select} from "{schema}"."{table}" order by all'
            ).fetchall()
    return tables


def in_process(settings, start, end, full_refresh=False):
    with DagsterInstance.ephemeral() as instance:
        result = run_pipeline(start, end, settings, instance=instance, full_refresh=full_refresh)
    assert result.success
    return result


def test_the_run_partitions_become_the_dbt_window():
    assert update_window({"dagster/partition": "2024-02-29"}) == ("2024-02-29", "2024-03-01")
    assert update_window(
        {"dagster/asset_partition_range_start": "2024-01-01", "dagster/asset_partition_range_end": "2024-01-31"}
    ) == ("2024-01-01", "2024-02-01")
    assert update_window({}) is None
    assert dbt_build_args({"dagster/partition": "2024-02-29"}, full_refresh=True) == (["build", "--full-refresh"], {})
    assert dbt_build_args({}, full_refresh=False) == (["build"], {})
    assert dbt_build_args({"dagster/partition": "2024-02-29"}, False) == (
        ["build"],
        {"PAR_WINDOW_START": "2024-02-29", "PAR_WINDOW_END": "2024-03-01"},
    )


@pytest.fixture(scope="module")
def backfilled(tmp_path_factory):
    """January 2022 backfilled from the command line, as an operator would."""
    data = tmp_path_factory.mktemp("incremental")
    env = {
        **os.environ,
        "PAR_DATA_DIR": str(data),
        "DAGSTER_HOME": str(data / "dagster_home"),
        "PAR_SANDBOX_END_DATE": SANDBOX["sandbox_end"].isoformat(),
        "PAR_SANDBOX_SCALE": str(SANDBOX["sandbox_scale"]),
        "PAR_SANDBOX_SEED": str(SANDBOX["sandbox_seed"]),
        "PAR_SANDBOX_DEFECT_RATE": str(SANDBOX["sandbox_defect_rate"]),
    }
    for name in ("PAR_LANDING_DIR", "PAR_WAREHOUSE_PATH", "PAR_SNAPSHOT_DIR"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-m", "orchestration", "run", "--start", "2022-01-01", "--end", "2022-01-31"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "2022" in done.stdout and "received" in done.stdout, "the run ends with the headline table"
    return settings_for(data, **SANDBOX)


def province_received(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "select sum(dossiers_received) from marts.mart_province_service_quality where period_type = 'year'"
        ).fetchone()[0]


@pytest.fixture(scope="module")
def nightly(backfilled, tmp_path_factory):
    """The nightly run of the next days, while two analysts query the snapshot (one keeps its
    connection open, one reconnects for every query)."""
    settings = backfilled
    january = warehouse_tables(settings.warehouse_path)
    snapshot_before = province_received(settings.snapshot_path)
    work = tmp_path_factory.mktemp("readers")
    stop = work / "stop"
    readers = {}
    for mode in ("hold", "reconnect"):
        out = work / f"{mode}.jsonl"
        readers[mode] = (
            out,
            subprocess.Popen([sys.executable, "-c", READER, str(settings.snapshot_path), str(out), str(stop), mode]),
        )
    try:
        deadline = time.monotonic() + 60
        while not all(out.exists() and out.read_text().count("\n") >= 2 for out, _ in readers.values()):
            assert time.monotonic() < deadline, "the readers did not start"
            time.sleep(0.1)
        in_process(settings, date(2022, 2, 1), date(2022, 2, 10))  # never blocked by the readers
        time.sleep(0.5)
    finally:
        stop.touch()
        for _, process in readers.values():
            process.wait(timeout=60)
    reads = {mode: [json.loads(line) for line in out.read_text().splitlines()] for mode, (out, _) in readers.items()}
    return settings, january, snapshot_before, reads


def test_analysts_read_the_snapshot_while_a_run_writes_and_never_see_half_a_run(nightly):
    settings, _, before, reads = nightly
    snapshot = settings.snapshot_path
    assert snapshot == settings.data_dir / "snapshot" / "warehouse.duckdb"
    assert not snapshot.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH), "the copy is read-only"
    assert "mart_agency_service_quality" in (snapshot.parent / "docs" / "index.html").read_text(), (
        "the dbt docs are published beside the snapshot"
    )
    after = province_received(snapshot)
    assert after == province_received(settings.warehouse_path) > before > 0, "the new run was published"
    marts = {
        name: rows for name, rows in warehouse_tables(settings.warehouse_path).items() if name.startswith("marts.")
    }
    assert marts and warehouse_tables(snapshot) == marts, "the snapshot holds the marts, row for row, and nothing else"
    for mode, lines in reads.items():
        assert not [r for r in lines if isinstance(r, dict)], f"the {mode} reader got errors"
        assert all(province == agencies for province, agencies in lines), "a query saw half a run"
    assert {province for province, _ in reads["hold"]} == {before}, "an open connection keeps its snapshot"
    assert {province for province, _ in reads["reconnect"]} <= {before, after}
    assert reads["reconnect"][-1][0] == after


def test_nightly_partitions_are_incremental_and_a_rerun_or_a_full_refresh_gives_the_same_warehouse(nightly, caplog):
    settings, january, _, _ = nightly
    assert january["marts.mart_agency_service_quality"], "the backfill built the marts"
    first = warehouse_tables(settings.warehouse_path)
    first_without_lineage = warehouse_tables(settings.warehouse_path, drop_lineage=True)
    # the nightly run touched only its days' rows of the version tables
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        by_load = dict(
            con.execute("""select load_id, count(*) from staging.stg_one_stop_shop__dossier_versions
                                      group by 1""").fetchall()
        )
        outside = con.execute("""select count(*) from staging.stg_one_stop_shop__dossier_versions
                                 where load_id in (select load_id from staging.stg_one_stop_shop__dossier_versions
                                                   where updated_at >= timestamp '2022-02-01') and
                                       updated_at < timestamp '2022-02-01'""").fetchone()[0]
    assert len(by_load) == 2 and outside == 0, "January's rows keep their load; February's come from the new one"
    assert first["marts.mart_province_service_quality"] != january["marts.mart_province_service_quality"]

    # Running the same partitions again: the same warehouse, table by table (the lineage columns name
    # the new load of the same records; the audit log records one more verdict). The warehouse says it was
    # last built by another project (as after a release or a seed edit): this run rebuilds every table.
    record(settings.warehouse_path, "the fingerprint of an earlier release", settings)
    in_process(settings, date(2022, 2, 1), date(2022, 2, 10))
    # (the step's warning saying why goes to Dagster's own logger; the dbt command is logged through Python's)
    assert "dbt build --full-refresh --no-write-json" in caplog.text, "a changed project is rebuilt in full"
    assert recorded_for(settings) == fingerprint(DBT_PROJECT_DIR), "recorded again: the next night is incremental"
    second = warehouse_tables(settings.warehouse_path)
    assert second.keys() == first.keys()
    assert warehouse_tables(settings.warehouse_path, drop_lineage=True) == first_without_lineage

    # A full rebuild from the same landed data gives exactly what the incremental runs built.
    env = {
        **os.environ,
        "PAR_LANDING_DIR": str(settings.landing_dir),
        "PAR_WAREHOUSE_PATH": str(settings.warehouse_path),
    }
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "run",
            "--full-refresh",
            "--quiet",
            "--target-path",
            str(settings.data_dir / "dbt_target"),
        ],
        cwd=PROJECT_ROOT / "dbt_project",
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert warehouse_tables(settings.warehouse_path) == second
