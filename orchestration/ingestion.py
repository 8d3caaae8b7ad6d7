"""Ingestion assets: pull a window of source updates and land it, one asset per landed dataset."""
from dagster import (AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, MetadataValue, ResourceParam,
                     multi_asset)

from connectors.ingest import land_pull
from connectors.landing import LandingZone
from connectors.one_stop_shop import DATASETS as ONE_STOP_SHOP_DATASETS
from connectors.one_stop_shop import SOURCE as ONE_STOP_SHOP
from orchestration.partitions import daily_partitions, local_naive, single_run_backfill
from orchestration.sources import OneStopShopSource


def landing_key(source: str, dataset: str) -> AssetKey:
    """The asset of one landed dataset; dbt sources `<source>.<dataset>` map to the same key."""
    return AssetKey(["landing", source, dataset])


ONE_STOP_SHOP_KEYS = {dataset: landing_key(ONE_STOP_SHOP, dataset) for dataset in ONE_STOP_SHOP_DATASETS}


@multi_asset(
    name="one_stop_shop_landing",
    specs=[AssetSpec(key, group_name="landing", kinds={"python", "parquet"},
                     description=f"One-stop-shop `{dataset}` as the source sent it, pseudonymised, append-only "
                                 "Parquet per load (docs/one_stop_shop_landing.md).")
           for dataset, key in ONE_STOP_SHOP_KEYS.items()],
    partitions_def=daily_partitions,
    backfill_policy=single_run_backfill,
)
def one_stop_shop_landing(context: AssetExecutionContext, one_stop_shop_source: ResourceParam[OneStopShopSource],
                          landing: ResourceParam[LandingZone]):
    """Dossiers of the provincial one-stop-shop system updated in the partitions' days, with their child lists."""
    window = context.partition_time_window
    since, until = local_naive(window.start), local_naive(window.end)
    source_uri = one_stop_shop_source.describe()
    context.log.info(f"pulling one-stop-shop updates in [{since}, {until}) from {source_uri}")
    summary = land_pull(landing, ONE_STOP_SHOP, f"{since:%Y%m%d}-{until:%Y%m%d}", source_uri,
                        one_stop_shop_source.fetcher(since, until), one_stop_shop_source.flattener())
    for dataset, key in ONE_STOP_SHOP_KEYS.items():
        yield MaterializeResult(asset_key=key, metadata={
            "load_id": summary.load_id,
            "source": source_uri,
            "window": f"[{since:%Y-%m-%d %H:%M}, {until:%Y-%m-%d %H:%M}) local time",
            "rows": summary.rows.get(dataset, 0),
            "dossier_versions_in_load": summary.records,
            "resumed_after_crash": summary.resumed,
            "path": MetadataValue.path(str(landing.root / ONE_STOP_SHOP / dataset)),
        })
