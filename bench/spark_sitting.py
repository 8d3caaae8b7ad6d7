"""`python -m bench.spark_sitting [--dossiers-per-year N] [--years Y] [--engines duckdb spark]`: DuckDB and
Spark local mode on the same cached province, in one sitting (docs/scaling.md, "Measured here").

For each engine, on its own hard-linked copy of the cached landing zone (`python -m bench generate`):
1. a full rebuild: `dbt build --full-refresh` with `--target <engine>`, without dbt's data and unit
   tests (the Spark parity test's setting, `PAR_DBT_DATA_TESTS=0`, so both engines do the same work);
2. the nightly run of the day after through the orchestrator (`python -m orchestration run`,
   `PAR_WAREHOUSE_TARGET=<engine>`): landing, gates, the one dbt step, the mart metadata, the report
   and the snapshot, exactly what the schedule runs.
Each is timed on the wall clock with the peak memory of its process tree (bench/measure.py); the
nightly's steps come from Dagster's event log. The results go to bench/spark_results.md (or --results),
with the machine and its load average before and after each measurement: on a shared machine only the
ratios of one sitting carry over.

Spark runs in local mode with `PAR_SPARK_MASTER` (default here `local[<cpus>]`), its driver memory from
`PAR_SPARK_DRIVER_MEMORY` (default here 8g) and `PAR_SPARK_SHUFFLE_PARTITIONS` (default here 2 per core).
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.harness import DBT, describe_machine, landed_rows
from bench.measure import CommandFailedError, Measurement, run_measured
from bench.report import run_steps
from bench.workspace import BENCH_DIR, PYTHON, Volume, pipeline_env, prepare
from orchestration.settings import DBT_PROJECT_DIR, PROJECT_ROOT, load_settings

ENGINES = ("duckdb", "spark")
REBUILD_ARGS = ("build", "--full-refresh", "--exclude-resource-type", "unit_test", "--exclude-resource-type", "test")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


@dataclass
class Timed:
    """One measurement and the machine's load average (1, 5, 15 min) just before and just after it."""

    measurement: Measurement
    load_before: str
    load_after: str


@dataclass
class EngineResult:
    engine: str
    rebuild: Timed
    nightly: Timed | None
    nightly_steps: list[tuple[str, float, float]]
    failure: str = ""


def spark_environment() -> dict[str, str]:
    cpus = os.cpu_count() or 2
    return {
        "PAR_SPARK_MASTER": os.environ.get("PAR_SPARK_MASTER", f"local[{cpus}]"),
        "PAR_SPARK_DRIVER_MEMORY": os.environ.get("PAR_SPARK_DRIVER_MEMORY", "8g"),
        "PAR_SPARK_SHUFFLE_PARTITIONS": os.environ.get("PAR_SPARK_SHUFFLE_PARTITIONS", str(2 * cpus)),
    }


def timed(what: str, command: list[str], env: dict[str, str], cwd: Path, log: Path) -> Timed:
    before = load_average()
    measurement = run_measured(what, command, env=env, cwd=cwd, log=log)
    return Timed(measurement, before, load_average())


def run_engine(engine: str, volume: Volume, landing: Path, export: Path, log=print) -> EngineResult:
    """The full rebuild, then the nightly run, of `engine` on its own copy of `landing`."""
    run = BENCH_DIR / "spark_sitting" / engine
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir(parents=True)
    shutil.copytree(landing, run / "landing", copy_function=os.link)  # landed files are never rewritten
    settings = load_settings()
    day = volume.nightly_day
    env = {
        **pipeline_env(run, run / "landing", export, day),
        "PAR_WAREHOUSE_TARGET": engine,
        "PAR_SPARK_DIR": str(run / "spark"),
        "PAR_DBT_DATA_TESTS": "0",
        "PAR_DUCKDB_MEMORY_LIMIT": settings.duckdb_memory_limit,
        "PAR_DUCKDB_THREADS": str(settings.duckdb_threads),
        **(spark_environment() if engine == "spark" else {}),
    }
    target = run / "dbt_target"
    run_measured("dbt parse", [DBT, "parse", "--target", engine, "--target-path", str(target)], env, DBT_PROJECT_DIR)
    log(f"{engine}: full rebuild (dbt {' '.join(REBUILD_ARGS)} --target {engine}) ...")
    rebuild = timed(
        f"{engine} full rebuild",
        [DBT, *REBUILD_ARGS, "--target", engine, "--target-path", str(target)],
        env,
        DBT_PROJECT_DIR,
        run / "full_rebuild.log",
    )
    log(f"  {rebuild.measurement.seconds:.0f} s, peak {rebuild.measurement.peak_mib:,.0f} MiB")
    # the deployment's own parse (`make manifest`), as bench/harness.py: not timed
    run_measured("the deployment's parse", [PYTHON, "-m", "orchestration.dbt_parse"], env, PROJECT_ROOT)
    log(f"{engine}: nightly run (python -m orchestration run --start {day} --end {day}) ...")
    try:
        nightly = timed(
            f"{engine} nightly run",
            [PYTHON, "-m", "orchestration", "run", "--start", str(day), "--end", str(day)],
            env,
            PROJECT_ROOT,
            run / "nightly.log",
        )
    except CommandFailedError as failed:
        log(f"  failed: {failed}")
        return EngineResult(engine, rebuild, None, [], failure=str(failed).splitlines()[0])
    log(f"  {nightly.measurement.seconds:.0f} s, peak {nightly.measurement.peak_mib:,.0f} MiB")
    return EngineResult(engine, rebuild, nightly, run_steps(run / "dagster_home")[1])


def seconds(s: float) -> str:
    return f"{s:,.0f} s" if s < 120 else f"{s:,.0f} s ({s / 60:.1f} min)"


def render(volume: Volume, machine: dict[str, str], rows: dict[str, int], results: list[EngineResult]) -> str:
    spark = spark_environment()
    lines = [
        "# DuckDB and Spark local mode on the same province, one sitting",
        "",
        f"Written by `python -m bench.spark_sitting --dossiers-per-year {volume.dossiers_per_year} "
        f"--years {volume.years}` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        "",
        f"- landing zone: {rows['dossiers']:,} dossier rows (versions), {rows['process_steps']:,} process steps; "
        f"the nightly run is {volume.nightly_day}",
        *(f"- {k.replace('_', ' ')}: {v}" for k, v in machine.items()),
        f"- Spark: master {spark['PAR_SPARK_MASTER']}, driver memory {spark['PAR_SPARK_DRIVER_MEMORY']}, "
        f"{spark['PAR_SPARK_SHUFFLE_PARTITIONS']} shuffle partitions; dbt's data and unit tests left out on both engines",
        "",
        "| engine | what | wall time | peak memory | load average before → after |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        for t in (r.rebuild, r.nightly):
            if t is None:
                lines.append(f"| {r.engine} | nightly run | failed: {r.failure} | | |")
                continue
            m = t.measurement
            lines.append(
                f"| {r.engine} | {m.what.split(' ', 1)[1]} | {seconds(m.seconds)} | {m.peak_mib:,.0f} MiB | "
                f"{t.load_before} → {t.load_after} |"
            )
    if len(results) == 2 and all(r.nightly for r in results):
        duck, spark_result = results
        lines += [
            "",
            f"Spark / DuckDB: full rebuild {spark_result.rebuild.measurement.seconds / duck.rebuild.measurement.seconds:.1f}x, "
            f"nightly run {spark_result.nightly.measurement.seconds / duck.nightly.measurement.seconds:.1f}x.",
        ]
    for r in results:
        if r.nightly_steps:
            lines += ["", f"The nightly run's steps on {r.engine} (Dagster's event log):", ""]
            lines += [f"- {step}: {seconds(s)}" for step, _, s in r.nightly_steps if s >= 1]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.spark_sitting", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dossiers-per-year", type=int, default=1_000_000)
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--results", type=Path, default=Path(__file__).with_name("spark_results.md"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    volume = Volume(args.dossiers_per_year, args.years)
    machine = describe_machine()
    province = prepare(volume, log=lambda m: print(m, flush=True))
    rows = landed_rows(province.landing)
    print(
        f"landing zone: {rows['dossiers']:,} dossier rows; machine load {machine['load_average_at_start']}", flush=True
    )
    results = [
        run_engine(engine, volume, province.landing, province.export("nightly"), log=lambda m: print(m, flush=True))
        for engine in args.engines
    ]
    machine["load_average_at_end"] = load_average()
    args.results.write_text(render(volume, machine, rows, results))
    print(args.results.read_text())
    return 0 if all(r.nightly for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
