"""The dbt project as Dagster assets: seeds, staging, intermediate, marts, each layer its own group."""

import json
import os
import shutil
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey, Config, ResourceParam
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets

from orchestration.ingestion import landing_key
from orchestration.mart_metadata import with_mart_metadata
from orchestration.partitions import daily_partitions
from orchestration.registry import FAMILIES, check_model_steps
from orchestration.registry import family as registry_family
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


class WarehouseTranslator(DagsterDbtTranslator):
    """Every table of a dbt source is part of that source system's landing asset; groups follow the layers."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return landing_key(dbt_resource_props["source_name"])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "warehouse"


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


# Models built from a source family other than the one-stop-shop carry the family's dbt tag and
# are their own step: a failed blocking gate skips the whole step downstream of it, so one step per
# family lets a bad cadre snapshot stop the workforce marts without stopping the one-stop-shop's.
# The families and the family of each source are declared in orchestration/registry.py; the program
# marts read the marts of every family: their own step (tag `program`) after all of them.
TAGGED_STEPS = {family.name: family.description for family in FAMILIES if family.tagged}
FAMILY_SELECTION = " ".join(f"tag:{family}" for family in TAGGED_STEPS)
# A model reading a source of another family than its step's (an untagged model on a new source), or
# tagged with two families, stops the code location from loading, naming the model and the fix.
check_model_steps(json.loads(manifest_path().read_text()))


@dbt_assets(
    manifest=manifest_path(),
    project=dbt_project,
    dagster_dbt_translator=translator,
    pool=WAREHOUSE_POOL,
    exclude=FAMILY_SELECTION,
)
def warehouse_models(
    context: AssetExecutionContext, dbt: DbtCliResource, config: WarehouseBuildConfig, settings: ResourceParam[Settings]
):
    """`dbt build` of the one-stop-shop's models, the seeds and the calendar.

    The version tables (`*_versions`) replace the rows of the run's days of source updates; every
    other model is rebuilt from them. Not partitioned: a warehouse table is one asset; the run's
    partitions come from its tags (a range of days is one pull and one build).
    """
    yield from build_step(context, dbt, config, settings)


# What every dbt step adds to its build:
# - no JSON artifacts: dbt writes manifest.json twice and run_results.json in every invocation (about
#   a second of a step's fixed cost); Dagster gets each node's result from dbt's event stream, the
#   saved parse (partial_parse.msgpack) is written regardless, and each node's log stays in dbt.log;
# - no unit tests: they check the models' SQL on fixed input rows, not the data, so they change only
#   with the code; `make test` runs them (tests/test_dbt_build.py), as does a `dbt build` by hand.
#   The data tests still run on every build.
STEP_FLAGS = ("--no-write-json", "--exclude-resource-type", "unit_test")


def build_step(context: AssetExecutionContext, dbt: DbtCliResource, config: WarehouseBuildConfig, settings: Settings):
    """The body of every dbt step: on PostgreSQL, copy the accepted landed loads into the landing
    schemas first (orchestration/postgres.py); then `dbt build`, incremental for the run's
    partitions; on DuckDB and Spark each mart's materialisation carries its row count and headline
    values (orchestration/mart_metadata.py)."""
    if settings.warehouse_target == "postgres":
        from orchestration.postgres import load_landing

        copied = load_landing(manifest_path(), settings.landing_dir)
        context.log.info(f"copied landed rows into PostgreSQL: {copied}")
    args, window = dbt_build_args(context.run.tags, config.full_refresh)
    context.log.info(f"dbt {' '.join(args)}" + "".join(f" {name}={value}" for name, value in window.items()))
    with environment(window):
        invocation = dbt.cli([*args, *STEP_FLAGS], context=context)
        events = invocation.stream()
        if settings.warehouse_target in ("duckdb", "spark"):
            events = with_mart_metadata(events, settings.warehouse_target, settings.warehouse_location)
        yield from events
    share_partial_parse(Path(invocation.target_path))
    prune_invocation_folders(Path(invocation.target_path), keep=KEPT_INVOCATIONS)


def share_partial_parse(invocation_folder: Path) -> None:
    """Make this invocation's saved parse the one the next dbt step starts from.

    Each step's dbt starts from dbt_project/target/partial_parse.msgpack (dagster-dbt copies it in).
    `make manifest` writes it with the settings' profile (orchestration/dbt_parse.py); a run with another
    profile (another warehouse path: tests, the bench) makes dbt re-parse the whole project, at every
    step, unless the steps pass on their own parse. The parse the step just saved
    matches the run's profile, so the steps after it (and the next runs) parse only what changed."""
    saved = invocation_folder / "partial_parse.msgpack"
    if not saved.exists():
        return
    shared = DBT_PROJECT_DIR / "target" / "partial_parse.msgpack"
    tmp = shared.with_name(f".{shared.name}.{os.getpid()}.tmp")
    shutil.copyfile(saved, tmp)
    os.replace(tmp, shared)


# Each dbt invocation writes its artifacts (compiled SQL, saved parse, logs) to a folder of its own
# under dbt_project/target/; a nightly run makes five. The latest few of each step are kept for
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


def family_models(family: str):
    """The dbt step of one source family (models tagged `family`)."""

    @dbt_assets(
        manifest=manifest_path(),
        project=dbt_project,
        dagster_dbt_translator=translator,
        pool=WAREHOUSE_POOL,
        select=f"tag:{family}",
        name=registry_family(family).step,
    )
    def models(
        context: AssetExecutionContext,
        dbt: DbtCliResource,
        config: WarehouseBuildConfig,
        settings: ResourceParam[Settings],
    ):
        yield from build_step(context, dbt, config, settings)

    models.__doc__ = f"`dbt build` of the models tagged `{family}`: {TAGGED_STEPS[family]}."
    return models


source_family_models = [family_models(family) for family in TAGGED_STEPS]
# Every dbt step's assets: what is published after a run waits for all of them.
WAREHOUSE_KEYS = [key for step in (warehouse_models, *source_family_models) for key in step.keys]
# The op names of the dbt steps (run config: ops.<step>.config.full_refresh).
WAREHOUSE_STEPS = tuple(family.step for family in FAMILIES)
