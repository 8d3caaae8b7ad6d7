"""Freshness of each source: by when its previous day must have landed.

One policy per source (its registry entry's `freshness`, orchestration/registry.py): the daily partition of
yesterday (Vietnam time) must be landed by `deadline` today. A `freshness` check on each landing
asset says whether it is, with the latest landed day and how late it is; the hourly
`freshness_schedule` evaluates them, and a stale source raises an alert (orchestration/alerts.py).
The checks are not part of the nightly job: a backfill of old days must not call a source stale.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetSelection,
    DefaultScheduleStatus,
    ScheduleDefinition,
    asset_check,
    define_asset_job,
)

from orchestration.alerts import Alert, send_alert
from orchestration.ingestion import landing_key
from orchestration.registry import SOURCES, Source
from orchestration.settings import LOCAL_TIMEZONE, Settings


@dataclass(frozen=True)
class SourceFreshness:
    source: str
    deadline: time  # local time by which yesterday's partition must be landed

    def expected_day(self, now: datetime) -> date:
        """The latest day that must be landed at `now`: yesterday after the deadline, else the day before."""
        local = now.astimezone(ZoneInfo(LOCAL_TIMEZONE))
        days_back = 1 if local.time() >= self.deadline else 2
        return local.date() - timedelta(days=days_back)


def freshness_policies(sources: tuple[Source, ...] = SOURCES) -> tuple[SourceFreshness, ...]:
    """The policy of every source whose registry entry has a `freshness` deadline (orchestration/registry.py:
    the nightly schedule starts at 01:00; a source pull that needs its retries still ends before 04:00; the
    reference files change when the province or a ministry publishes, not daily, and have none)."""
    return tuple(SourceFreshness(entry.name, entry.freshness) for entry in sources if entry.freshness)


SOURCE_FRESHNESS = freshness_policies()


def build_freshness_check(policy: SourceFreshness, settings: Settings):
    key = landing_key(policy.source)

    @asset_check(
        asset=key,
        name="freshness",
        blocking=False,
        description=f"Yesterday's partition of {policy.source} (Vietnam time) is landed by "
        f"{policy.deadline:%H:%M}; a stale source raises an alert.",
    )
    def freshness(context: AssetCheckExecutionContext) -> AssetCheckResult:
        expected = policy.expected_day(datetime.now(ZoneInfo(LOCAL_TIMEZONE)))
        landed = context.instance.get_materialized_partitions(key)
        latest = max(landed) if landed else None
        passed = expected.isoformat() in landed
        lag_days = (expected - date.fromisoformat(latest)).days if latest else None
        if not passed:
            send_alert(
                settings,
                Alert(
                    kind="source_stale",
                    summary=f"{policy.source} is stale: {expected} has not landed by {policy.deadline:%H:%M}",
                    details=[f"latest landed day: {latest or 'none'}", "see docs/operations.md, 'A source is stale'"],
                ),
            )
        return AssetCheckResult(
            passed=passed,
            severity=AssetCheckSeverity.ERROR,
            description=None if passed else f"{expected} has not landed",
            metadata={
                "expected_day": expected.isoformat(),
                "latest_landed_day": latest or "none",
                "days_behind": lag_days if lag_days is not None else -1,
                "deadline_local": f"{policy.deadline:%H:%M}",
            },
        )

    return freshness


def build_freshness(settings: Settings, sources: tuple[Source, ...] = SOURCES):
    """The freshness checks of every source, the job that evaluates them and its hourly schedule."""
    checks = [build_freshness_check(policy, settings) for policy in freshness_policies(sources)]
    job = define_asset_job(
        "source_freshness",
        selection=AssetSelection.checks(*checks),
        description="Evaluate every source's freshness check (alerts on a stale source).",
    )
    # On by default (the daemon of `make ui`, `dagster dev`, runs it): a freshness check never evaluated reads
    # "Not evaluated" in the UI, which says nothing about the source.
    schedule = ScheduleDefinition(
        name="freshness_schedule",
        job=job,
        cron_schedule="30 * * * *",
        execution_timezone=LOCAL_TIMEZONE,
        default_status=DefaultScheduleStatus.RUNNING,
        description=f"Every hour at :30 ({LOCAL_TIMEZONE} time), the sources' freshness checks.",
    )
    return checks, job, schedule
