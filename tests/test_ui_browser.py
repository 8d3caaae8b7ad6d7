"""The Dagster UI in a real browser: the webserver on loopback shows the assets and their checks, and a
run of the nightly job launched through its GraphQL API succeeds (a small sandbox partition)."""

from __future__ import annotations

import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from orchestration.gx_evidence import sample_text
from tests.browser import open_page, requires_chromium
from tests.support.webserver import dagster_webserver, graphql, look, write_instance

PARTITION = "2022-01-05"

LAUNCH = """
mutation Launch($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on RunConfigValidationInvalid { errors { message } }
    ... on InvalidSubsetError { message }
  }
}"""
RUN_STATUS = """query Status($runId: ID!) { runOrError(runId: $runId) { ... on Run { status } } }"""
LOCATIONS = """{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus
  locationOrLoadError { __typename ... on PythonError { message } } } } } }"""


@pytest.fixture(scope="module")
def webserver(tmp_path_factory):
    data = tmp_path_factory.mktemp("ui")
    home = write_instance(data / "dagster_home")
    env = {"PAR_SANDBOX_SCALE": "0.1", "PAR_SANDBOX_END_DATE": "2022-01-10", "PAR_SANDBOX_SEED": "3"}
    with dagster_webserver(home, data, env) as url:
        yield url, data


@requires_chromium
def test_the_asset_graph_shows_every_layer_and_the_checks(webserver):
    url, _ = webserver
    (entry,) = graphql(url, LOCATIONS)["workspaceOrError"]["locationEntries"]
    assert entry["locationOrLoadError"]["__typename"] == "RepositoryLocation", entry
    errors = []
    with open_page(f"{url}/asset-groups") as (page, visit):  # the global lineage: one box per layer
        for group in ("landing", "reference", "staging", "intermediate", "marts", "audit", "serving"):
            page.get_by_text(group, exact=True).first.wait_for()
        errors += visit.page_errors
    group_page = f"{url}/locations/__repository__@{entry['name']}/asset-groups"
    with open_page(f"{group_page}/landing") as (page, visit):
        # The group's graph draws only the boxes in view (eight sources no longer fit); its list shows all.
        page.get_by_text("List", exact=True).first.click()
        for source in ("one_stop_shop", "cadre", "budget_disclosures", "population_registry", "business_registry"):
            page.locator(f'a[href$="/assets/landing/{source}"]').first.wait_for()
        errors += visit.page_errors
    with open_page(f"{group_page}/marts") as (page, visit):
        page.set_viewport_size({"width": 1600, "height": 4000})  # the list, too, draws only the rows in view
        page.get_by_text("List", exact=True).first.click()
        for mart in (
            "mart_agency_service_quality",
            "mart_official_performance",
            "mart_program_targets",
            "mart_workforce",
            "mart_budget_balance",
            "mart_business_environment",
        ):
            page.locator(f'a[href$="/assets/marts/{mart}"]').first.wait_for()
        errors += visit.page_errors
    with open_page(f"{url}/assets/landing/one_stop_shop?view=checks") as (page, visit):
        page.get_by_text("gx_suites").first.wait_for()
        page.get_by_text("freshness").first.wait_for()
        errors += visit.page_errors
    assert not errors, errors


def test_a_run_launched_through_graphql_lands_and_judges_the_partition(webserver):
    """A run started as the UI starts one: the webserver's run launcher, a process of its own. The run
    is the nightly job's landing of the one-stop-shop and its gate (the whole job runs in-process in
    tests/test_pipeline_end_to_end.py: here it would cost minutes and prove nothing more)."""
    url, data = webserver
    location = graphql(url, LOCATIONS)["workspaceOrError"]["locationEntries"][0]["name"]
    params = {
        "selector": {
            "repositoryLocationName": location,
            "repositoryName": "__repository__",
            "jobName": "par_pipeline",
            "assetSelection": [{"path": ["landing", "one_stop_shop"]}],
            "assetCheckSelection": [{"assetKey": {"path": ["landing", "one_stop_shop"]}, "name": "gx_suites"}],
        },
        "runConfigData": {},
        "executionMetadata": {"tags": [{"key": "dagster/partition", "value": PARTITION}]},
    }
    launched = graphql(url, LAUNCH, {"params": params})["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    run_id = launched["run"]["runId"]
    deadline = time.monotonic() + 600
    while (status := graphql(url, RUN_STATUS, {"runId": run_id})["runOrError"]["status"]) not in (
        "SUCCESS",
        "FAILURE",
        "CANCELED",
    ):
        assert time.monotonic() < deadline, f"the run is still {status} after 10 minutes"
        time.sleep(2)
    assert status == "SUCCESS"
    landed = list((data / "landing" / "one_stop_shop").rglob("*.parquet"))
    assert landed, "the run landed the partition's dossiers"
    verdicts = pq.read_table(data / "landing" / "_audit" / "gx_batch_verdicts").to_pylist()
    assert [(v["source_system"], v["verdict"]) for v in verdicts] == [("one_stop_shop", "accepted")]


# -- a run of `make run` as the UI shows it ---------------------------------------------------------------------

LATEST_INFO = """query Latest($keys: [AssetKeyInput!]!) {
  assetsLatestInfo(assetKeys: $keys) { latestRun { runId status } } }"""


@pytest.fixture(scope="module")
def cli_run(webserver):
    """A run started as `make run` starts one (orchestration/cli.py, in this process) on the webserver's instance:
    five days of a sandbox whose dossiers are half defective, so the one-stop-shop's gate rejects the load, and
    the tables of the dbt step reading it (selected with it: the others are not what this test looks at). Its
    own data folder,
    so the run launched through GraphQL above sees its landing zone alone."""
    from datetime import date

    from dagster import DagsterInstance

    from orchestration.cli import run_pipeline
    from orchestration.ingestion import ONE_STOP_SHOP_LANDING
    from orchestration.warehouse import reading_rejected_loads, warehouse_models
    from tests.support.pipeline import settings_for

    _, data = webserver
    settings = settings_for(
        data / "cli", sandbox_end=date(2022, 1, 10), sandbox_scale=0.1, sandbox_seed=3, sandbox_defect_rate=0.5
    )
    with DagsterInstance.from_config(str(data / "dagster_home")) as instance:
        result = run_pipeline(
            date(2022, 1, 3),
            date(2022, 1, 7),
            settings,
            instance=instance,
            asset_selection=[
                ONE_STOP_SHOP_LANDING,
                *reading_rejected_loads(warehouse_models, {ONE_STOP_SHOP_LANDING: "any"}),
            ],
        )
    return result


@requires_chromium
def test_a_cli_run_is_on_the_jobs_page_and_its_rejected_batch_skips_the_marts_with_the_gates_evidence(
    webserver, cli_run
):
    url, _ = webserver
    run_id = cli_run.run_id
    assert cli_run.success, "a rejected load skips the marts; it does not fail the run"
    location = graphql(url, LOCATIONS)["workspaceOrError"]["locationEntries"][0]["name"]
    errors = []
    with open_page(f"{url}/locations/__repository__@{location}/jobs/par_pipeline/runs") as (page, visit):
        page.get_by_text(run_id[:8]).first.wait_for()  # the job's page lists the CLI's run
        look(page, "job_runs")
        errors += visit.page_errors
    with open_page(f"{url}/overview/activity/timeline") as (page, visit):
        page.get_by_text("par_pipeline").first.wait_for()  # a row of the timeline
        look(page, "timeline")
        errors += visit.page_errors
    # The UI calls a table Failed when the latest run that planned it failed without building it: that run
    # succeeded (the gate rejected the load with WARN severity, the dbt step skipped itself).
    (latest,) = graphql(url, LATEST_INFO, {"keys": [{"path": ["marts", "mart_agency_service_quality"]}]})[
        "assetsLatestInfo"
    ]
    assert (latest["latestRun"]["runId"], latest["latestRun"]["status"]) == (run_id, "SUCCESS")
    with open_page(f"{url}/assets/marts/mart_agency_service_quality") as (page, visit):
        page.get_by_text("mart_agency_service_quality").first.wait_for()
        page.wait_for_timeout(3000)  # the status loads after the page
        assert "Failed" not in look(page, "skipped_mart_overview")
        errors += visit.page_errors
    with open_page(f"{url}/assets/marts/mart_agency_service_quality?view=events") as (page, visit):
        page.get_by_text("not built in this run", exact=False).first.wait_for()
        text = look(page, "skipped_mart")
        assert "the GX gate rejected load" in text
        assert "Failed" not in text, "a table not rebuilt because of a rejected load is not a failure"
        errors += visit.page_errors
    check = next(
        e.event_specific_data
        for e in cli_run.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION" and e.event_specific_data.check_name == "gx_suites"
    )
    assert not check.passed
    samples = [e for e in check.metadata["failed_expectations"].value if isinstance(e["sample"], list) and e["sample"]]
    assert samples and all(len(e["sample"]) <= 5 for e in samples)
    with open_page(f"{url}/assets/landing/one_stop_shop?view=checks") as (page, visit):
        page.set_viewport_size({"width": 1600, "height": 3000})
        page.get_by_text("gx_suites").first.click()
        page.get_by_text("unexpected_values").first.wait_for()
        page.wait_for_timeout(1000)
        text = look(page, "gx_check")
        errors += visit.page_errors
    shown = [sample_text([v]) for e in samples for v in e["sample"]]
    assert any(value in text for value in shown), "a sample of unexpected values, shown inline"
    page_path = check.metadata["validation_page"].value
    assert page_path in text, "the validation page is shown as a path to copy"
    # where the quarantine is counted: a link to the staging quarantine table (none from a rejected load)
    assert "quarantine: stg_one_stop_shop__dossiers_quarantine" in text
    assert "a rejected load is never read" in text
    with open_page(Path(page_path).as_uri()) as (page, visit):  # what pasting the path in a browser opens
        assert "rejected" in look(page, "gx_validation_page")
        errors += visit.page_errors
    assert not errors, errors
