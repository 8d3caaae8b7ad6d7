"""The Dagster code location that `make ui` loads: what a data engineer sees there."""
from datetime import datetime
from zoneinfo import ZoneInfo

from dagster import AssetKey, build_schedule_context

from orchestration.definitions import defs
from orchestration.schedules import nightly_schedule


def test_the_code_location_has_every_layer_and_the_gate():
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert {"landing/one_stop_shop", "landing/budget_disclosures"} <= keys
    assert {"marts/mart_budget_balance", "marts/mart_budget_disclosure_timeliness",
            "marts/mart_public_unit_autonomy"} <= keys
    assert {"marts/mart_agency_service_quality", "marts/mart_official_performance",
            "marts/mart_province_service_quality", "staging/stg_one_stop_shop__dossiers",
            "intermediate/int_dossier_period_status", "reference/working_calendar_exceptions"} <= keys
    groups = {graph.get(AssetKey.from_user_string(k)).group_name
              for k in ("marts/mart_agency_service_quality", "staging/stg_one_stop_shop__votes",
                        "intermediate/int_working_days", "reference/agencies")}
    assert groups == {"marts", "staging", "intermediate", "reference"}
    gate = [c for c in graph.asset_check_keys if c.name == "gx_suites"]
    assert {c.asset_key.path[-1] for c in gate} == {"one_stop_shop", "cadre", "par_ranking", "budget_disclosures",
                                                    "admin_units", "population_registry", "business_registry",
                                                    "external_indices"}
    assert all(graph.get_check_spec(c).blocking for c in gate)
    # the staging models read the landing asset the gate guards
    for source, model in (("one_stop_shop", "stg_one_stop_shop__dossier_versions"),
                          ("budget_disclosures", "stg_budget_disclosures__lines"),
                          ("admin_units", "stg_admin_units__units"),
                          ("population_registry", "stg_population_registry__residents"),
                          ("business_registry", "stg_business_registry__enterprises")):
        assert AssetKey(["landing", source]) in graph.get(AssetKey(["staging", model])).parent_keys
    assert {"marts/dim_admin_unit", "marts/mart_business_environment", "marts/mart_service_per_capita",
            "marts/mart_business_environment_current_units"} <= keys
    # the report is drawn after the marts it reads
    assert AssetKey(["marts", "mart_program_targets"]) in graph.get(AssetKey(["reports", "periodic_report"])).parent_keys


def test_landing_is_partitioned_daily_in_vietnam_time_and_the_job_resolves():
    for source in ("one_stop_shop", "budget_disclosures"):
        partitions = defs.resolve_asset_graph().get(AssetKey(["landing", source])).partitions_def
        assert partitions.timezone == "Asia/Ho_Chi_Minh" and partitions.get_first_partition_key() == "2022-01-01"
    assert defs.resolve_job_def("par_pipeline") is not None


def test_the_nightly_schedule_loads_yesterday_at_one_in_the_morning():
    assert nightly_schedule.cron_schedule == "0 1 * * *"
    assert nightly_schedule.execution_timezone == "Asia/Ho_Chi_Minh"
    tick = datetime(2025, 7, 1, 1, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    request = nightly_schedule.evaluate_tick(build_schedule_context(scheduled_execution_time=tick,
                                                                          repository_def=defs.get_repository_def())).run_requests[0]
    assert request.partition_key == "2025-06-30"


WORKFORCE_MARTS = ("mart_workforce", "mart_public_service_units", "mart_commune_cadre_standards",
                   "mart_official_rating_eligibility", "mart_head_accountability")


def test_the_workforce_models_are_their_own_step_downstream_of_the_cadre_gate():
    """A failed blocking check skips the whole step downstream of it: the one-stop-shop's models must
    not share a step with the cadre's, or a bad cadre export would stop the one-stop-shop marts."""
    graph = defs.resolve_asset_graph()
    cadre_gate = AssetKey(["landing", "cadre"])
    for mart in WORKFORCE_MARTS:
        assert AssetKey(["marts", mart]) in graph.get_all_asset_keys()
    one_stop_shop = {"marts/mart_agency_service_quality", "staging/stg_one_stop_shop__dossiers",
                     "intermediate/int_dossier_official_years"}
    # officials are persons of the cadre register (int_official_identities): the officials' mart is
    # the cadre's step's, downstream of both gates; the agency and province marts are not
    workforce = ({f"marts/{m}" for m in WORKFORCE_MARTS} | {"staging/stg_cadre__persons", "marts/mart_official_performance",
                                                            "intermediate/int_official_identities"})
    node_of = {key.to_user_string(): graph.get(key).assets_def.node_def.name
               for key in graph.get_all_asset_keys() if graph.get(key).assets_def.is_executable}
    assert {node_of[k] for k in one_stop_shop} == {"warehouse_models"}
    assert {node_of[k] for k in workforce} == {"workforce_models"}
    assert {node_of[k] for k in ("marts/mart_budget_balance", "staging/stg_budget_disclosures__lines")} == {"budget_models"}
    # the tracker reads the one-stop-shop's, the workforce and the budget marts: a step after them all
    assert {node_of[k] for k in ("marts/mart_program_targets", "intermediate/int_program_target_actuals")} == {"program_models"}
    tracker_parents = graph.get(AssetKey(["intermediate", "int_program_target_actuals"])).parent_keys
    assert {AssetKey(["marts", m]) for m in ("mart_workforce", "mart_public_unit_autonomy", "mart_official_performance")} <= tracker_parents
    assert cadre_gate in graph.get(AssetKey(["staging", "stg_cadre__persons_validated"])).parent_keys
    assert AssetKey(["landing", "par_ranking"]) in graph.get(AssetKey(["staging", "stg_par_ranking__rankings"])).parent_keys
    # the one-stop-shop's models do not read the cadre landing
    assert cadre_gate not in graph.get(AssetKey(["marts", "mart_agency_service_quality"])).parent_keys


def test_snapshot_sources_share_the_daily_partitions_so_the_nightly_job_runs_them():
    graph = defs.resolve_asset_graph()
    for source in ("cadre", "par_ranking"):
        assert graph.get(AssetKey(["landing", source])).partitions_def == \
            graph.get(AssetKey(["landing", "one_stop_shop"])).partitions_def
    job = defs.resolve_job_def("par_pipeline")
    assert {AssetKey(["landing", "cadre"]), AssetKey(["marts", "mart_workforce"])} <= set(
        job.asset_layer.executable_asset_keys)
