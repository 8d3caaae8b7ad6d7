"""The dbt project as Dagster assets: seeds, staging, intermediate, marts, each layer its own group."""

import functools
import json
import os
import shutil
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dagster import (
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetObservation,
    Config,
    DagsterEventType,
    MetadataValue,
    Output,
    ResourceParam,
)
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets

from orchestration import seed_state
from orchestration.ingestion import landing_key
from orchestration.mart_metadata import with_mart_metadata
from orchestration.partitions import daily_partitions
from orchestration.registry import check_dbt_sources
from orchestration.run_guard import WAREHOUSE_POOL
from orchestration.settings import DBT_PROJECT_DIR, Settings

# Steps that write the DuckDB warehouse share the pool WAREHOUSE_POOL; dagster.yaml limits it to one at a
# time (DuckDB allows one writing process per file). Defined with what waits for it (orchestration/run_guard.py).

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


class ManifestMissingError(RuntimeError):
    pass


def manifest_path() -> "Path":
    path = dbt_project.manifest_path
    if not path.exists():
        raise ManifestMissingError(
            f"the dbt manifest {path} does not exist: run `make manifest` (or `dbt parse` in dbt_project/) first; "
            "`make run`, `make ui` and `make test` do it for you."
        )
    return path


@functools.cache
def manifest() -> dict[str, Any]:
    """The manifest the steps were defined from (read once per process)."""
    return json.loads(manifest_path().read_text())


def quarantine_keys(source: str) -> list[AssetKey]:
    """The staging tables holding the rows of `source` that a row rule rejects (`stg_<source>__*_quarantine`),
    each with its reason: the rows of an accepted load that staging keeps out of the marts."""
    nodes = manifest()["nodes"].values()
    return sorted(
        (
            translator.get_asset_key(node)
            for node in nodes
            if node["resource_type"] == "model"
            and node["name"].startswith(f"stg_{source}__")
            and node["name"].endswith("_quarantine")
        ),
        key=lambda key: key.to_user_string(),
    )


class WarehouseTranslator(DagsterDbtTranslator):
    """Every table of a dbt source is part of that source system's landing asset; groups follow the layers."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return landing_key(dbt_resource_props["source_name"])
        return super().get_asset_key(dbt_resource_props)

    def get_asset_check_spec(self, asset_spec, manifest: Mapping[str, Any], unique_id: str, project):
        """dagster-dbt takes a check's description from the test's `meta.description` only: every other test
        would read "No description provided" in the UI. Here: the test's own description where the project
        gives one, else what it checks, in words made from its name and arguments."""
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None or spec.description:
            return spec
        return AssetCheckSpec(
            name=spec.name,
            asset=spec.asset_key,
            description=test_description(manifest["nodes"][unique_id]),
            additional_deps=[dep.asset_key for dep in spec.additional_deps],
            metadata=spec.metadata,
            blocking=spec.blocking,
        )

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "warehouse"


def test_description(test: Mapping[str, Any]) -> str:
    """A dbt data test in words: its description in the project, else its generic test, column and arguments
    (`accepted_values on status: values = [...]`), else the singular test's file."""
    severity = (test.get("config") or {}).get("severity") or "error"
    level = " Warns, never stops the build." if severity.lower() == "warn" else ""
    if test.get("description"):
        return test["description"] + level
    generic = test.get("test_metadata") or {}
    if not generic:
        return (
            f"Singular test {test['name']} (dbt_project/{test['original_file_path']}): the rows it returns fail.{level}"
        )
    kwargs = {k: v for k, v in (generic.get("kwargs") or {}).items() if k not in ("model", "column_name")}
    column = (generic.get("kwargs") or {}).get("column_name") or test.get("column_name")
    words = f"{generic['name'].replace('_', ' ')}" + (f" on {column}" if column else "")
    if kwargs:
        words += ": " + "; ".join(f"{k} = {v}" for k, v in kwargs.items())
    return f"dbt test {words}.{level}"


translator = WarehouseTranslator(
    settings=DagsterDbtTranslatorSettings(enable_asset_checks=True, enable_duplicate_source_asset_keys=True)
)


class WarehouseBuildConfig(Config):
    """Run configuration of the dbt step (Launchpad: ops.warehouse_models.config)."""

    full_refresh: bool = False
    """Rebuild the incremental version tables from every accepted landed load (`dbt build --full-refresh`)."""


RANGE_START_TAG, RANGE_END_TAG, PARTITION_TAG = (
    "dagster/asset_partition_range_start",
    "dagster/asset_partition_range_end",
    "dagster/partition",
)


def update_window(run_tags: Mapping[str, str]) -> tuple[str, str] | None:
    """The days of source updates a run covers, from its partition tags: (first day, day after the last)."""
    first = run_tags.get(RANGE_START_TAG) or run_tags.get(PARTITION_TAG)
    last = run_tags.get(RANGE_END_TAG) or run_tags.get(PARTITION_TAG)
    if not first or not last:
        return None
    start = daily_partitions.time_window_for_partition_key(first).start
    end = daily_partitions.time_window_for_partition_key(last).end
    return f"{start:%Y-%m-%d}", f"{end:%Y-%m-%d}"


# The window reaches dbt as environment variables, not `--vars`: dbt re-parses the whole project when
# its vars differ from those of its saved parse (every run, since every run has its own window),
# and a changed environment variable costs it nothing of the kind. `--vars` still work by hand.
WINDOW_ENV = ("PAR_WINDOW_START", "PAR_WINDOW_END")


def dbt_build_args(run_tags: Mapping[str, str], full_refresh: bool) -> tuple[list[str], dict[str, str]]:
    """(the dbt arguments, the window's environment variables) of a run's build."""
    if full_refresh:
        return ["build", "--full-refresh"], {}
    window = update_window(run_tags)
    if window is None:  # not a partitioned run: an incremental build refreshes every row
        return ["build"], {}
    return ["build"], dict(zip(WINDOW_ENV, window))


@contextmanager
def environment(values: Mapping[str, str]):
    """`values` set in this process's environment, which the dbt process inherits, then restored."""
    saved = {name: os.environ.get(name) for name in WINDOW_ENV}
    for name in WINDOW_ENV:
        os.environ.pop(name, None)
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


# Every dbt source is a registry source (or the gate's audit records): the code location refuses to load
# otherwise, naming the source (orchestration/registry.py `check_dbt_sources`).
check_dbt_sources(manifest())


@dbt_assets(
    manifest=manifest_path(),
    project=dbt_project,
    dagster_dbt_translator=translator,
    pool=WAREHOUSE_POOL,
)
def warehouse_models(
    context: AssetExecutionContext, dbt: DbtCliResource, config: WarehouseBuildConfig, settings: ResourceParam[Settings]
):
    """`dbt build` of the whole project (the seeds, the calendar, every source's models and the program marts):
    one dbt process per run.

    The version tables (`*_versions`) replace the rows of the run's days of source updates; every
    other model is rebuilt from them. A load that a GX gate rejected in this run leaves out the models
    reading it, directly or through other models (`--exclude source:<name>+`), and only those: they keep
    their last good materialisation and get an observation saying why. Not partitioned: a warehouse table
    is one asset; the run's partitions come from its tags (a range of days is one pull and one build).
    """
    yield from build_step(context, dbt, config, settings)


# What the dbt step adds to its build:
# - no JSON artifacts: dbt writes manifest.json twice and run_results.json in every invocation (about
#   a second of a step's fixed cost); Dagster gets each node's result from dbt's event stream, the
#   saved parse (partial_parse.msgpack) is written regardless, and each node's log stays in dbt.log;
# - no unit tests: they check the models' SQL on fixed input rows, not the data, so they change only
#   with the code; `make test` runs them (tests/test_dbt_build.py), as does a `dbt build` by hand.
#   The data tests run on every build, unless left out (below).
# - no seeds when the warehouse holds what the seed files say (orchestration/seed_state.py; their
#   assets are reported as current, not reloaded, so what reads them still builds).
# - no data tests when the settings say so (PAR_DBT_DATA_TESTS=0: the Spark parity test, whose marts are
#   compared with DuckDB's, where the tests ran).
STEP_FLAGS = ("--no-write-json", "--exclude-resource-type", "unit_test")  # the flag's values last


def step_flags(seeds_unchanged: bool, settings: Settings) -> list[str]:
    """STEP_FLAGS, with the seeds and the data tests among the excluded resource types where left out."""
    return [*STEP_FLAGS, *(["seed"] if seeds_unchanged else []), *([] if settings.dbt_data_tests else ["test"])]


def selected_seeds(context: AssetExecutionContext) -> dict[str, tuple[str, str]]:
    """The seeds this step builds: output name -> (schema, table) of each."""
    seeds = {}
    for node in manifest()["nodes"].values():
        if node["resource_type"] != "seed":
            continue
        key = translator.get_asset_key(node)
        if key in context.selected_asset_keys:
            seeds[context.assets_def.get_output_name_for_asset_key(key)] = (node["schema"], node["alias"])
    return seeds


def unchanged_seeds(
    context: AssetExecutionContext, config: WarehouseBuildConfig, settings: Settings
) -> tuple[dict[str, tuple[str, str]], str | None]:
    """(the step's seeds that need no load, the seeds' fingerprint when this build loads them and records it).

    Loaded: on a full refresh, on PostgreSQL (always), and whenever the DuckDB or Spark warehouse does not
    hold the current fingerprint and every seed table."""
    seeds = selected_seeds(context)
    if not seeds or settings.warehouse_target not in seed_state.ADAPTERS:
        return {}, None
    now = seed_state.fingerprint(DBT_PROJECT_DIR, settings.warehouse_target)
    if not config.full_refresh and seed_state.is_current_for(settings, now, seeds.values()):
        return seeds, None
    return {}, now


def build_step(context: AssetExecutionContext, dbt: DbtCliResource, config: WarehouseBuildConfig, settings: Settings):
    """The body of the dbt step: the tables reading a rejected load skipped (an observation each); on
    PostgreSQL, copy the accepted landed loads into the landing schemas first (orchestration/postgres.py);
    then `dbt build` of the rest, incremental for the run's partitions; on DuckDB and Spark each mart's
    materialisation carries its row count and headline values (orchestration/mart_metadata.py)."""
    rejected = rejected_loads_upstream(context)
    skipped = reading_rejected_loads(context.assets_def, rejected) & context.selected_asset_keys
    if skipped:  # not built: the last good materialisations stay the current ones
        yield from skipped_for_rejected_loads(context, rejected, skipped)
    if skipped == set(context.selected_asset_keys):
        return
    if settings.warehouse_target == "postgres":
        from orchestration.postgres import load_landing

        copied = load_landing(manifest_path(), settings.landing_dir, settings)
        context.log.info(f"copied landed rows into PostgreSQL: {copied}")
    unchanged, loading = unchanged_seeds(context, config, settings)
    # a changed project (a seed's threshold, a model's SQL, a release) is applied to every row: rebuilt in full
    rebuilt_for_change = (
        not config.full_refresh
        and loading is not None
        and seed_state.project_changed(seed_state.recorded_for(settings), loading)
    )
    if rebuilt_for_change:
        context.log.warning(
            "the dbt project changed since the last build (a seed, a model, a macro, dbt_project.yml or dbt's "
            "version): every table is rebuilt (--full-refresh), so that no row keeps the old rule"
        )
    args, window = dbt_build_args(context.run.tags, config.full_refresh or rebuilt_for_change)
    flags = step_flags(bool(unchanged), settings)
    excluded = excluded_sources(rejected)
    if excluded:
        flags = ["--exclude", excluded, *flags]
    context.log.info(
        f"dbt {' '.join([*args, *flags])}"
        + "".join(f" {name}={value}" for name, value in window.items())
        + (f" (the {len(unchanged)} seeds are unchanged: not reloaded)" if unchanged else "")
    )
    for output_name in unchanged:  # current in the warehouse: what reads them runs
        yield Output(None, output_name=output_name, metadata={"reloaded": False})
    with environment(window):
        invocation = dbt.cli([*args, *flags], context=context)
        events = invocation.stream()
        if settings.warehouse_target in ("duckdb", "spark"):
            events = with_mart_metadata(
                events,
                settings.warehouse_target,
                settings.warehouse_location,
                settings,
                accepted_loads_upstream(context),
            )
        yield from events
    # after a rebuild that left tables out (a rejected load), not recorded: the next build rebuilds them too
    if loading is not None and invocation.is_successful() and not (rebuilt_for_change and excluded):
        seed_state.record_for(settings, loading)
    share_partial_parse(Path(invocation.target_path))
    prune_invocation_folders(Path(invocation.target_path), keep=KEPT_INVOCATIONS)


def rejected_loads_upstream(context: AssetExecutionContext) -> dict[AssetKey, str]:
    """The loads a GX gate rejected in this run, of the sources this step reads: {landing asset: load id}.

    A gate that rejects a load fails its check with WARN severity (orchestration/quality_checks.py): the run
    goes on, and the dbt step leaves out the tables reading that source (`build_step`), so that the run ends
    successfully, Dagster skips the steps downstream of the skipped tables, and the UI keeps each table's last
    good materialisation as its current one rather than calling it Failed."""
    rejected = {}
    for evaluation in _gate_evaluations_upstream(context):
        if not evaluation.passed:
            load_id = evaluation.metadata.get("load_id")
            rejected[evaluation.asset_key] = load_id.value if load_id is not None else "unknown"
    return rejected


def accepted_loads_upstream(context: AssetExecutionContext) -> list[str]:
    """The loads the GX gates of the sources this step reads accepted in this run (what its quarantine counts)."""
    loads: list[str] = []
    for evaluation in _gate_evaluations_upstream(context):
        if evaluation.passed:
            several = evaluation.metadata.get("load_ids")
            loads += several.value if several is not None else [evaluation.metadata["load_id"].value]
    return loads


def _gate_evaluations_upstream(context: AssetExecutionContext):
    upstream = context.assets_def.dependency_keys
    records = context.instance.get_records_for_run(context.run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION)
    for record in records.records:
        evaluation = record.event_log_entry.dagster_event.event_specific_data
        if evaluation.check_name == "gx_suites" and evaluation.asset_key in upstream:
            yield evaluation


def reading_rejected_loads(assets_def, rejected: Mapping[AssetKey, str]) -> set[AssetKey]:
    """The assets of `assets_def` that read one of the `rejected` landing assets, directly or through each other."""
    readers: set[AssetKey] = set()
    grown = True
    while grown:
        grown = False
        for key, deps in assets_def.asset_deps.items():
            if key not in readers and deps & (readers | rejected.keys()):
                readers.add(key)
                grown = True
    return readers


def excluded_sources(rejected: Mapping[AssetKey, str]) -> str:
    """dbt's selection of what reads the rejected landing assets: `source:<name>+` for each (dbt's own graph)."""
    names = sorted(
        {node["source_name"] for node in manifest()["sources"].values() if translator.get_asset_key(node) in rejected}
    )
    return " ".join(f"source:{name}+" for name in names)


def skipped_for_rejected_loads(context: AssetExecutionContext, rejected: Mapping[AssetKey, str], keys):
    """An observation on each table of `keys` saying why it was not built this run (the rejected loads it reads)."""
    readers = {
        landing: reading_rejected_loads(context.assets_def, {landing: load}) for landing, load in rejected.items()
    }
    context.log.warning(
        f"{len(keys)} tables not built ({rejection_reason(rejected)}): their last good tables stay current"
    )
    for key in sorted(keys, key=lambda k: k.to_user_string()):
        read = {landing: load for landing, load in rejected.items() if key in readers[landing]} or rejected
        yield AssetObservation(
            asset_key=key,
            metadata={
                "skipped": MetadataValue.text(f"not built in this run: {rejection_reason(read)}"),
                "rejected_loads": MetadataValue.json({k.to_user_string(): load for k, load in read.items()}),
                "current": "the last good materialisation",
            },
        )


def rejection_reason(rejected: Mapping[AssetKey, str]) -> str:
    return "; ".join(f"the GX gate rejected load {load} of {key.to_user_string()}" for key, load in rejected.items())


def share_partial_parse(invocation_folder: Path) -> None:
    """Make this invocation's saved parse the one the next run's dbt starts from.

    dbt starts from dbt_project/target/partial_parse.msgpack (dagster-dbt copies it in). `make manifest`
    writes it with the settings' profile (orchestration/dbt_parse.py); a run with another profile (another
    warehouse path: tests, the bench) makes dbt re-parse the whole project, at every run, unless the runs
    pass on their own parse. The parse the step just saved matches the run's profile, so the next runs
    parse only what changed."""
    saved = invocation_folder / "partial_parse.msgpack"
    if not saved.exists():
        return
    shared = DBT_PROJECT_DIR / "target" / "partial_parse.msgpack"
    tmp = shared.with_name(f".{shared.name}.{os.getpid()}.tmp")
    shutil.copyfile(saved, tmp)
    os.replace(tmp, shared)


# Each dbt invocation writes its artifacts (compiled SQL, saved parse, logs) to a folder of its own
# under dbt_project/target/; a nightly run makes one. The latest few of each step are kept for
# debugging, the rest removed, so that the folder does not grow by gigabytes a year.
KEPT_INVOCATIONS = 3


def prune_invocation_folders(latest: Path, keep: int) -> None:
    """Remove the older artifact folders of the step that wrote `latest` (`<step>-<run>-<hash>`), keeping `keep`."""
    step = latest.name.split("-")[0]
    folders = sorted(
        (f for f in latest.parent.glob(f"{step}-*") if f.is_dir()), key=lambda f: f.stat().st_mtime, reverse=True
    )
    for old in folders[keep:]:
        if old != latest:
            shutil.rmtree(old, ignore_errors=True)


# What is published after a run waits for every table of the dbt step.
WAREHOUSE_KEYS = list(warehouse_models.keys)
# The op name of the dbt step (run config: ops.<step>.config.full_refresh).
WAREHOUSE_STEPS = (warehouse_models.op.name,)
