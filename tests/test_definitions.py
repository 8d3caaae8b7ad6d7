"""The Dagster code location that `make ui` loads: what a data engineer sees there."""
from datetime import datetime
from zoneinfo import ZoneInfo

from dagster import AssetKey, build_schedule_context

from orchestration.definitions import defs
from orchestration.schedules import nightly_schedule


def test_the_code_location_has_every_layer_and_the_gate():
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert "landing/one_stop_shop" in keys
    assert {"marts/mart_agency_service_quality", "marts/mart_official_performance",
            "marts/mart_province_service_quality", "staging/stg_one_stop_shop__dossiers",
            "intermediate/int_dossier_period_status", "reference/public_holidays"} <= keys
    groups = {graph.get(AssetKey.from_user_string(k)).group_name
              for k in ("marts/mart_agency_service_quality", "staging/stg_one_stop_shop__votes",
                        "intermediate/int_working_days", "reference/agencies")}
    assert groups == {"marts", "staging", "intermediate", "reference"}
    gate = [c for c in graph.asset_check_keys if c.name == "gx_suites"]
    assert [c.asset_key for c in gate] == [AssetKey(["landing", "one_stop_shop"])]
    assert graph.get_check_spec(gate[0]).blocking
    # the staging models of the one-stop-shop read the landing asset the gate guards
    assert AssetKey(["landing", "one_stop_shop"]) in graph.get(AssetKey(["staging", "stg_one_stop_shop__dossier_versions"])).parent_keys


def test_landing_is_partitioned_daily_in_vietnam_time_and_the_job_resolves():
    landing = defs.resolve_asset_graph().get(AssetKey(["landing", "one_stop_shop"]))
    partitions = landing.partitions_def
    assert partitions.timezone == "Asia/Ho_Chi_Minh" and partitions.get_first_partition_key() == "2022-01-01"
    assert defs.resolve_job_def("par_pipeline") is not None


def test_the_nightly_schedule_loads_yesterday_at_one_in_the_morning():
    assert nightly_schedule.cron_schedule == "0 1 * * *"
    assert nightly_schedule.execution_timezone == "Asia/Ho_Chi_Minh"
    tick = datetime(2025, 7, 1, 1, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    request = nightly_schedule.evaluate_tick(build_schedule_context(scheduled_execution_time=tick,
                                                                          repository_def=defs.get_repository_def())).run_requests[0]
    assert request.partition_key == "2025-06-30"
