"""What `make run` prints: a line per step with its outcome and duration (a rejected gate said so), everything
else in the run's log file, closing tables that say "no data" where the marts do and sign their changes, and
a window of days from `make run START=... END=...`. Small jobs and hand-made rows: no pipeline run."""

from __future__ import annotations

import io
import logging
import subprocess
import uuid
from pathlib import Path

import duckdb
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetKey,
    AssetSpec,
    DagsterInstance,
    Definitions,
    MaterializeResult,
    asset,
    asset_check,
    define_asset_job,
    multi_asset,
)
from rich.console import Console

from orchestration.alerts import rejected_batch_alert
from orchestration.console import RunDisplay, logs_to_file
from orchestration.headlines import NO_DATA, WORKFORCE_COLUMNS, flagged, format_table
from orchestration.warehouse import reading_rejected_loads, rejected_loads_upstream, skipped_for_rejected_loads

ROOT = Path(__file__).resolve().parents[1]


def test_the_closing_tables_say_no_data_and_sign_changes():
    row = {
        "year": "2025",
        "civil_servants": 1574,
        "civil_servants_change": None,
        "budget_paid": None,
        "agencies_on_track_t08": 0,
        "agencies_t08": 11,
        "units_in_force": 72,
        "units_change": -0.101,
        "communes_below_t11": None,
        "officials_t02_breach": 3,
        "heads_t03": None,
    }
    grown = {**row, "year": "2026", "units_change": 0.02, "civil_servants_change": -0.061}
    lines = format_table([row, grown], WORKFORCE_COLUMNS).splitlines()
    first, second = lines[-2:]
    assert max(len(line) for line in lines) <= 120  # the header's labels go over two lines: one screen wide
    assert lines[0].split()[:2] == ["civil", "vs"] and lines[1].split()[:3] == ["year", "servants", "(T08)"]
    assert "-10.1%" in first and "+2.0%" in second and "-6.1%" in second
    cells = first.split()
    assert cells.count(NO_DATA.split()[0]) == 4  # T08 not comparable, budget-paid, communes, heads: null, never 0
    assert " 0 " in first  # a count of none is a count


def test_a_flag_count_is_null_where_no_row_is_judged():
    """As the marts: an agency with no denominator is neither flagged nor cleared; a year without rows has no data."""
    sql = f"select {flagged('t.flag')} from (values {{rows}}) t(flag)"
    with duckdb.connect() as con:
        assert con.execute(sql.format(rows="(true), (false), (null), (true)")).fetchone()[0] == 2
        assert con.execute(sql.format(rows="(false), (null)")).fetchone()[0] == 0
        assert con.execute(sql.format(rows="(cast(null as boolean)), (null)")).fetchone()[0] is None
        assert con.execute(f"select {flagged('t.flag')} from (select true as flag where false) t").fetchone()[0] is None


LANDING, GOOD_LANDING = AssetKey(["landing", "demo"]), AssetKey(["landing", "demo_good"])


@asset(key=LANDING)
def demo_landing(context):
    context.log.info("pulling")
    return 1


@asset(key=GOOD_LANDING)
def demo_good_landing():
    return 1


@asset_check(asset=LANDING, name="gx_suites", blocking=True)
def demo_gate() -> AssetCheckResult:
    """As the real gates (orchestration/quality_checks.py): a rejected load fails the check with WARN severity."""
    return AssetCheckResult(
        passed=False, severity=AssetCheckSeverity.WARN, metadata={"verdict": "rejected", "load_id": "L1"}
    )


@multi_asset(
    specs=[
        AssetSpec(["staging", "demo"], deps=[LANDING], skippable=True),
        AssetSpec(["marts", "demo_mart"], deps=[["staging", "demo"]], skippable=True),
        AssetSpec(["marts", "demo_good_mart"], deps=[GOOD_LANDING], skippable=True),
    ],
    can_subset=True,
)
def demo_models(context):
    """What the dbt step does first (orchestration/warehouse.py `build_step`): the tables reading a rejected
    load left out, the others built."""
    rejected = rejected_loads_upstream(context)
    skipped = reading_rejected_loads(context.assets_def, rejected) & context.selected_asset_keys
    yield from skipped_for_rejected_loads(context, rejected, skipped)
    for key in context.selected_asset_keys - skipped:
        yield MaterializeResult(asset_key=key)


@asset(key=AssetKey(["serving", "demo_snapshot"]), deps=[AssetKey(["marts", "demo_mart"])])
def demo_snapshot():
    return 3


def run_demo(selection=None) -> tuple[object, dict, list[str], str]:
    """(the result, the observations of the two tables reading the rejected load, the lines printed, the terminal)."""
    job = Definitions(
        assets=[demo_landing, demo_good_landing, demo_models, demo_snapshot],
        asset_checks=[demo_gate],
        jobs=[define_asset_job("par_pipeline", selection=selection)],
    ).resolve_job_def("par_pipeline")
    terminal, run_id = io.StringIO(), str(uuid.uuid4())
    with DagsterInstance.ephemeral() as instance:
        display = RunDisplay(Console(file=terminal, width=200), instance, run_id)
        with display.following():
            result = job.execute_in_process(instance=instance, run_id=run_id, raise_on_error=False)
        observed = {
            key.to_user_string(): records[0].asset_observation.metadata
            for key in (AssetKey(["staging", "demo"]), AssetKey(["marts", "demo_mart"]))
            if (records := instance.fetch_observations(key, limit=1).records)
        }
    return result, observed, display.printed, terminal.getvalue()


def test_a_rejected_load_skips_the_tables_reading_it_the_run_ends_and_the_display_says_so():
    """The run succeeds (the UI keeps the last good tables rather than calling them Failed), the tables reading
    the rejected source carry the reason, the other tables of the dbt step are built, what is downstream of a
    skipped table is skipped, and `make run` shows a line per step with its outcome and duration."""
    result, observed, printed, terminal = run_demo()
    assert result.success
    built = [e.asset_key for e in result.all_events if e.event_type_value == "ASSET_MATERIALIZATION"]
    assert sorted(built) == sorted([LANDING, GOOD_LANDING, AssetKey(["marts", "demo_good_mart"])])
    assert [e.step_key for e in result.all_events if e.event_type_value == "STEP_SKIPPED"] == ["serving__demo_snapshot"]
    assert len(observed) == 2
    for metadata in observed.values():
        assert "the GX gate rejected load L1 of landing/demo" in metadata["skipped"].value
    lines = {line.split()[1]: line for line in printed}
    assert [line.split()[:3] for line in printed if "dbt" in line] == [["–", "dbt", "demo"]], printed
    assert lines["demo"].split()[2] == "REJECTED" and "gate: rejected" in lines["demo"] and " s " in lines["demo"]
    assert "PARTIAL" in lines["dbt"] and "1 table, 0 tests" in lines["dbt"]
    assert "2 tables not built: the GX gate rejected load L1 of landing/demo" in lines["dbt"]
    assert "SKIPPED" in lines["serving"]
    assert terminal.count("\n") == 4  # nothing but the step lines (the live line is transient)
    alert = rejected_batch_alert(result.dagster_run, result.all_events)  # the run succeeded: still alerted
    assert alert.kind == "batch_rejected" and alert.details == ["check gx_suites on landing/demo failed"]
    # every selected table reads the rejected load: the step is skipped, and says why
    result, observed, printed, _ = run_demo(selection=[LANDING, AssetKey(["staging", "demo"])])
    assert result.success and list(observed) == ["staging/demo"]
    assert set(observed["staging/demo"]) >= {"skipped", "rejected_loads"}
    assert [line.split()[:4] for line in printed if "dbt" in line] == [["–", "dbt", "demo", "SKIPPED"]], printed
    assert "tables not built" not in printed[-1] and "the GX gate rejected load L1 of landing/demo" in printed[-1]


def test_libraries_output_goes_to_the_log_file_not_the_terminal(tmp_path, capsys):
    log_path = tmp_path / "logs" / "run.log"
    with logs_to_file(log_path):
        print("1 of 283 START sql table model audit.audit_gx_results")
        logging.getLogger("great_expectations.data_context.types.base").info("Created temporary directory")
        logging.getLogger("orchestration.sources").warning("using the embedded SANDBOX")
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    text = log_path.read_text()
    assert "audit.audit_gx_results" in text and "SANDBOX" in text
    assert "temporary directory" not in text


def test_make_run_takes_a_window_of_days():
    # --no-print-directory: under another make (CI runs `make test`) make prints "Leaving directory" lines
    dry = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", "START=2025-01-01", "END=2025-03-31"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    commands = [line for line in dry.stdout.splitlines() if "-m orchestration run" in line]
    assert commands and commands[-1].endswith("-m orchestration run --start 2025-01-01 --end 2025-03-31"), dry.stdout


def test_headline_metadata_names_its_units_and_period(tmp_path):
    """What the UI's asset page shows beside a mart: late_rate 0.0321 reads "late_rate (percent)" 3.21."""
    from orchestration.mart_metadata import mart_metadata
    from reporting.warehouse import open_warehouse

    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("""create table marts.mart_province_service_quality as select * from (values
            ('quarter', '2025-Q3', date '2025-07-01', true, 0.0321, 0.5, null, 0.25, 0.9, 0.6, 1200),
            ('quarter', '2025-Q4', date '2025-10-01', false, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 10))
            t(period_type, period_key, period_start, is_period_complete, late_rate, online_share, full_online_share,
              online_paid_share, satisfaction_rate, apology_coverage, dossiers_received)""")
    with open_warehouse("duckdb", path) as warehouse:
        metadata = mart_metadata(warehouse, "mart_province_service_quality")
    assert metadata["period"].value == "2025-Q3 (latest complete quarter)"  # not the running quarter
    assert metadata["late_rate (percent)"].value == 3.21
    assert metadata["full_online_share (percent)"].value == NO_DATA
    assert metadata["dossiers_received (dossiers)"].value == 1200
    assert metadata["dagster/row_count"].value == 2


def test_the_run_ends_with_the_warehouse_snapshot_reports_and_log(tmp_path):
    """The last lines of `make run`: paths to copy; a report's PDF beside its HTML only where it was written."""
    from orchestration.headlines import closing_paths
    from tests.support.pipeline import settings_for

    settings = settings_for(tmp_path)
    reports = [tmp_path / "reports" / "par_report_2025-Q4_vi.html", tmp_path / "reports" / "par_report_2025-Q4_en.html"]
    reports[0].parent.mkdir()
    reports[0].with_suffix(".pdf").write_bytes(b"%PDF-1.7")
    paths = closing_paths(settings, [str(r) for r in reports], tmp_path / "logs" / "run.log")
    assert [label for label, _ in paths] == ["Warehouse", "Snapshot", "Report", "Report", "Log"]
    assert paths[2][1] == f"{reports[0]}  PDF: {reports[0].with_suffix('.pdf')}"
    assert paths[3][1] == str(reports[1])  # no PDF written: none named
    assert not any("file://" in where for _, where in paths)


ACCEPTED, UNGATED = AssetKey(["landing", "accepted"]), AssetKey(["landing", "ungated"])


@asset(key=ACCEPTED)
def accepted_landing():
    return 1


@asset(key=UNGATED)
def ungated_landing():
    return 1


@asset_check(asset=ACCEPTED, name="gx_suites", blocking=True)
def accepting_gate() -> AssetCheckResult:
    return AssetCheckResult(passed=True, metadata={"verdict": "accepted"})


def test_a_source_is_one_line_whether_or_not_it_has_a_gate():
    job = Definitions(
        assets=[accepted_landing, ungated_landing], asset_checks=[accepting_gate], jobs=[define_asset_job("j")]
    ).resolve_job_def("j")
    run_id = str(uuid.uuid4())
    with DagsterInstance.ephemeral() as instance:
        display = RunDisplay(Console(file=io.StringIO(), width=200), instance, run_id)
        with display.following():
            assert job.execute_in_process(instance=instance, run_id=run_id).success
    assert sorted(line.split()[1:3] for line in display.printed) == [["accepted", "ok"], ["ungated", "ok"]]
    assert "gate: accepted" in next(line for line in display.printed if "accepted " in line)


def test_counts_are_singular_or_plural_as_they_fall():
    from orchestration.console import StepView, counted

    display = RunDisplay(Console(file=io.StringIO(), width=200), None, "run")
    one = StepView("budget_models", started=0.0, ended=1.0, outcome="ok", models=1, tests=1, tests_failed=1)
    many = StepView("program_models", started=0.0, ended=1.0, outcome="ok", models=2, tests=1_000, tests_failed=2)
    display.step_done(one)
    display.step_done(many)
    assert display.printed[0].endswith("1 table, 1 test, 1 test warned"), display.printed
    assert display.printed[1].endswith("2 tables, 1,000 tests, 2 tests warned"), display.printed
    assert counted(0, "record") == "0 records" and counted(1, "page") == "1 page"
