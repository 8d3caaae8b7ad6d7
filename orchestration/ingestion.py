"""Ingestion assets: pull a window of source updates and land it, one asset per source system.

The registries share one asset factory; the administrative-unit reference file is landed whole
at every run (it is small and the province may replace it at any time).

The asset of a source covers all its landed datasets (for the one-stop-shop: dossiers and their
eight child lists); every dbt source table of that system maps to it.
"""
from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, ResourceParam, asset

from connectors.admin_units import SOURCE as ADMIN_UNITS
from connectors.business_registry import DATASETS as BUSINESS_REGISTRY_DATASETS
from connectors.business_registry import SOURCE as BUSINESS_REGISTRY
from connectors.ingest import land_pull
from connectors.landing import LandingZone
from connectors.one_stop_shop import DATASETS as ONE_STOP_SHOP_DATASETS
from connectors.one_stop_shop import SOURCE as ONE_STOP_SHOP
from orchestration.partitions import daily_partitions, local_naive, single_run_backfill
from connectors.population_registry import DATASETS as POPULATION_REGISTRY_DATASETS
from connectors.population_registry import SOURCE as POPULATION_REGISTRY
from orchestration.sources import AdminUnitsSource, OneStopShopSource


def landing_key(source: str) -> AssetKey:
    return AssetKey(["landing", source])


ONE_STOP_SHOP_LANDING = landing_key(ONE_STOP_SHOP)


@asset(
    key=ONE_STOP_SHOP_LANDING,
    group_name="landing",
    partitions_def=daily_partitions,
    backfill_policy=single_run_backfill,
    kinds={"python", "parquet"},
    description="Dossiers of the provincial one-stop-shop system updated in the partitions' days, as the "
                f"source sent them, pseudonymised, in append-only Parquet: {', '.join(ONE_STOP_SHOP_DATASETS)} "
                "(docs/one_stop_shop_landing.md).",
)
def one_stop_shop_landing(context: AssetExecutionContext, one_stop_shop_source: ResourceParam[OneStopShopSource],
                          landing: ResourceParam[LandingZone]) -> MaterializeResult:
    window = context.partition_time_window
    since, until = local_naive(window.start), local_naive(window.end)
    source_uri = one_stop_shop_source.describe()
    context.log.info(f"pulling one-stop-shop updates in [{since}, {until}) from {source_uri}")
    summary = land_pull(landing, ONE_STOP_SHOP, f"{since:%Y%m%d}-{until:%Y%m%d}", source_uri,
                        one_stop_shop_source.fetcher(since, until), one_stop_shop_source.flattener())
    return MaterializeResult(metadata={
        "load_id": summary.load_id,
        "source": source_uri,
        "window": f"[{since:%Y-%m-%d %H:%M}, {until:%Y-%m-%d %H:%M}) local time",
        "dossier_versions": summary.records,
        "rows_per_dataset": MetadataValue.json(summary.rows),
        "resumed_after_crash": summary.resumed,
        "path": MetadataValue.path(str(landing.root / ONE_STOP_SHOP)),
    })


def registry_landing_asset(source: str, datasets: tuple[str, ...], what: str):
    """The daily-partitioned landing asset of one registry (resource `<source>_source`)."""

    @asset(
        key=landing_key(source),
        group_name="landing",
        partitions_def=daily_partitions,
        backfill_policy=single_run_backfill,
        kinds={"python", "parquet"},
        required_resource_keys={f"{source}_source", "landing"},
        description=f"{what} updated in the partitions' days, as the registry sent them, in append-only Parquet: "
                    f"{', '.join(datasets)} (docs/registries_landing.md).",
    )
    def _landing(context: AssetExecutionContext) -> MaterializeResult:
        registry = getattr(context.resources, f"{source}_source")
        landing: LandingZone = context.resources.landing
        window = context.partition_time_window
        since, until = local_naive(window.start), local_naive(window.end)
        source_uri = registry.describe()
        context.log.info(f"pulling {source} updates in [{since}, {until}) from {source_uri}")
        summary = land_pull(landing, source, f"{since:%Y%m%d}-{until:%Y%m%d}", source_uri,
                            registry.fetcher(since, until), registry.flattener(), land_empty=True)
        return MaterializeResult(metadata={
            "load_id": summary.load_id,
            "source": source_uri,
            "window": f"[{since:%Y-%m-%d %H:%M}, {until:%Y-%m-%d %H:%M}) local time",
            "records": summary.records,
            "rows_per_dataset": MetadataValue.json(summary.rows),
            "resumed_after_crash": summary.resumed,
            "path": MetadataValue.path(str(landing.root / source)),
        })

    return _landing


population_registry_landing = registry_landing_asset(
    POPULATION_REGISTRY, POPULATION_REGISTRY_DATASETS, "Residents per commune-level unit, month, sex and age band")
business_registry_landing = registry_landing_asset(
    BUSINESS_REGISTRY, BUSINESS_REGISTRY_DATASETS, "Enterprises and their status changes")


@asset(
    key=landing_key(ADMIN_UNITS),
    group_name="landing",
    kinds={"python", "parquet"},
    description="The administrative-unit reference file (PAR_ADMIN_UNITS_DIR: admin_units.csv and "
                "admin_unit_successors.csv), landed whole at every run; the warehouse reads the latest "
                "accepted load (docs/admin_units.md).",
)
def admin_units_landing(context: AssetExecutionContext, admin_units_source: ResourceParam[AdminUnitsSource],
                        landing: ResourceParam[LandingZone]) -> MaterializeResult:
    source_uri = admin_units_source.describe()
    summary = land_pull(landing, ADMIN_UNITS, "reference_file", source_uri, admin_units_source.fetcher(),
                        admin_units_source.flattener(), land_empty=True)
    return MaterializeResult(metadata={
        "load_id": summary.load_id,
        "source": source_uri,
        "rows_per_dataset": MetadataValue.json(summary.rows),
        "path": MetadataValue.path(str(admin_units_source.folder)),
    })
