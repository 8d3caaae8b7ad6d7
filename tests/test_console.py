"""What `make run` prints: a line per step with its outcome and duration (a rejected gate said so), everything
else in the run's log file, closing tables that say "no data" where the marts do and sign their changes, and
a window of days from `make run START=... END=...`. Small jobs and hand-made rows: no pipeline run."""

from __future__ import annotations

import io
import logging
import subprocess
import uuid
import warnings
from pathlib import Path

import duckdb
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetKey,
    DagsterInstance,
    Definitions,
    asset,
    asset_check,
    define_asset_job,
)
from rich.console import Console

from orchestration.console import RunDisplay, logs_to_file
from orchestration.headlines import NO_DATA, WORKFORCE_COLUMNS, flagged, format_table

ROOT = Path(__file__).resolve().parents[1]


def test_the_closing_tables_say_no_data_and_sign_changes():
    row = {
        "year": "2025",
        "civil_servants": 1574,
        "budget_paid": None,
        "agencies_on_track_t08": 0,
        "agencies_t08": 11,
        "units_in_force": 72,
        "units_change": -0.101,
        "communes_below_t11": None,
        "officials_t02_breach": 3,
        "heads_t03": None,
    }
    grown = {**row, "year": "2026", "units_change": 0.02}
    header, first, second = format_table([row, grown], WORKFORCE_COLUMNS).splitlines()
    assert "-10.1%" in first and "+2.0%" in second
    cells = first.split()
    assert cells.count(NO_DATA.split()[0]) == 3  # budget-paid, communes, heads: null, never 0
    assert " 0 " in first  # a count of none is a count


def test_a_flag_count_is_null_where_no_row_is_judged():
    """As the marts: an agency with no denominator is neither flagged nor cleared; a year without rows has no data."""
    sql = f"select {flagged('t.flag')} from (values {{rows}}) t(flag)"
    with duckdb.connect() as con:
        assert con.execute(sql.format(rows="(true), (false), (null), (true)")).fetchone()[0] == 2
        assert con.execute(sql.format(rows="(false), (null)")).fetchone()[0] == 0
        assert con.execute(sql.format(rows="(cast(null as boolean)), (null)")).fetchone()[0] is None
        assert con.execute(f"select {flagged('t.flag')} from (select true as flag where false) t").fetchone()[0] is None


LANDING = AssetKey(["landing", "demo"])


@asset(key=LANDING)
def demo_landing(context):
    context.log.info("pulling")
    return 1


@asset_check(asset=LANDING, name="gx_suites", blocking=True)
def demo_gate() -> AssetCheckResult:
    return AssetCheckResult(
        passed=False, severity=AssetCheckSeverity.ERROR, metadata={"verdict": "rejected", "quarantined_rows": 2}
    )


@asset(key=AssetKey(["marts", "demo_mart"]), deps=[LANDING])
def demo_mart():
    return 2


def test_the_run_display_draws_one_line_per_step_with_outcome_and_duration():
    job = Definitions(
        assets=[demo_landing, demo_mart], asset_checks=[demo_gate], jobs=[define_asset_job("par_pipeline")]
    ).resolve_job_def("par_pipeline")
    terminal, run_id = io.StringIO(), str(uuid.uuid4())
    with DagsterInstance.ephemeral() as instance:
        display = RunDisplay(Console(file=terminal, width=200), instance, run_id)
        with display.following():
            result = job.execute_in_process(instance=instance, run_id=run_id, raise_on_error=False)
    assert not result.success
    printed = display.printed
    assert [line.split()[:3] for line in printed] == [["✗", "demo", "REJECTED"], ["–", "marts", "demo"]], printed
    assert "gate: rejected" in printed[0] and " s " in printed[0]  # the duration, in seconds
    assert "SKIPPED" in printed[1] and "not built: demo gate failed" in printed[1]
    assert terminal.getvalue().count("\n") == 2  # nothing but the step lines (the live line is transient)


def test_libraries_output_and_warnings_go_to_the_log_file_not_the_terminal(tmp_path, capsys):
    log_path = tmp_path / "logs" / "run.log"
    with logs_to_file(log_path):
        print("1 of 283 START sql table model audit.audit_gx_results")
        warnings.warn("something a user cannot act on", UserWarning, stacklevel=1)
        logging.getLogger("great_expectations.data_context.types.base").info("Created temporary directory")
        logging.getLogger("orchestration.sources").warning("using the embedded SANDBOX")
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    text = log_path.read_text()
    assert "audit.audit_gx_results" in text and "cannot act on" in text and "SANDBOX" in text
    assert "temporary directory" not in text


def test_make_run_takes_a_window_of_days():
    dry = subprocess.run(
        ["make", "-n", "run", "START=2025-01-01", "END=2025-03-31"], cwd=ROOT, capture_output=True, text=True
    )
    assert dry.stdout.strip().splitlines()[-1].endswith("-m orchestration run --start 2025-01-01 --end 2025-03-31")
