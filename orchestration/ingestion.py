"""Ingestion assets: pull a window of source updates and land it, one asset per source system.

The asset of a source covers all its landed datasets (for the one-stop-shop: dossiers and their
eight child lists); every dbt source table of that system maps to it.
"""
from contextlib import contextmanager

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, ResourceParam, RetryRequested, asset

from connectors.http_session import SourceUnavailableError
from connectors.ingest import land_pull
from connectors.landing import LandingZone
from connectors.one_stop_shop import DATASETS as ONE_STOP_SHOP_DATASETS
from connectors.one_stop_shop import SOURCE as ONE_STOP_SHOP
from orchestration.partitions import daily_partitions, local_naive, single_run_backfill
from orchestration.settings import Settings
from orchestration.sources import OneStopShopSource


def landing_key(source: str) -> AssetKey:
    return AssetKey(["landing", source])


ONE_STOP_SHOP_LANDING = landing_key(ONE_STOP_SHOP)


@contextmanager
def retried_while_unavailable(settings: Settings):
    """A source still unavailable after its HTTP retries: retry the landing step later (PAR_SOURCE_RETRIES
    times, PAR_SOURCE_RETRY_WAIT_SECONDS apart); the pull resumes after its last landed page. Bad data is
    never retried."""
    try:
        yield
    except SourceUnavailableError as exc:
        if settings.source_retries > 0:
            raise RetryRequested(max_retries=settings.source_retries,
                                 seconds_to_wait=settings.source_retry_wait_seconds) from exc
        raise


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
    with retried_while_unavailable(one_stop_shop_source.settings):
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
