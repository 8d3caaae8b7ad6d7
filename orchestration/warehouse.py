"""The dbt project as Dagster assets: seeds, staging, intermediate, marts, each layer its own group."""

from pathlib import Path
from collections.abc import Mapping
from typing import Any

from dagster import AssetExecutionContext, AssetKey, ResourceParam
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets

from orchestration.ingestion import landing_key
from orchestration.mart_metadata import with_mart_metadata
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


# Models built from a source family other than the one-stop-shop carry the family's dbt tag and
# are their own step: a failed blocking gate skips the whole step downstream of it, so one step per
# family lets a bad cadre snapshot stop the workforce marts without stopping the one-stop-shop's.
SOURCE_FAMILIES = {
    "workforce": "the cadre system and the PAR ranking: staging and the workforce marts (latest accepted snapshot)",
    "budget": "the budget disclosures: staging and the budget marts (latest version of each document)",
    "registries": "the administrative-unit file and the population and business registries: the unit dimension, "
                  "the business-environment and per-capita marts",
}
FAMILY_SELECTION = " ".join(f"tag:{family}" for family in SOURCE_FAMILIES)


@dbt_assets(
    manifest=manifest_path(),
    project=dbt_project,
    dagster_dbt_translator=translator,
    pool=WAREHOUSE_POOL,
    exclude=FAMILY_SELECTION,
)
def warehouse_models(context: AssetExecutionContext, dbt: DbtCliResource, settings: ResourceParam[Settings]):
    """`dbt build` of the selected models: every model is rebuilt from all accepted landed loads.

    Not partitioned: a warehouse table is one asset, rebuilt whole; the landing assets carry the
    daily partitions (a run over a range of days is one pull and one build). Each mart's
    materialisation carries its row count and headline values (orchestration/mart_metadata.py).
    """
    yield from with_mart_metadata(dbt.cli(["build"], context=context).stream(), settings.warehouse_path)


def family_models(family: str):
    """The dbt step of one source family (models tagged `family`)."""
    @dbt_assets(
        manifest=manifest_path(),
        project=dbt_project,
        dagster_dbt_translator=translator,
        pool=WAREHOUSE_POOL,
        select=f"tag:{family}",
        name=f"{family}_models",
    )
    def models(context: AssetExecutionContext, dbt: DbtCliResource, settings: ResourceParam[Settings]):
        yield from with_mart_metadata(dbt.cli(["build"], context=context).stream(), settings.warehouse_path)

    models.__doc__ = f"`dbt build` of the models built from {SOURCE_FAMILIES[family]}."
    return models


source_family_models = [family_models(family) for family in SOURCE_FAMILIES]
