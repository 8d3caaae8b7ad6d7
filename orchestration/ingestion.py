"""Ingestion assets: pull source data and land it, one asset per source system.

Each source is declared in orchestration/registry.py; a source read through an API (the registries,
pulled by updated day; the cadre system, landed as dated snapshots) gets its asset from one factory,
`built_landing_asset`, its landing kind choosing the window; the one-stop-shop, the PAR ranking files,
the budget portal's crawl and the administrative-unit reference file (landed whole at every run: it is
small and the province may replace it at any time) have their own.

The asset of a source covers all its landed datasets (for the one-stop-shop: dossiers and their
eight child lists; for the cadre system: persons, appraisals, quotas, units); every dbt source
table of that system maps to it. All share the daily partitions, so the nightly job runs them all:
the one-stop-shop pulls the partitions' updates, the snapshot sources (cadre system, PAR ranking)
land the whole source as it stood at the last partition's end (docs/cadre_landing.md).
"""

import functools
import inspect
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from dagster import (
    AssetExecutionContext,
    AssetKey,
    MaterializeResult,
    MetadataValue,
    ResourceParam,
    RetryRequested,
    asset,
)

from connectors import budget, cadre
from connectors.admin_units import SOURCE as ADMIN_UNITS
from connectors.http_session import SourceUnavailableError
from connectors.ingest import LoadSummary, land_pull
from connectors.landing import LandingZone
from connectors.one_stop_shop import DATASETS as ONE_STOP_SHOP_DATASETS
from connectors.one_stop_shop import SOURCE as ONE_STOP_SHOP
from connectors.pseudonymise import check_key
from orchestration import registry
from orchestration.partitions import daily_partitions, local_naive, single_run_backfill
from orchestration.registry import Source
from orchestration.settings import Settings
from orchestration.sources import AdminUnitsSource, BudgetPortalSource, OneStopShopSource, ParRankingSource


def landing_key(source: str) -> AssetKey:
    return AssetKey(["landing", source])


ONE_STOP_SHOP_LANDING = landing_key(ONE_STOP_SHOP)
CADRE_LANDING = landing_key(cadre.SOURCE)
PAR_RANKING_LANDING = landing_key(cadre.RANKING_SOURCE)
BUDGET_LANDING = landing_key(budget.SOURCE)


def recorded_once(context: AssetExecutionContext, load_id: str, source_uri: str, totals: dict) -> MaterializeResult:
    """The materialisation of a pull: its load and source on every day it covers, its `totals` once.

    A run over a range of days (`make run START=.. END=..`, a backfill: one run, BackfillPolicy.single_run) is
    one pull and one load, but Dagster records a materialisation for each day of the range (how it knows which
    days are landed). The totals go on the range's last day only, which is also the asset's latest
    materialisation; every other day names the load, the range and the day that carries the totals."""
    keys = context.partition_keys if context.has_partition_key_range else []
    shared = {"load_id": load_id, "source": source_uri}
    if len(keys) < 2:
        return MaterializeResult(metadata={**shared, **totals})
    context.add_asset_metadata(totals, partition_key=keys[-1])
    return MaterializeResult(
        metadata={
            **shared,
            "range": f"{keys[0]} .. {keys[-1]} ({len(keys):,} days, one load)",
            "totals_on": keys[-1],
        }
    )


def _landed(
    context: AssetExecutionContext, summary: LoadSummary, source_uri: str, landing: LandingZone, **metadata
) -> MaterializeResult:
    return recorded_once(
        context,
        summary.load_id,
        source_uri,
        {
            **metadata,
            "rows_per_dataset": MetadataValue.json(summary.rows),
            "resumed_after_crash": summary.resumed,
            "path": MetadataValue.path(str(landing.root / summary.source)),
        },
    )


def _said(context: AssetExecutionContext, source_uri: str, why_not_resume):
    """`why_not_resume`, its answer also in the run's log: a pull started over is said so."""

    def checked(cursor: str | None) -> str | None:
        why = why_not_resume(cursor)
        if why:
            context.log.warning(f"{source_uri}: the unfinished pull is not resumed: {why}; a new load lands it whole")
        return why

    return checked


@contextmanager
def retried_while_unavailable(settings: Settings):
    """A source still unavailable after its HTTP retries: retry the landing step later (PAR_SOURCE_RETRIES
    times, PAR_SOURCE_RETRY_WAIT_SECONDS apart); the pull resumes after its last landed page. Bad data is
    never retried."""
    try:
        yield
    except SourceUnavailableError as exc:
        if settings.source_retries > 0:
            raise RetryRequested(
                max_retries=settings.source_retries, seconds_to_wait=settings.source_retry_wait_seconds
            ) from exc
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
def one_stop_shop_landing(
    context: AssetExecutionContext,
    one_stop_shop_source: ResourceParam[OneStopShopSource],
    landing: ResourceParam[LandingZone],
) -> MaterializeResult:
    window = context.partition_time_window
    since, until = local_naive(window.start), local_naive(window.end)
    source_uri = one_stop_shop_source.describe()
    context.log.info(f"pulling one-stop-shop updates in [{since}, {until}) from {source_uri}")
    check_key(landing, ONE_STOP_SHOP, one_stop_shop_source.pseudonymiser())  # the key the landing zone was built with
    with retried_while_unavailable(one_stop_shop_source.settings):
        summary = land_pull(
            landing,
            ONE_STOP_SHOP,
            f"{since:%Y%m%d}-{until:%Y%m%d}",
            source_uri,
            one_stop_shop_source.fetcher(since, until),
            one_stop_shop_source.flattener(),
            read_ahead=one_stop_shop_source.pages_read_ahead(),
            why_not_resume=_said(context, source_uri, one_stop_shop_source.why_not_resume),
        )
    if not summary.records:
        context.log.warning(f"no dossier version landed from {source_uri} for [{since}, {until})")
    return _landed(
        context,
        summary,
        source_uri,
        landing,
        window=f"[{since:%Y-%m-%d %H:%M}, {until:%Y-%m-%d %H:%M}) local time",
        dossier_versions=summary.records,
    )


@asset(
    key=PAR_RANKING_LANDING,
    group_name="landing",
    partitions_def=daily_partitions,
    backfill_policy=single_run_backfill,
    kinds={"python", "parquet"},
    description="The yearly PAR ranking files (xếp hạng chỉ số CCHC of departments and districts), every file "
    "of the folder as one load; staging reads the latest accepted load (docs/cadre_landing.md).",
)
def par_ranking_landing(
    context: AssetExecutionContext,
    par_ranking_source: ResourceParam[ParRankingSource],
    landing: ResourceParam[LandingZone],
) -> MaterializeResult:
    day = local_naive(context.partition_time_window.end).date() - timedelta(days=1)
    source_uri = par_ranking_source.describe()
    context.log.info(f"landing the PAR ranking files from {source_uri}")
    summary = land_pull(
        landing,
        cadre.RANKING_SOURCE,
        f"files-{day:%Y%m%d}",
        source_uri,
        par_ranking_source.fetcher(),
        par_ranking_source.flattener(),
        land_empty=True,
    )
    return _landed(context, summary, source_uri, landing, rankings=summary.records)


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
def budget_landing(
    context: AssetExecutionContext,
    budget_source: ResourceParam[BudgetPortalSource],
    landing: ResourceParam[LandingZone],
) -> MaterializeResult:
    # Disclosures are not a daily stream: whatever the partitions, a run crawls what the portal
    # shows now; the partition range only names the crawl (its resumable load).
    window = context.partition_time_window
    since, until = local_naive(window.start), local_naive(window.end)
    source_uri = budget_source.describe()
    context.log.info(f"crawling the budget disclosure portal {source_uri}")
    with retried_while_unavailable(budget_source.settings):
        report = budget.land_crawl(landing, budget_source.client(), source_uri, f"crawl-{since:%Y%m%d}-{until:%Y%m%d}")
    for problem in report.problems:
        context.log.warning(f"{problem.file_name}: {problem.status}: {problem.error}")
    for message in report.listing_errors:
        context.log.warning(message)
    return recorded_once(
        context,
        report.load.load_id,
        source_uri,
        {
            "files": MetadataValue.json(report.summary()),
            "rows_per_dataset": MetadataValue.json(report.load.rows),
            "files_not_landed": MetadataValue.json(
                [
                    {
                        "file": p.file_name,
                        "document": p.document_id,
                        "status": p.status,
                        "sheet": p.sheet,
                        "cell": p.cell,
                        "error": p.error,
                    }
                    for p in report.problems
                ]
            ),
            "listing_errors": MetadataValue.json(report.listing_errors),
            "resumed_after_crash": report.load.resumed,
            "path": MetadataValue.path(str(landing.root / budget.SOURCE)),
        },
    )


def _partitioned_window(context: AssetExecutionContext) -> tuple[tuple, str, str, dict]:
    """A partitioned pull: the records updated in [since, until), the partitions' days (local time)."""
    window = context.partition_time_window
    since, until = local_naive(window.start), local_naive(window.end)
    return (
        (since, until),
        f"{since:%Y%m%d}-{until:%Y%m%d}",
        f"updates in [{since}, {until})",
        {"window": f"[{since:%Y-%m-%d %H:%M}, {until:%Y-%m-%d %H:%M}) local time"},
    )


def _snapshot_day(context: AssetExecutionContext) -> tuple[tuple, str, str, dict]:
    """A snapshot: the whole system as it stood at the end of the last partition's day."""
    as_of = local_naive(context.partition_time_window.end).date() - timedelta(days=1)
    return (as_of,), f"snapshot-{as_of:%Y%m%d}", f"as of {as_of}", {"requested_as_of": as_of.isoformat()}


# What each built landing kind pulls: (fetcher's window, the load's state key, the log's words, metadata).
_WINDOWS = {"partitioned": _partitioned_window, "snapshot": _snapshot_day}


@functools.cache
def built_landing_asset(entry: Source):
    """The daily-partitioned landing asset of a source whose registry entry names no asset of its own,
    its `landing` kind choosing what a run lands (orchestration/registry.py `BUILT_LANDINGS`):
    "partitioned" the records updated in the partitions' days (load `YYYYMMDD-YYYYMMDD`), "snapshot" the
    whole system as it stood at the end of the last partition's day (load `snapshot-YYYYMMDD`). Its
    resource (`<name>_source`: `describe`, `fetcher(*window)`, `flattener`, optionally `why_not_resume`
    and `pseudonymiser`) is its parameter by its key, so the asset can be called with it as
    `asset(context, <name>_source=..., landing=...)`. A source with personal data (`Api.personal`) first
    checks that the landing zone was built with the key it will hash with."""
    source, window_of = entry.name, _WINDOWS[entry.landing]
    personal = entry.api is not None and entry.api.personal

    def _landing(context: AssetExecutionContext, **resources) -> MaterializeResult:
        pulled, landing = resources[entry.key], resources["landing"]
        window, state_key, words, metadata = window_of(context)
        source_uri = pulled.describe()
        context.log.info(f"landing {source} {words} from {source_uri}")
        if personal:
            check_key(landing, source, pulled.pseudonymiser())  # the key the landing zone was built with
        why_not_resume = getattr(pulled, "why_not_resume", None)
        with retried_while_unavailable(pulled.settings):
            summary = land_pull(
                landing,
                source,
                state_key,
                source_uri,
                pulled.fetcher(*window),
                pulled.flattener(),
                land_empty=True,
                why_not_resume=_said(context, source_uri, why_not_resume) if why_not_resume else None,
            )
        return _landed(context, summary, source_uri, landing, **metadata, records=summary.records)

    # The resource and the landing zone as named parameters (Dagster reads them from the signature).
    parameter = functools.partial(inspect.Parameter, kind=inspect.Parameter.KEYWORD_ONLY)
    _landing.__signature__ = inspect.Signature(
        [
            inspect.Parameter("context", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=AssetExecutionContext),
            parameter(entry.key, annotation=ResourceParam[Any]),
            parameter("landing", annotation=ResourceParam[LandingZone]),
        ],
        return_annotation=MaterializeResult,
    )
    _landing.__name__ = f"{source}_landing"
    return asset(
        key=landing_key(source),
        group_name="landing",
        partitions_def=daily_partitions,
        backfill_policy=single_run_backfill,
        kinds={"python", "parquet"},
        description=entry.description,
    )(_landing)


# The cadre system's landing is the built snapshot asset of its registry entry (kept by its name).
cadre_landing = built_landing_asset(registry.source(cadre.SOURCE))


@asset(
    key=landing_key(ADMIN_UNITS),
    group_name="landing",
    kinds={"python", "parquet"},
    description="The administrative-unit reference file (PAR_ADMIN_UNITS_DIR: admin_units.csv and "
    "admin_unit_successors.csv), landed whole at every run; the warehouse reads the latest "
    "accepted load (docs/admin_units.md).",
)
def admin_units_landing(
    context: AssetExecutionContext,
    admin_units_source: ResourceParam[AdminUnitsSource],
    landing: ResourceParam[LandingZone],
) -> MaterializeResult:
    source_uri = admin_units_source.describe()
    summary = land_pull(
        landing,
        ADMIN_UNITS,
        "reference_file",
        source_uri,
        admin_units_source.fetcher(),
        admin_units_source.flattener(),
        land_empty=True,
    )
    return MaterializeResult(
        metadata={
            "load_id": summary.load_id,
            "source": source_uri,
            "rows_per_dataset": MetadataValue.json(summary.rows),
            "path": MetadataValue.path(str(admin_units_source.folder)),
        }
    )
