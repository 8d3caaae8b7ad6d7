"""Compare every mart of a warehouse built on another engine with the same marts built on DuckDB.

Used by the PostgreSQL and Spark tests: each reads its engine's marts its own way and hands the rows
here. Values are compared exactly after normalising the representations engines legitimately differ
in: floats rounded to 9 places, decimals without trailing zeros. The lineage column naming the load a
row comes from is left out (a run may land its own loads).

The DuckDB side is one pipeline run over a small sandbox month, shared by both tests: the first test
module to need it builds it, under a file lock, in a folder every pytest-xdist worker of the session
sees; the other reads the same landing zone and warehouse (read-only)."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from dagster import DagsterInstance

# The sandbox month both parity tests compare (small: the engines' fixed costs dominate anyway), with a
# pseudonymisation key: the Spark test's nightly run lands a real cadre export, which needs one, and
# every run compared with this one must hash persons with the same key.
SANDBOX = dict(
    sandbox_end=date(2022, 1, 31),
    sandbox_scale=0.2,
    sandbox_seed=5,
    sandbox_defect_rate=0.004,
    pseudonymisation_key="parity-test-key",
)
START, END = date(2022, 1, 1), date(2022, 1, 31)

# Lineage columns naming the load a row comes from: each run lands its own loads.
LOAD_COLUMNS = {"load_id"}


def normalise(value):
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, Decimal):
        return value.normalize() if value.is_finite() else value
    return value


def normalised_rows(rows) -> list[tuple]:
    return [tuple(normalise(v) for v in row) for row in rows]


def compared_columns(columns: list[str]) -> list[str]:
    return [c for c in columns if c not in LOAD_COLUMNS]


def ordered_select(relation: str, columns: list[str]) -> str:
    """Every compared column of `relation`, ordered by all of them (engines return rows in any order)."""
    compared = compared_columns(columns)
    return f"select {', '.join(compared)} from {relation} order by " + ", ".join(
        str(i + 1) for i in range(len(compared))
    )


def mart_differences(
    marts: list[str], expected: Callable[[str], list[tuple]], got: Callable[[str], list[tuple]], engine: str
) -> dict[str, str]:
    """{mart: what differs} between DuckDB's rows (`expected(mart)`) and the other engine's (`got(mart)`),
    both ordered by every compared column; empty when every mart holds the same values."""
    differences = {}
    for mart in marts:
        want, have = normalised_rows(expected(mart)), normalised_rows(got(mart))
        if want != have:
            first = next((i for i, (e, g) in enumerate(zip(want, have)) if e != g), min(len(want), len(have)))
            differences[mart] = (
                f"{len(want)} rows on DuckDB, {len(have)} on {engine}; first difference at row "
                f"{first}: {want[first] if first < len(want) else None} != "
                f"{have[first] if first < len(have) else None}"
            )
    return differences


def duckdb_reference_run(tmp_path_factory: pytest.TempPathFactory):
    """The settings of the pipeline run on DuckDB over SANDBOX, built once per test session."""
    from orchestration.cli import run_pipeline
    from tests.support.pipeline import settings_for

    session_root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):  # each worker has its own basetemp below the session's
        session_root = session_root.parent
    folder = session_root / "parity-duckdb-reference"
    settings = settings_for(folder, **SANDBOX)
    with open(session_root / "parity-duckdb-reference.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        built = folder / "built"
        if not built.exists():
            folder.mkdir(exist_ok=True)
            with DagsterInstance.ephemeral() as instance:
                assert run_pipeline(START, END, settings, instance=instance).success, "the DuckDB run failed"
            built.touch()
    return settings
