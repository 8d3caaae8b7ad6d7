"""The nightly load: at 01:00 Vietnam time, yesterday's updates from every source, then the warehouse."""

from datetime import timedelta

from dagster import AssetCheckKey, AssetSelection, RunRequest, ScheduleEvaluationContext, define_asset_job, schedule

from orchestration.freshness import SOURCE_FRESHNESS
from orchestration.ingestion import landing_key
from orchestration.partitions import daily_partitions
from orchestration.settings import LOCAL_TIMEZONE

pipeline_job = define_asset_job(
    name="par_pipeline",
    # every asset and check except the sources' freshness checks (a backfill of old days is not staleness)
    selection=AssetSelection.all()
    - AssetSelection.checks(*[AssetCheckKey(landing_key(policy.source), "freshness") for policy in SOURCE_FRESHNESS]),
    partitions_def=daily_partitions,
    description="Ingest the partition's source updates, run the GX gate, build the warehouse and its marts.",
)


@schedule(
    job=pipeline_job,
    cron_schedule="0 1 * * *",
    execution_timezone=LOCAL_TIMEZONE,
    description="Nightly at 01:00 Asia/Ho_Chi_Minh: the previous day's partition.",
)
def nightly_schedule(context: ScheduleEvaluationContext) -> RunRequest:
    yesterday = (context.scheduled_execution_time - timedelta(days=1)).strftime("%Y-%m-%d")
    return RunRequest(run_key=yesterday, partition_key=yesterday)
