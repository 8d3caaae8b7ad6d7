"""The fault suite: sources that fail, pages that repeat, schemas that drift, runs that are killed.

Every case asserts its outcome against an uninterrupted run of the same small sandbox: the marts
must come out identical, table by table, and nothing may be landed or read twice.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from dagster import DagsterEventType, DagsterInstance

from connectors.landing import LandingError, LandingZone
from orchestration.cli import run_pipeline
from orchestration.sources import OneStopShopSource, sandbox_server
from tests import hand_case
from tests.support.pipeline import dbt_tables_downstream, observed_skipped, settings_for

START, END = date(2022, 1, 1), date(2022, 1, 31)
SANDBOX = dict(
    sandbox_end=END,
    sandbox_scale=0.5,
    sandbox_seed=11,
    sandbox_defect_rate=0.004,
    http_attempts=3,
    http_backoff_seconds=0.01,
)
PROJECT_ROOT = Path(__file__).resolve().parents[1]
MART_TABLES = ("mart_agency_service_quality", "mart_official_performance", "mart_province_service_quality")


def run(settings, start=START, end=END):
    with DagsterInstance.ephemeral() as instance:
        result = run_pipeline(start, end, settings, instance=instance)
        return result, list(result.all_events)


def marts(warehouse: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {t: con.execute(f"select * from marts.{t} order by all").fetchall() for t in MART_TABLES}


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    """The marts of an uninterrupted run, to compare every faulty run with."""
    settings = settings_for(tmp_path_factory.mktemp("baseline"), **SANDBOX)
    result, _ = run(settings)
    assert result.success
    tables = marts(settings.warehouse_path)
    assert all(tables.values()), "the baseline must have rows in every mart"
    return tables


def test_a_source_down_fails_naming_it_lands_nothing_and_the_next_run_catches_up(tmp_path, baseline):
    settings = settings_for(tmp_path, **SANDBOX)
    server = sandbox_server(OneStopShopSource(settings).sandbox_config())
    server.faults.down = True
    try:
        result, events = run(settings)
    finally:
        server.faults.clear()
    assert not result.success
    failures = [e for e in events if e.event_type == DagsterEventType.STEP_FAILURE]
    assert "one_stop_shop is unavailable" in failures[0].event_specific_data.error.to_string()
    assert not list((tmp_path / "landing" / "one_stop_shop").rglob("*.parquet"))  # the other sources land
    result, _ = run(settings)
    assert result.success
    assert marts(settings.warehouse_path) == baseline


def test_pages_served_twice_and_records_repeated_across_pages_count_once(tmp_path, baseline):
    settings = settings_for(tmp_path, **SANDBOX)
    server = sandbox_server(OneStopShopSource(settings).sandbox_config())
    server.faults.inject({}, {"replay": True}, {"overlap": True}, {"replay": True}, {"overlap": True})
    try:
        result, _ = run(settings)
    finally:
        server.faults.clear()
    assert result.success
    landed = pa.concat_tables(
        [pq.read_table(f) for f in (tmp_path / "landing/one_stop_shop/dossiers").rglob("*.parquet")]
    )
    codes = landed.column("MaHoSo").to_pylist()
    assert len(codes) > len(set(codes)), "the source did repeat records (else this test proves nothing)"
    assert marts(settings.warehouse_path) == baseline


def test_a_new_column_is_kept_and_a_missing_required_column_stops_the_marts(tmp_path):
    drifted = [{**d, "MaDinhDanhMoi": "x"} for d in hand_case.DOSSIERS]
    export = tmp_path / "drift.ndjson"
    export.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in drifted), encoding="utf-8")
    settings = settings_for(tmp_path / "drift", one_stop_shop_export=export, pseudonymisation_key="k")
    result, _ = run(settings, date(2024, 3, 1), date(2025, 1, 31))
    assert result.success
    landed = pq.read_table(next((tmp_path / "drift/landing/one_stop_shop/dossiers").rglob("*.parquet")))
    assert set(landed.column("MaDinhDanhMoi").to_pylist()) == {"x"}

    broken = [{k: v for k, v in d.items() if k != "TrangThaiHoSo"} for d in hand_case.DOSSIERS]
    export = tmp_path / "missing.ndjson"
    export.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in broken), encoding="utf-8")
    settings = settings_for(tmp_path / "missing", one_stop_shop_export=export, pseudonymisation_key="k")
    result, events = run(settings, date(2024, 3, 1), date(2025, 1, 31))
    assert result.success  # a rejected load skips the marts built from it; the run itself ends
    check = next(
        e
        for e in events
        if e.event_type == DagsterEventType.ASSET_CHECK_EVALUATION
        and e.event_specific_data.asset_key.path == ["landing", "one_stop_shop"]
    ).event_specific_data
    assert not check.passed and "TrangThaiHoSo" in json.dumps(check.metadata["failed_expectations"].value)
    built = {e.asset_key.to_user_string() for e in events if e.event_type == DagsterEventType.ASSET_MATERIALIZATION}
    reading = dbt_tables_downstream("landing/one_stop_shop")
    assert "marts/mart_agency_service_quality" in reading and not built & reading, "no table may read the load"
    assert set(observed_skipped(events)) == reading


def test_a_full_disk_is_a_clear_error_and_leaves_no_partial_file(tmp_path, monkeypatch):
    def no_space(table, where, **kwargs):
        Path(where).write_bytes(b"PAR1 half a file")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("connectors.landing.pq.write_table", no_space)
    landing = LandingZone(tmp_path)
    with pytest.raises(LandingError, match="No space left on device"):
        landing.write_batch("one_stop_shop", "dossiers", date(2022, 1, 1), "load", 0, pa.table({"a": [1]}))
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


# -- killed runs ----------------------------------------------------------------------------------


def cli_env(data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PAR_DATA_DIR": str(data_dir),
        "DAGSTER_HOME": str(data_dir / "dagster_home"),
        "PAR_LANDING_DIR": str(data_dir / "landing"),
        "PAR_WAREHOUSE_PATH": str(data_dir / "warehouse.duckdb"),
        "PAR_SANDBOX_END_DATE": END.isoformat(),
        "PAR_SANDBOX_SCALE": str(SANDBOX["sandbox_scale"]),
        "PAR_SANDBOX_SEED": str(SANDBOX["sandbox_seed"]),
        "PAR_SANDBOX_DEFECT_RATE": str(SANDBOX["sandbox_defect_rate"]),
        "PAR_ENV": "sandbox",
    }


def cli_run(data_dir: Path, kill_when=None) -> int:
    """`python -m orchestration run` in its own process group; SIGKILL the group once kill_when(group) holds."""
    command = [sys.executable, "-m", "orchestration", "run", "--start", START.isoformat(), "--end", END.isoformat()]
    data_dir.mkdir(parents=True, exist_ok=True)
    log = open(data_dir.parent / f"run-{time.time_ns()}.log", "wb")
    process = subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=cli_env(data_dir), start_new_session=True, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 300
        while kill_when is not None and process.poll() is None and time.monotonic() < deadline:
            if kill_when(process.pid):
                os.killpg(process.pid, signal.SIGKILL)
                break
            time.sleep(0.05)
        return process.wait(timeout=300)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


def test_killed_during_ingestion_and_during_dbt_the_next_runs_give_the_same_marts(tmp_path, baseline):
    data = tmp_path / "data"
    state_dir = data / "landing/_state/one_stop_shop"
    # once the pull has saved its state (the state's lock file comes first, before any page)
    code = cli_run(data, kill_when=lambda _: state_dir.exists() and any(state_dir.glob("*.json")))
    assert code == -signal.SIGKILL, "the run should have been killed while it pulled"
    assert not (data / "warehouse.duckdb").exists()
    assert cli_run(data) == 0
    assert marts(data / "warehouse.duckdb") == baseline

    # Again, killed while dbt writes the warehouse (a dbt process runs in the group).
    def dbt_running_in(group: int) -> bool:
        return bool(subprocess.run(["pgrep", "-g", str(group), "-f", "dbt build"], capture_output=True).stdout)

    code = cli_run(data, kill_when=dbt_running_in)
    assert code == -signal.SIGKILL, "the run should have been killed while dbt ran"
    assert cli_run(data) == 0
    assert marts(data / "warehouse.duckdb") == baseline


def test_a_publish_killed_half_way_leaves_nothing_behind_after_the_next_run_starts(tmp_path):
    """SIGKILL while the analysts' snapshot is written leaves its temporary DuckDB file and that file's
    write-ahead log (`.tmp.wal`, which the publish's own clean-up missed); the next run removes both,
    and the docs being copied, before it starts; the published snapshot stays."""
    from orchestration.cli import cleanup_interrupted_files

    settings = settings_for(tmp_path)
    snapshot = settings.snapshot_path
    snapshot.parent.mkdir(parents=True)
    snapshot.write_bytes(b"the published snapshot")
    tmp = snapshot.with_name(f".{snapshot.name}.0123abcd.tmp")
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import duckdb, os, signal\n"
            f"con = duckdb.connect({str(tmp)!r})\n"
            "con.execute('create schema marts; create table marts.t as select 1 as i')\n"
            "os.kill(os.getpid(), signal.SIGKILL)",
        ]
    )
    assert killed.returncode == -signal.SIGKILL
    (snapshot.parent / "docs").mkdir()
    (snapshot.parent / "docs" / ".index.html.0123abcd.tmp").write_text("<html>half")
    assert {p.name for p in snapshot.parent.iterdir()} >= {tmp.name, f"{tmp.name}.wal"}
    cleanup_interrupted_files(settings)
    assert sorted(p.name for p in snapshot.parent.rglob("*")) == ["docs", snapshot.name]
    assert snapshot.read_bytes() == b"the published snapshot"
