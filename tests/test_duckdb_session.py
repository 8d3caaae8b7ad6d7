"""DuckDB's memory limit and threads come from the settings, for every connection the pipeline opens
(orchestration/duckdb_session.py) and for the report's (reporting/warehouse.py); dbt's session gets them
through its profile (tests/test_dbt_build.py checks that one in a real dbt session)."""

from __future__ import annotations

import ast
import dataclasses
import os
from pathlib import Path

import duckdb
import pytest

from orchestration.duckdb_session import connect, duckdb_config
from orchestration.settings import Settings, SettingsError, load_settings
from reporting.warehouse import open_warehouse

ROOT = Path(__file__).resolve().parents[1]
SMALL = dataclasses.replace(Settings(), duckdb_memory_limit="300MB", duckdb_threads=1)
SHOWN = "select current_setting('memory_limit') as memory_limit, current_setting('threads') as threads"


def test_a_connection_of_the_pipeline_gets_the_settings_memory_limit_and_threads(tmp_path):
    path = tmp_path / "w.duckdb"
    with connect(path, settings=SMALL) as con:
        assert con.execute(SHOWN).fetchone() == ("286.1 MiB", 1)  # 300 MB = 286.1 MiB
    with connect(path, read_only=True, settings=SMALL) as con:
        assert con.execute(SHOWN).fetchone() == ("286.1 MiB", 1)


def test_the_report_reads_the_warehouse_with_the_config_its_caller_gives(tmp_path):
    path = tmp_path / "w.duckdb"
    duckdb.connect(str(path)).close()
    with open_warehouse("duckdb", path, duckdb_config=duckdb_config(SMALL)) as warehouse:
        assert warehouse.rows(SHOWN) == [{"memory_limit": "286.1 MiB", "threads": 1}]


def test_the_defaults_leave_room_on_a_shared_server(monkeypatch):
    for name in ("PAR_DUCKDB_MEMORY_LIMIT", "PAR_DUCKDB_THREADS"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.duckdb_memory_limit == "25%"
    cores = len(os.sched_getaffinity(0))
    assert settings.duckdb_threads == max(2, cores // 2)
    monkeypatch.setenv("PAR_DUCKDB_MEMORY_LIMIT", "6GiB")
    monkeypatch.setenv("PAR_DUCKDB_THREADS", "3")
    settings = load_settings()
    assert (settings.duckdb_memory_limit, settings.duckdb_threads) == ("6GiB", 3)
    for name in ("PAR_LANDING_DIR", "PAR_WAREHOUSE_PATH", "PAR_WAREHOUSE_TARGET", "DO_NOT_TRACK"):
        monkeypatch.delenv(name, raising=False)  # what the export below sets: restored after the test
    settings.export_for_dbt()  # what dbt's profile reads
    assert (os.environ["PAR_DUCKDB_MEMORY_LIMIT"], os.environ["PAR_DUCKDB_THREADS"]) == ("6GiB", "3")


@pytest.mark.parametrize("value", ["lots", "6", "6 G"])
def test_a_memory_limit_duckdb_cannot_read_is_refused_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv("PAR_DUCKDB_MEMORY_LIMIT", value)
    with pytest.raises(SettingsError, match="PAR_DUCKDB_MEMORY_LIMIT"):
        load_settings()


def duckdb_connect_calls(path: Path) -> list[int]:
    """The lines of `path` that call `duckdb.connect`."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "connect"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "duckdb"
    ]


def test_no_module_of_the_pipeline_opens_duckdb_but_through_the_settings():
    """Only the helper calls duckdb.connect, and the report, which is handed the helper's config."""
    allowed = {ROOT / "orchestration" / "duckdb_session.py", ROOT / "reporting" / "warehouse.py"}
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for package in ("orchestration", "reporting", "connectors", "expectations", "bench")
        for path in sorted((ROOT / package).rglob("*.py"))
        if path not in allowed
        for line in duckdb_connect_calls(path)
    ]
    assert offenders == [], "open DuckDB with orchestration.duckdb_session.connect (the settings' memory and threads)"
