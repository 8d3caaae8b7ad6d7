"""Ingestion assets: pull a window of source updates and land it, one asset per source system.

The asset of a source covers all its landed datasets (for the one-stop-shop: dossiers and their
eight child lists); every dbt source table of that system maps to it.
"""
from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, ResourceParam, asset

from connectors import budget
from connectors.ingest import land_pull
from connectors.landing import LandingZone
from connectors.one_stop_shop import DATASETS as ONE_STOP_SHOP_DATASETS
from connectors.one_stop_shop import SOURCE as ONE_STOP_SHOP
from orchestration.partitions import daily_partitions, local_naive, single_run_backfill
from orchestration.sources import BudgetPortalSource, OneStopShopSource


def landing_key(source: str) -> AssetKey:
    return AssetKey(["landing", source])


ONE_STOP_SHOP_LANDING = landing_key(ONE_STOP_SHOP)
BUDGET_LANDING = landing_key(budget.SOURCE)


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


@asset(
    key=BUDGET_LANDING,
    group_name="landing",
    partitions_def=daily_partitions,
    backfill_policy=single_run_backfill,
    kinds={"python", "parquet", "xlsx"},
    description="Budget disclosures of the province's portal (công khai ngân sách): each run crawls the listing and "
                "lands only new or changed files (ETag, Last-Modified, content hash), the originals untouched and their "
                f"rows parsed: {', '.join(budget.DATASETS)}. A file that cannot be parsed is reported by file, sheet and "
                "cell and nothing from it lands (docs/budget_landing.md).",
)
def budget_landing(context: AssetExecutionContext, budget_source: ResourceParam[BudgetPortalSource],
                   landing: ResourceParam[LandingZone]) -> MaterializeResult:
    # Disclosures are not a daily stream: whatever the partitions, a run crawls what the portal
    # shows now; the partition range only names the crawl (its resumable load).
    window = context.partition_time_window
    since, until = local_naive(window.start), local_naive(window.end)
    source_uri = budget_source.describe()
    context.log.info(f"crawling the budget disclosure portal {source_uri}")
    report = budget.land_crawl(landing, budget_source.client(), source_uri, f"crawl-{since:%Y%m%d}-{until:%Y%m%d}")
    for problem in report.problems:
        context.log.warning(f"{problem.file_name}: {problem.status}: {problem.error}")
    for message in report.listing_errors:
        context.log.warning(message)
    return MaterializeResult(metadata={
        "load_id": report.load.load_id,
        "source": source_uri,
        "files": MetadataValue.json(report.summary()),
        "rows_per_dataset": MetadataValue.json(report.load.rows),
        "files_not_landed": MetadataValue.json([
            {"file": p.file_name, "document": p.document_id, "status": p.status, "sheet": p.sheet, "cell": p.cell,
             "error": p.error} for p in report.problems]),
        "listing_errors": MetadataValue.json(report.listing_errors),
        "resumed_after_crash": report.load.resumed,
        "path": MetadataValue.path(str(landing.root / budget.SOURCE)),
    })
