"""Command line: `python -m orchestration run [--start DATE] [--end DATE]`, what `make run` calls,
and `python -m orchestration report [--period 2025-Q4] [--lang vi|en|all]`, what `make report` calls.

`run` runs the whole pipeline in this process (ingest, GX gate, dbt build, the report) over a range
of daily partitions as one run, then prints the headline indicators per year, where the warehouse
is and the report's path. `report` renders the periodic report of any period from the warehouse.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import uuid
from contextlib import ExitStack
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from orchestration import run_guard, warehouse_file
from orchestration.settings import (
    LOCAL_TIMEZONE,
    PROGRAM_START,
    ProcessSettings,
    Settings,
    SettingsError,
    load_settings,
)


def ensure_dagster_home(settings: Settings) -> None:
    """Runs are recorded in DAGSTER_HOME (default data/dagster_home), so `make ui` shows them."""
    from orchestration.instance_config import write_instance_config

    home = str(ProcessSettings().dagster_home or settings.data_dir / "dagster_home")
    os.environ["DAGSTER_HOME"] = home
    write_instance_config(Path(home))


# Kept here for callers of the command line's module; they live in orchestration/run_guard.py.
CLI_PID_TAG, release_abandoned_runs = run_guard.CLI_PID_TAG, run_guard.release_abandoned_runs


# The code location `make ui` loads (`dagster dev -m orchestration.definitions`), whose job the CLI's runs are.
CODE_LOCATION = "orchestration.definitions"
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def run_pipeline(
    start: date,
    end: date,
    settings: Settings | None = None,
    instance=None,
    raise_on_error: bool = False,
    log_level: str = "INFO",
    full_refresh: bool = False,
    follow=None,
    asset_selection=None,
):
    """Materialise every asset for the partitions start..end (inclusive) in one in-process run.

    The warehouse's version tables are rebuilt for those days only, unless full_refresh.
    One run at a time per data folder, and none while another live run holds the warehouse slot
    (orchestration/run_guard.py): waits for them as the settings allow, then raises
    connectors.locks.LockTimeoutError or run_guard.WarehouseBusyError; SIGTERM while waiting raises
    run_guard.StoppedBySignal (or Dagster's DagsterExecutionInterruptedError). Dagster's own waits for
    the slot between steps have the same limit (run_guard.bounded_slot_waits).
    `follow(instance, run_id)`: a context manager around the execution (the CLI's display); `asset_selection`:
    the asset keys to run, with their checks (default: the whole job)."""
    from dagster import DagsterInstance

    settings = settings or load_settings()
    with ExitStack() as held:
        with run_guard.stop_on_sigterm():
            held.enter_context(run_guard.data_folder_lock(settings.data_dir, settings.run_wait_seconds))
            if instance is None:
                ensure_dagster_home(settings)
                instance = DagsterInstance.get()
            held.enter_context(instance)
            run_guard.wait_for_warehouse_slot(instance, run_guard.WAREHOUSE_POOL, settings.warehouse_slot_wait_seconds)
        from framework_internals.dagster_job_runs import execute_as_job_run, job_origin
        from orchestration.definitions import build_definitions
        from orchestration.warehouse import WAREHOUSE_KEYS, WAREHOUSE_STEPS

        if settings.warehouse_target == "duckdb":
            warehouse_file.check_readable(settings.warehouse_path, settings)
        cleanup_interrupted_files(settings)
        defs = build_definitions(settings)
        job = defs.resolve_job_def("par_pipeline")
        steps = WAREHOUSE_STEPS
        if asset_selection is not None and not set(WAREHOUSE_KEYS) & set(asset_selection):
            steps = ()  # no table of the dbt step selected: its op is not in the run and takes no config
        run_id = str(uuid.uuid4())
        if follow is not None:  # what shows the run while it executes (orchestration/console.py)
            held.enter_context(follow(instance, run_id))
        with run_guard.bounded_slot_waits(
            instance, run_guard.WAREHOUSE_POOL, run_id, settings.warehouse_slot_wait_seconds
        ):
            # A run of the code location's job, as if launched from `make ui`: on the job's page and the
            # Overview timeline (framework_internals/dagster_job_runs.py).
            return execute_as_job_run(
                job,
                instance,
                job_origin(CODE_LOCATION, job.name, PROJECT_ROOT),
                run_id=run_id,
                asset_selection=asset_selection,
                run_config={
                    "loggers": {"console": {"config": {"log_level": log_level}}},
                    "ops": {step: {"config": {"full_refresh": full_refresh}} for step in steps},
                },
                raise_on_error=raise_on_error,
                tags={
                    "dagster/asset_partition_range_start": start.isoformat(),
                    "dagster/asset_partition_range_end": end.isoformat(),
                    **run_guard.owner_tags(),
                },
            )


def cleanup_interrupted_files(settings: Settings) -> None:
    """What a run killed half-way left behind: the analysts' snapshot being written (orchestration/serving.py)."""
    from orchestration.serving import remove_interrupted_publish

    for path in remove_interrupted_publish(settings.snapshot_path):
        logging.getLogger(__name__).warning("removed %s, left by a publish that was interrupted", path)


def resume_day(settings: Settings) -> date | None:
    """The latest landed day of the one-stop-shop: a new run starts there (it may have been partial)."""
    from dagster import AssetKey, DagsterInstance

    ensure_dagster_home(settings)
    with DagsterInstance.get() as instance:
        landed = instance.get_materialized_partitions(AssetKey(["landing", "one_stop_shop"]))
    return date.fromisoformat(max(landed)) if landed else None


def main(argv: list[str] | None = None) -> int:
    today = datetime.now(ZoneInfo(LOCAL_TIMEZONE)).date()
    parser = argparse.ArgumentParser(
        prog="python -m orchestration", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the pipeline over a range of days and print the headline indicators")
    run.add_argument(
        "--start",
        type=date.fromisoformat,
        default=None,
        help=f"first day (default: the last day already landed, re-pulled; {PROGRAM_START} on a first run)",
    )
    run.add_argument("--end", type=date.fromisoformat, default=today, help="last day, inclusive (default: today)")
    run.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild the warehouse's incremental tables from every accepted landed load, "
        "not only the days of this run",
    )
    sub.add_parser("headlines", help="print the headline indicators of the existing warehouse")
    report = sub.add_parser("report", help="render the periodic report of a period from the existing warehouse")
    report.add_argument(
        "--period",
        default=None,
        help="2025-Q4 (quarter), 2025-H2 (half-year), 2025 (year) or 2025-03 (month); default: the latest quarter",
    )
    report.add_argument(
        "--lang", choices=["vi", "en", "all"], default="all", help="language(s) of the report (default: all)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    from orchestration.alerts import failure_reasons, rejected_batch_alert
    from orchestration.headlines import print_headlines

    if args.command == "report":
        return print_report(settings, args.period, args.lang)
    if args.command == "run":
        if args.start is None:
            args.start = resume_day(settings) or date.fromisoformat(PROGRAM_START)
        if args.end < args.start:
            parser.error("--end is before --start")
        from dagster import DagsterExecutionInterruptedError

        from connectors.locks import LockTimeoutError
        from orchestration.console import RunDisplay, log_file_path, logs_to_file, terminal_console

        console = terminal_console()
        log_path = log_file_path(settings.data_dir, datetime.now(ZoneInfo(LOCAL_TIMEZONE)))
        console.print(
            f"PAR pipeline {args.start} .. {args.end} on the "
            f"{'embedded sandbox sources (synthetic data)' if settings.uses_sandbox else 'configured sources'}; "
            "`make ui` shows the run",
            soft_wrap=True,
        )
        try:
            with logs_to_file(log_path):
                result = run_pipeline(
                    args.start,
                    args.end,
                    settings,
                    full_refresh=args.full_refresh,
                    follow=lambda instance, run_id: RunDisplay(console, instance, run_id).following(),
                )
        except (LockTimeoutError, run_guard.WarehouseBusyError, warehouse_file.WarehouseDamagedError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 3
        except run_guard.StoppedBySignal as stop:
            print("Stopped by SIGTERM while waiting for another run (or for the warehouse slot).", file=sys.stderr)
            return stop.code
        except DagsterExecutionInterruptedError:
            print("Stopped by SIGTERM; the next run resumes the pulls and frees what this one held.", file=sys.stderr)
            return 128 + signal.SIGTERM
        rejected = rejected_batch_alert(result.dagster_run, result.all_events)
        if not result.success or rejected:
            print(
                "\nThe run FAILED:"
                if not result.success
                else "\nA GX gate REJECTED a load: the marts built from it were not rebuilt (the last good ones stay):",
                file=sys.stderr,
            )
            for line in failure_reasons(result.all_events) if not result.success else rejected.details:
                print(f"  - {line}", file=sys.stderr)
            print(f"The run's full log: {log_path}; `make ui` shows the run.", file=sys.stderr)
            return 1
        status = print_headlines(settings, report_paths(result.all_events), log_path, business=False)
        from orchestration.report_asset import report_pdf_skipped

        skipped = report_pdf_skipped(result.all_events)
        if skipped:
            print(f"PDF:       {skipped}")
        return status
    return print_headlines(settings)


def report_paths(events) -> list[str]:
    """The report files the run's report asset wrote (its materialisation's `report_<language>` metadata)."""
    from orchestration.report_asset import REPORT_KEY

    paths = []
    for event in events:
        if event.event_type_value == "ASSET_MATERIALIZATION" and event.asset_key == REPORT_KEY:
            metadata = event.event_specific_data.materialization.metadata
            paths += [entry.value for name, entry in metadata.items() if name.startswith("report_")]
    return paths


def print_report(settings: Settings, period_text: str | None, lang: str) -> int:
    from orchestration.duckdb_session import duckdb_config
    from orchestration.postgres import connect
    from reporting.periods import PeriodError, parse_period
    from reporting.render import render_report
    from reporting.restricted import ReidentificationLookupError

    if settings.warehouse_target != "postgres" and not settings.warehouse_location.exists():
        print(f"No warehouse at {settings.warehouse_location}: run `make run` first.", file=sys.stderr)
        return 1
    import duckdb

    try:
        period = parse_period(period_text) if period_text else None
        report = render_report(
            settings.warehouse_location,
            settings.reports_path,
            period,
            languages=("vi", "en") if lang == "all" else (lang,),
            generated_at=datetime.now(ZoneInfo(LOCAL_TIMEZONE)),
            warehouse_target=settings.warehouse_target,
            connect_postgres=connect,
            duckdb_config=duckdb_config(settings),
            pdf=settings.report_pdf,
            reidentification_lookup=settings.reidentification_lookup,
        )
    except (PeriodError, ReidentificationLookupError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except duckdb.IOException as exc:
        if warehouse_file.is_damage(str(exc)):
            print(f"error: {warehouse_file.rebuild_hint(settings.warehouse_path)} DuckDB said: {exc}", file=sys.stderr)
            return 1
        print(
            f"error: cannot read the warehouse {settings.warehouse_path} (a run may be writing it; "
            f"try again when it ends): {exc}",
            file=sys.stderr,
        )
        return 1
    for language, path in report.paths.items():
        print(f"Report {report.period.period_key} ({language}): {path}")
    for language, path in report.pdfs.items():
        print(f"Report {report.period.period_key} ({language}, PDF): {path}")
    if report.pdf_skipped:
        print(report.pdf_skipped)
    for language, path in report.restricted.items():
        print(f"Restricted annex ({language}, names officials; readable by you only): {path}")
    return 0
