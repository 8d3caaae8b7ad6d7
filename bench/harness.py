"""The benchmark, in one run on one machine (what `make bench` runs):

1. the province: the cached landing zone of the generated history (bench/workspace.py);
2. the full rebuild: `dbt build --full-refresh` of the whole project over it (seeds, every model, every
   data test), timed with the peak memory of dbt's process tree, and each node's time (the profile);
3. the floor: bench/floor.sql over the same Parquet, timed, then checked to give the same numbers as
   the three service-quality marts (a difference fails the bench);
4. the nightly run: `python -m orchestration run` for the day after the history, its one-stop-shop
   day from an export file, every other source from the sandbox, end to end (Dagster and dbt
   start-up, the GX gates, the incremental build, the snapshot, the report);
5. API ingestion of one day and of one month of dossiers through the loopback API;
6. the generator: the history's last two months generated again, into a scratch landing zone.

Results go to a table on stdout and to bench/results.md.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.api_ingestion import IngestionResult, measure_api_ingestion
from bench.floor import compare
from bench.measure import Measurement, run_measured
from bench.report import GeneratorResult, Results, render_markdown, render_table, run_steps
from bench.workspace import PYTHON, Volume, day_window, fresh_run_dir, pipeline_env, prepare
from orchestration import seed_state
from orchestration.duckdb_session import connect
from orchestration.settings import DBT_PROJECT_DIR, PROJECT_ROOT, load_settings

DBT = str(Path(PYTHON).with_name("dbt"))
# The full rebuild as the pipeline runs it (`python -m orchestration run --full-refresh`: its dbt steps
# exclude the unit tests, which check the models' SQL on fixed rows, not the data; orchestration/
# warehouse.py STEP_FLAGS), from the saved parse of the project that the pipeline's steps keep between
# runs: the bench parses first (timed on its own: dbt cannot reuse a parse made with another profile).
REBUILD_ARGS = ("build", "--full-refresh", "--exclude-resource-type", "unit_test")
GENERATOR_SAMPLE_MONTHS = 2
SERVICE_QUALITY_MARTS = (
    "model.par_warehouse.mart_agency_service_quality",
    "model.par_warehouse.mart_province_service_quality",
    "model.par_warehouse.mart_official_performance",
)


def describe_machine() -> dict[str, str]:
    from importlib.metadata import version

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    return {
        "cpus": f"{os.cpu_count()} x {cpu}",
        "memory": f"{memory / 2**20:.1f} GiB",
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": ", ".join(f"{p} {version(p)}" for p in ("duckdb", "dbt-core", "dbt-duckdb", "dagster", "pyarrow")),
        "load_average_at_start": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
    }


@dataclass
class NodeTime:
    unique_id: str
    seconds: float


def node_times(target: Path) -> list[NodeTime]:
    results = json.loads((target / "run_results.json").read_text())["results"]
    return sorted((NodeTime(r["unique_id"], r["execution_time"]) for r in results), key=lambda n: -n.seconds)


def lineage(target: Path, roots: tuple[str, ...]) -> set[str]:
    """The models (and seeds) upstream of `roots`, roots included."""
    parents = json.loads((target / "manifest.json").read_text())["parent_map"]
    seen, stack = set(), list(roots)
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack += [p for p in parents.get(node, []) if p.split(".")[0] in ("model", "seed")]
    return seen


def landed_rows(landing: Path) -> dict[str, int]:
    with connect() as con:
        return {
            p.name: con.execute(f"select count(*) from read_parquet('{p}/*/*.parquet')").fetchone()[0]
            for p in sorted((landing / "one_stop_shop").iterdir())
            if p.is_dir()
        }


def run_bench(volume: Volume, results_path: Path, log=print) -> int:
    started = datetime.now(UTC)
    machine = describe_machine()
    # DuckDB's memory limit and threads of the settings (their defaults unless this environment sets
    # them), for dbt's session here, the floor's and the nightly run's: every figure is under them
    settings = load_settings()
    limits = {
        "PAR_DUCKDB_MEMORY_LIMIT": settings.duckdb_memory_limit,
        "PAR_DUCKDB_THREADS": str(settings.duckdb_threads),
    }
    machine["duckdb"] = f"memory_limit {settings.duckdb_memory_limit}, threads {settings.duckdb_threads}"
    log(
        f"bench: {volume.dossiers_per_year:,} dossiers a year x {volume.years} years, machine {machine['cpus']}, "
        f"load average {machine['load_average_at_start']}"
    )
    province = prepare(volume, log=log)
    run = fresh_run_dir(province)
    landing, warehouse, as_of = run / "landing", run / "warehouse.duckdb", volume.history_end.isoformat()
    rows = landed_rows(landing)
    log(f"landing zone: {rows['dossiers']:,} dossier rows, {rows['process_steps']:,} process steps")

    target = run / "dbt_target"
    dbt_env = {
        "PAR_LANDING_DIR": str(landing),
        "PAR_WAREHOUSE_PATH": str(warehouse),
        "PAR_REPORTING_AS_OF": as_of,
        "DO_NOT_TRACK": "1",
        **limits,
    }
    log("project parse: dbt parse ...")
    parse = run_measured(
        "project parse",
        [DBT, "parse", "--target-path", str(target)],
        env=dbt_env,
        cwd=DBT_PROJECT_DIR,
        log=run / "parse.log",
    )
    log(f"  {parse.seconds:.0f} s")
    log(f"full rebuild: dbt {' '.join(REBUILD_ARGS)} ...")
    rebuild = run_measured(
        "full rebuild",
        [DBT, *REBUILD_ARGS, "--target-path", str(target)],
        env=dbt_env,
        cwd=DBT_PROJECT_DIR,
        log=run / "full_rebuild.log",
    )
    nodes = node_times(target)
    service_quality = lineage(target, SERVICE_QUALITY_MARTS)
    log(f"  {rebuild.seconds:.0f} s")
    # What the pipeline's own full rebuild records after it (orchestration/warehouse.py): without it the
    # nightly run would reload every seed, as a first build does, which no deployment's night pays.
    seed_state.record(warehouse, seed_state.fingerprint(DBT_PROJECT_DIR), settings)

    log("floor: bench/floor.sql ...")
    floor = run_measured(
        "floor",
        [PYTHON, "-m", "bench.floor", "--landing", str(landing), "--db", str(run / "floor.duckdb"), "--as-of", as_of],
        env=limits,
        cwd=PROJECT_ROOT,
        log=run / "floor.log",
    )
    log(f"  {floor.seconds:.0f} s; comparing with the marts ...")
    compared = compare(run / "floor.duckdb", warehouse)  # raises FloorMismatchError: the bench fails
    log(f"  same numbers: {', '.join(f'{m} {n:,} rows' for m, n in compared.items())}")

    day = volume.nightly_day
    nightly_env = {**pipeline_env(run, landing, province.export("nightly"), day), **limits}
    # A deployment parses the project once with its own settings (`make manifest`), and each night starts
    # from the parse the night before saved; this bench's first run would otherwise find the parse of the
    # checkout's own data/ and parse the whole project in its first step. Not timed.
    run_measured(
        "the deployment's parse",
        [PYTHON, "-m", "orchestration.dbt_parse"],
        env=nightly_env,
        cwd=PROJECT_ROOT,
        log=run / "deployment_parse.log",
    )
    # It also generates the dbt docs once per release (orchestration/serving.py keeps them by the project's
    # fingerprint): every night after the first finds them. Not timed either.
    run_measured(
        "the release's docs",
        [
            PYTHON,
            "-c",
            "import sys; from pathlib import Path; from orchestration.serving import generate_docs; "
            "generate_docs(Path(sys.argv[1]), Path(sys.argv[2]), 'duckdb')",
            str(warehouse),
            str(run / "release_docs"),
        ],
        env=nightly_env,
        cwd=PROJECT_ROOT,
        log=run / "release_docs.log",
    )
    log(f"nightly run: python -m orchestration run --start {day} --end {day} ...")
    nightly = run_measured(
        "nightly run",
        [PYTHON, "-m", "orchestration", "run", "--start", str(day), "--end", str(day)],
        env=nightly_env,
        cwd=PROJECT_ROOT,
        log=run / "nightly.log",
    )
    log(f"  {nightly.seconds:.0f} s")

    ingestion: list[IngestionResult] = []
    month_start = volume.history_end.replace(day=1)
    previous_month = (month_start - timedelta(days=1)).replace(day=1)
    for what, export, (since, until) in (
        ("API ingestion, one day", province.export("nightly"), day_window(day)),
        (
            "API ingestion, one month",
            province.export("month"),
            (datetime.combine(previous_month, datetime.min.time()), datetime.combine(month_start, datetime.min.time())),
        ),
    ):
        log(f"{what} ...")
        result = measure_api_ingestion(what, export, since, until, run / "api")
        log(f"  {result.dossiers:,} dossiers, {result.per_second:,.0f} a second")
        ingestion.append(result)

    log(f"generator: the history's last {GENERATOR_SAMPLE_MONTHS} months ...")
    sample = run_measured(
        "generator sample",
        [
            PYTHON,
            "-m",
            "bench",
            "generator-sample",
            "--dossiers-per-year",
            str(volume.dossiers_per_year),
            "--years",
            str(volume.years),
            "--history-end",
            volume.history_end.isoformat(),
            "--seed",
            str(volume.seed),
            "--months",
            str(GENERATOR_SAMPLE_MONTHS),
            "--landing",
            str(run / "generator_sample"),
        ],
        cwd=PROJECT_ROOT,
    )
    generated = json.loads(sample.output.strip().splitlines()[-1])
    generator = GeneratorResult(int(generated["dossiers"]), generated["seconds"], sample)
    shutil.rmtree(run / "generator_sample", ignore_errors=True)
    log(f"  {generator.dossiers:,} dossiers, {generator.per_minute:,.0f} a minute")

    machine["load_average_at_end"] = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    results = Results(
        volume=volume,
        province=province,
        machine=machine,
        landed_rows=rows,
        parse=parse,
        rebuild=rebuild,
        nodes=nodes,
        service_quality_nodes=service_quality,
        floor=floor,
        compared=compared,
        nightly=nightly,
        ingestion=ingestion,
        generator=generator,
        nightly_steps=run_steps(run / "dagster_home"),
        started=started,
        finished=datetime.now(UTC),
    )
    print(render_table(results))
    results_path.write_text(render_markdown(results))
    log(f"results: {results_path}")
    return 0


__all__ = ["Measurement", "run_bench"]
