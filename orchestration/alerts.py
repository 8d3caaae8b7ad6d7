"""Alerts: what nobody watching the nightly run must still hear about.

An alert is one JSON object: appended to `<data dir>/alerts/alerts.jsonl`, logged at ERROR level,
and POSTed to PAR_ALERT_WEBHOOK_URL when it is set (any chat or incident tool that accepts a JSON
webhook). Raised by the run-failure sensor (a run of any job failed) and by the source freshness
checks (a source's last day has not landed in time). docs/operations.md says what to do.
"""

import json
import logging
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from dagster import (
    DagsterEventType,
    DagsterRunStatus,
    DefaultSensorStatus,
    RunFailureSensorContext,
    RunStatusSensorContext,
    run_failure_sensor,
    run_status_sensor,
)

from connectors.http_session import redact_url
from orchestration.settings import Settings
from orchestration.warehouse_file import is_damage, rebuild_hint

log = logging.getLogger(__name__)
WEBHOOK_TIMEOUT_SECONDS = 10


@dataclass
class Alert:
    kind: str  # "run_failed" or "source_stale"
    summary: str  # one line a person reads first
    details: list[str] = field(default_factory=list)
    run_id: str | None = None
    job: str | None = None
    partitions: str | None = None
    raised_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))


def failure_reasons(events) -> list[str]:
    """What failed and why, in words: the root cause of each failed step, each failed check."""
    reasons = []
    for event in events:
        if event.is_step_failure:
            error = event.event_specific_data.error
            while error.cause is not None:
                error = error.cause
            reasons.append(f"{event.step_key}: {error.cls_name}: {error.message.strip()}")
            if is_damage(error.message):
                reasons.append(rebuild_hint())
            if hint := upgrade_hint(error.message):
                reasons.append(hint)
        elif event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION and not event.event_specific_data.passed:
            check = event.event_specific_data
            reasons.append(
                f"check {check.check_name} on {check.asset_key.to_user_string()} failed: "
                f"{check.description or ''}".strip()
            )
    return reasons


# dbt's words when an incremental table's columns differ from its model's (`on_schema_change: fail`).
SCHEMA_OUT_OF_SYNC = "schemas on this incremental model are out of sync"
UPGRADE_HINT = (
    "the warehouse was built by an older version of the models (an incremental table lacks new columns): "
    "rebuild it once with `.venv/bin/python -m orchestration run --full-refresh` (docs/operations.md, "
    "'Incremental builds and the full refresh'); nothing landed is lost"
)


def upgrade_hint(message: str) -> str | None:
    """The fix, in our words, when a dbt step failed because an upgrade gave an incremental table new
    columns: dbt's own message also offers settings that would keep the old rows without them."""
    if SCHEMA_OUT_OF_SYNC in message:  # dagster-dbt quotes the errors it parsed from dbt's log
        return UPGRADE_HINT
    found = re.search(r"dbt debug log: (\S+?dbt\.log)", message)
    if not found:
        return None
    try:
        log_text = Path(found.group(1)).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return UPGRADE_HINT if SCHEMA_OUT_OF_SYNC in log_text else None


def send_alert(settings: Settings, alert: Alert) -> bool:
    """Record the alert and deliver it; True if every configured channel took it."""
    record = asdict(alert)
    path = settings.data_dir / "alerts" / "alerts.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    log.error("ALERT %s: %s%s", alert.kind, alert.summary, "".join(f"\n  - {d}" for d in alert.details))
    if not settings.alert_webhook_url:
        return True
    import requests

    try:
        response = requests.post(settings.alert_webhook_url, json=record, timeout=WEBHOOK_TIMEOUT_SECONDS)
        response.raise_for_status()
        return True
    except requests.RequestException as exc:
        # The URL may hold a token: never log it whole.
        log.error(
            "the alert webhook %s did not take the alert: %s",
            redact_url(settings.alert_webhook_url),
            type(exc).__name__,
        )
        return False


def run_failed_alert(run, events) -> Alert:
    tags = run.tags
    first = tags.get("dagster/asset_partition_range_start") or tags.get("dagster/partition")
    last = tags.get("dagster/asset_partition_range_end") or tags.get("dagster/partition")
    partitions = f"{first} .. {last}" if first and first != last else first
    return Alert(
        kind="run_failed",
        summary=f"run {run.run_id} of {run.job_name} failed" + (f" (partitions {partitions})" if partitions else ""),
        details=failure_reasons(events),
        run_id=run.run_id,
        job=run.job_name,
        partitions=partitions,
    )


def build_run_failure_alert(settings: Settings):
    @run_failure_sensor(
        name="run_failure_alert",
        default_status=DefaultSensorStatus.RUNNING,
        monitor_all_code_locations=False,
        description="Sends an alert (log, alerts.jsonl, PAR_ALERT_WEBHOOK_URL) for every failed run.",
    )
    def run_failure_alert(context: RunFailureSensorContext):
        run = context.dagster_run
        events = [
            record.dagster_event for record in context.instance.all_logs(run.run_id) if record.dagster_event is not None
        ]
        send_alert(settings, run_failed_alert(run, events))

    return run_failure_alert


def rejected_batch_alert(run, events) -> Alert | None:
    """The alert for a run that ended although a GX gate rejected a load (the run succeeds: the marts of the
    source were skipped, orchestration/warehouse.py), or None when every gate accepted its loads."""
    rejected = [
        f"check gx_suites on {e.event_specific_data.asset_key.to_user_string()} failed"
        + (f": {e.event_specific_data.description}" if e.event_specific_data.description else "")
        for e in events
        if e.event_type == DagsterEventType.ASSET_CHECK_EVALUATION
        and e.event_specific_data.check_name == "gx_suites"
        and not e.event_specific_data.passed
    ]
    if not rejected:
        return None
    alert = run_failed_alert(run, events)
    alert.kind = "batch_rejected"
    alert.summary = f"run {run.run_id} of {run.job_name}: a GX gate rejected a load; its marts were not rebuilt"
    alert.details = rejected
    return alert


def build_rejected_batch_alert(settings: Settings):
    @run_status_sensor(
        run_status=DagsterRunStatus.SUCCESS,
        name="rejected_batch_alert",
        default_status=DefaultSensorStatus.RUNNING,
        monitor_all_code_locations=False,
        description="Sends an alert for every run that ended with a load rejected by a GX gate (such a run "
        "succeeds: the marts built from the load are skipped and keep their last good version).",
    )
    def rejected_batch(context: RunStatusSensorContext):
        run = context.dagster_run
        events = [
            record.dagster_event for record in context.instance.all_logs(run.run_id) if record.dagster_event is not None
        ]
        if alert := rejected_batch_alert(run, events):
            send_alert(settings, alert)

    return rejected_batch
