"""Running it unattended: alerts, freshness, retries, one writer at a time (the analysts' snapshot:
tests/test_incremental_runs.py, whose nightly run it watches)."""

from __future__ import annotations

import dataclasses
import json
import os
import threading
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dagster import (
    AssetMaterialization,
    DagsterEventType,
    DagsterInstance,
    asset,
    build_run_status_sensor_context,
    materialize,
)

from orchestration.alerts import Alert, build_run_failure_alert, send_alert
from orchestration.definitions import build_definitions
from orchestration.freshness import SOURCE_FRESHNESS
from orchestration.ingestion import ONE_STOP_SHOP_LANDING
from orchestration.instance_config import write_instance_config
from orchestration.settings import LOCAL_TIMEZONE
from orchestration.sources import OneStopShopSource, sandbox_server
from orchestration.warehouse import WAREHOUSE_POOL
from tests.support.pipeline import settings_for

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SANDBOX = dict(
    sandbox_end=date(2022, 2, 10),
    sandbox_scale=0.2,
    sandbox_seed=9,
    sandbox_defect_rate=0.004,
    http_attempts=2,
    http_backoff_seconds=0.01,
)


class _Webhook(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture()
def webhook():
    _Webhook.received = []
    server = HTTPServer(("127.0.0.1", 0), _Webhook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks/par?token=secret-token", _Webhook.received
    finally:
        server.shutdown()
        server.server_close()


def test_a_failed_run_raises_an_alert_in_the_log_and_on_the_webhook(tmp_path, webhook, caplog):
    url, received = webhook
    settings = settings_for(tmp_path, **SANDBOX, alert_webhook_url=url)
    server = sandbox_server(OneStopShopSource(settings).sandbox_config())
    with DagsterInstance.ephemeral() as instance:
        server.faults.down = True
        try:
            result = (
                build_definitions(settings)
                .resolve_job_def("par_pipeline")
                .execute_in_process(
                    instance=instance,
                    raise_on_error=False,
                    tags={
                        "dagster/asset_partition_range_start": "2022-01-01",
                        "dagster/asset_partition_range_end": "2022-01-03",
                    },
                )
            )
        finally:
            server.faults.clear()
        assert not result.success
        failure = next(e for e in result.all_events if e.event_type == DagsterEventType.RUN_FAILURE)
        context = build_run_status_sensor_context(
            sensor_name="run_failure_alert",
            dagster_instance=instance,
            dagster_run=instance.get_run_by_id(result.run_id),
            dagster_event=failure,
        ).for_run_failure()
        build_run_failure_alert(settings)(context)
    assert len(received) == 1
    alert = received[0]
    assert alert["kind"] == "run_failed" and alert["run_id"] == result.run_id and alert["job"] == "par_pipeline"
    assert alert["partitions"] == "2022-01-01 .. 2022-01-03"
    assert any("one_stop_shop is unavailable" in d for d in alert["details"])
    logged = [json.loads(line) for line in (tmp_path / "alerts" / "alerts.jsonl").read_text().splitlines()]
    assert logged == [alert]
    assert "ALERT run_failed" in caplog.text and "secret-token" not in caplog.text


def test_an_alert_the_webhook_refuses_is_still_logged_without_the_webhook_secret(tmp_path, caplog):
    settings = settings_for(tmp_path, alert_webhook_url="http://127.0.0.1:9/hook?token=secret-token")
    assert send_alert(settings, Alert(kind="run_failed", summary="test")) is False
    assert (tmp_path / "alerts" / "alerts.jsonl").read_text().count("\n") == 1
    assert "did not take the alert" in caplog.text and "secret-token" not in caplog.text


def test_a_source_is_stale_until_yesterday_has_landed(tmp_path, webhook):
    url, received = webhook
    settings = settings_for(tmp_path, alert_webhook_url=url)
    defs = build_definitions(settings)
    job = defs.resolve_job_def("source_freshness")
    policy = next(p for p in SOURCE_FRESHNESS if p.source == "one_stop_shop")
    with DagsterInstance.ephemeral() as instance:

        def evaluate():
            result = job.execute_in_process(instance=instance)
            (check,) = [
                e.event_specific_data
                for e in result.all_events
                if e.event_type == DagsterEventType.ASSET_CHECK_EVALUATION
                and e.event_specific_data.asset_key == ONE_STOP_SHOP_LANDING
            ]
            return check

        expected = policy.expected_day(datetime.now(ZoneInfo(LOCAL_TIMEZONE)))
        instance.report_runless_asset_event(AssetMaterialization(ONE_STOP_SHOP_LANDING, partition="2022-01-01"))
        stale = evaluate()
        assert not stale.passed and stale.metadata["latest_landed_day"].value == "2022-01-01"
        # every source has landed nothing in this instance: each one alerts, the one-stop-shop's once
        about_it = [a for a in received if a["summary"].startswith("one_stop_shop ")]
        assert [a["kind"] for a in about_it] == ["source_stale"] and str(expected) in about_it[0]["summary"]
        assert {a["kind"] for a in received} == {"source_stale"}
        instance.report_runless_asset_event(AssetMaterialization(ONE_STOP_SHOP_LANDING, partition=expected.isoformat()))
        fresh = evaluate()
        assert fresh.passed and fresh.metadata["days_behind"].value == 0
        assert len([a for a in received if a["summary"].startswith("one_stop_shop ")]) == 1
    # the nightly job does not run the freshness checks (a backfill of old days is not staleness)
    nightly = defs.resolve_job_def("par_pipeline")
    assert not [k for k in nightly.asset_layer.asset_graph.asset_check_keys if k.name == "freshness"]


def test_a_source_unavailable_after_its_http_retries_is_retried_by_the_step(tmp_path):
    settings = dataclasses.replace(settings_for(tmp_path, **SANDBOX), source_retries=1, source_retry_wait_seconds=0.1)
    server = sandbox_server(OneStopShopSource(settings).sandbox_config())
    server.faults.inject(*[{"status": 503}] * settings.http_attempts)  # the first attempt gives up
    job = build_definitions(settings).resolve_job_def("par_pipeline")
    with DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(
            instance=instance, partition_key="2022-01-05", asset_selection=[ONE_STOP_SHOP_LANDING]
        )
    assert result.success
    types = [e.event_type for e in result.all_events]
    assert DagsterEventType.STEP_UP_FOR_RETRY in types and DagsterEventType.ASSET_MATERIALIZATION in types


def test_one_step_at_a_time_writes_the_warehouse(tmp_path):
    """DuckDB allows one writing process: every asset that writes the warehouse is in the pool that
    dagster.yaml limits to one step at a time, and a step of that pool waits while another holds it."""
    graph = build_definitions().resolve_asset_graph()
    writers = [key for key in graph.get_all_asset_keys() if key.path[0] != "landing"]
    assert len(writers) > 30 and {frozenset(graph.get(key).pools) for key in writers} == {frozenset({WAREHOUSE_POOL})}

    write_instance_config(tmp_path)
    # Dagster captures a step's output through two `tail -F` processes, and waits up to 30 s for each
    # to end after the step. Once in CI they outlived their SIGTERM, so the run took 67 s for a step of
    # 17 ms. What this test checks is the pool, not the logs.
    with (tmp_path / "dagster.yaml").open("a") as config:
        config.write(
            "compute_logs:\n  module: dagster._core.storage.noop_compute_log_manager\n  class: NoOpComputeLogManager\n"
        )
    instance = DagsterInstance.from_config(str(tmp_path))
    storage = instance.event_log_storage
    storage.initialize_concurrency_limit_to_default(WAREHOUSE_POOL)
    assert storage.get_concurrency_info(WAREHOUSE_POOL).slot_count == 1
    assert storage.claim_concurrency_slot(WAREHOUSE_POOL, "other-run", "dbt-step").slot_status.value == "CLAIMED"

    started = threading.Event()

    @asset(pool=WAREHOUSE_POOL)
    def writes_the_warehouse():
        started.set()

    result = {}

    def second_run():
        try:
            result["run"] = materialize([writes_the_warehouse], instance=instance)
        except BaseException as exc:  # shown by the assertion below, not lost in the thread
            result["error"] = exc

    second = threading.Thread(target=second_run, daemon=True)
    second.start()
    assert not started.wait(5), "a second writer started while the first held the warehouse"
    storage.free_concurrency_slots_for_run("other-run")
    assert started.wait(120), "the waiting writer did not start once the slot was freed"
    second.join(120)  # generous: CI machines are shared; the run itself takes a second
    assert "error" not in result, f"the second run raised: {result.get('error')!r}"
    assert not second.is_alive(), "the second run did not finish within 2 minutes of its step"
    assert result["run"].success


def test_only_the_latest_dbt_artifact_folders_of_a_step_are_kept(tmp_path):
    from orchestration.warehouse import prune_invocation_folders

    for age, name in enumerate(
        [
            "warehouse_models-a-1",
            "warehouse_models-b-2",
            "warehouse_models-c-3",
            "warehouse_models-d-4",
            "budget_models-e-5",
        ]
    ):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "manifest.json").write_text("{}")
        os.utime(folder, (1_000_000 + age, 1_000_000 + age))  # a-1 the oldest
    prune_invocation_folders(tmp_path / "warehouse_models-d-4", keep=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "budget_models-e-5",
        "warehouse_models-c-3",
        "warehouse_models-d-4",
    ]


def test_the_snapshot_holds_the_analysts_schemas_with_their_constraints_and_not_the_rest(tmp_path):
    """Milliseconds: a three-table warehouse. The snapshot is a new file of the marts only (a view becomes a table)."""
    import duckdb

    from orchestration.serving import copy_schemas

    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts; create schema staging")
        con.execute("create table staging.stg_rows as select 1 as id")
        con.execute("create table marts.mart_rates (agency_code varchar not null, late_rate double)")
        con.execute("insert into marts.mart_rates values ('A', 0.25), ('B', null)")
        con.execute("create view marts.mart_rates_known as select * from marts.mart_rates where late_rate is not null")
    snapshot = tmp_path / ".warehouse.duckdb.1234.tmp"  # named as publish names it (DuckDB's name for it: warehouse)
    assert copy_schemas(warehouse, snapshot, ("marts",)) == [("marts", "mart_rates"), ("marts", "mart_rates_known")]
    with duckdb.connect(str(snapshot), read_only=True) as con:
        assert con.execute(
            "select table_schema, table_name, table_type from information_schema.tables order by 2"
        ).fetchall() == [("marts", "mart_rates", "BASE TABLE"), ("marts", "mart_rates_known", "BASE TABLE")]
        assert con.execute("select * from marts.mart_rates order by 1").fetchall() == [("A", 0.25), ("B", None)]
        assert con.execute("select * from marts.mart_rates_known").fetchall() == [("A", 0.25)]
        assert con.execute(
            "select is_nullable from information_schema.columns where table_name = 'mart_rates' "
            "order by ordinal_position"
        ).fetchall() == [("NO",), ("YES",)], "not null kept"
    with duckdb.connect(str(warehouse), read_only=True) as con:  # the warehouse is not held open afterwards
        assert con.execute("select count(*) from marts.mart_rates").fetchone() == (2,)
