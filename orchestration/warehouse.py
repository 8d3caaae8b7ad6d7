"""The dbt project as Dagster assets: seeds, staging, intermediate, marts, each layer its own group."""

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey, Config, ResourceParam
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets

from orchestration.ingestion import landing_key
from orchestration.partitions import daily_partitions
from orchestration.settings import DBT_PROJECT_DIR, Settings

# Steps that write the DuckDB warehouse share this pool; dagster.yaml limits it to one at a time
# (DuckDB allows one writing process per file).
WAREHOUSE_POOL = "warehouse"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


class ManifestMissingError(RuntimeError):
    pass


def manifest_path() -> "Path":
    path = dbt_project.manifest_path
    if not path.exists():
        raise ManifestMissingError(
            f"the dbt manifest {path} does not exist: run `make manifest` (or `dbt parse` in dbt_project/) first; "
            "`make run`, `make ui` and `make test` do it for you.")
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


translator = WarehouseTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True,
                                                                    enable_duplicate_source_asset_keys=True))


class WarehouseBuildConfig(Config):
    """Run configuration of the dbt step (Launchpad: ops.warehouse_models.config)."""

    full_refresh: bool = False
    """Rebuild the incremental version tables from every accepted landed load (`dbt build --full-refresh`)."""


RANGE_START_TAG, RANGE_END_TAG, PARTITION_TAG = ("dagster/asset_partition_range_start",
                                                 "dagster/asset_partition_range_end", "dagster/partition")


def update_window(run_tags: Mapping[str, str]) -> tuple[str, str] | None:
    """The days of source updates a run covers, from its partition tags: (first day, day after the last)."""
    first = run_tags.get(RANGE_START_TAG) or run_tags.get(PARTITION_TAG)
    last = run_tags.get(RANGE_END_TAG) or run_tags.get(PARTITION_TAG)
    if not first or not last:
        return None
    start = daily_partitions.time_window_for_partition_key(first).start
    end = daily_partitions.time_window_for_partition_key(last).end
    return f"{start:%Y-%m-%d}", f"{end:%Y-%m-%d}"


def dbt_build_args(run_tags: Mapping[str, str], full_refresh: bool) -> list[str]:
    if full_refresh:
        return ["build", "--full-refresh"]
    window = update_window(run_tags)
    if window is None:  # not a partitioned run: an incremental build refreshes every row
        return ["build"]
    return ["build", "--vars", json.dumps({"window_start": window[0], "window_end": window[1]})]


@dbt_assets(
    manifest=manifest_path(),
    project=dbt_project,
    dagster_dbt_translator=translator,
    pool=WAREHOUSE_POOL,
)
def warehouse_models(context: AssetExecutionContext, dbt: DbtCliResource, config: WarehouseBuildConfig,
                     settings: ResourceParam[Settings]):
    """`dbt build` of the selected models, incremental for the run's partitions.

    The version tables (`*_versions`) replace the rows of the run's days of source updates; every
    other model is rebuilt from them. On PostgreSQL, the accepted landed loads are copied into the
    landing schemas first (orchestration/postgres.py). Not partitioned: a warehouse table is one
    asset; the run's partitions come from its tags (a range of days is one pull and one build).
    """
    if settings.warehouse_target == "postgres":
        from orchestration.postgres import load_landing

        copied = load_landing(manifest_path(), settings.landing_dir)
        context.log.info(f"copied landed rows into PostgreSQL: {copied}")
    args = dbt_build_args(context.run.tags, config.full_refresh)
    context.log.info(f"dbt {' '.join(args)}")
    yield from dbt.cli(args, context=context).stream()
