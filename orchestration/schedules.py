"""The nightly load: at 01:00 Vietnam time, yesterday's updates from every source, then the warehouse."""

from datetime import timedelta

from dagster import AssetSelection, RunRequest, ScheduleEvaluationContext, define_asset_job, schedule

from orchestration.partitions import daily_partitions
from orchestration.settings import LOCAL_TIMEZONE

pipeline_job = define_asset_job(
    name="par_pipeline",
    selection=AssetSelection.all(),
    partitions_def=daily_partitions,
    description="Ingest the partition's source updates, run the GX gate, build the warehouse and its marts.",
)


@schedule(job=pipeline_job, cron_schedule="0 1 * * *", execution_timezone=LOCAL_TIMEZONE,
          description="Nightly at 01:00 Asia/Ho_Chi_Minh: the previous day's partition.")
def nightly_schedule(context: ScheduleEvaluationContext) -> RunRequest:
    yesterday = (context.scheduled_execution_time - timedelta(days=1)).strftime("%Y-%m-%d")
    return RunRequest(run_key=yesterday, partition_key=yesterday)
