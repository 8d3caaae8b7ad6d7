"""The whole pipeline in-process, for the tests that run it: settings on a temporary folder, one run
on an ephemeral Dagster instance, a query on the warehouse it built."""

from __future__ import annotations

import dataclasses
from contextlib import contextmanager
from unittest import mock

import duckdb
from dagster import DagsterEventType, DagsterInstance

from orchestration.cli import run_pipeline
from orchestration.settings import load_settings


def settings_for(tmp_path, **overrides):
    """The settings of the environment, with data, landing zone and warehouse under tmp_path, no source
    URL or export file, no pseudonymisation key and no PDF of the report (Chromium's print: seconds per
    run; tests/test_report.py asks for it) unless `overrides` give them."""
    values = dict(
        data_dir=tmp_path,
        landing_dir=tmp_path / "landing",
        warehouse_path=tmp_path / "warehouse.duckdb",
        spark_dir=tmp_path / "spark",
        one_stop_shop_url=None,
        one_stop_shop_export=None,
        pseudonymisation_key=None,
        report_pdf=False,
        reidentification_lookup=None,
    )
    return dataclasses.replace(load_settings(), **{**values, **overrides})


def run(settings, start, end):
    """One run of the pipeline from start to end; returns the result and its events."""
    with DagsterInstance.ephemeral() as instance:
        result = run_pipeline(start, end, settings, instance=instance)
        events = result.all_events
    return result, events


@contextmanager
def counting_dbt_invocations():
    """The dbt processes started in the block: one entry (its arguments) per `DbtCliResource.cli` call."""
    from dagster_dbt import DbtCliResource

    calls: list[list[str]] = []
    original = DbtCliResource.cli

    def counted(self, args, **kwargs):
        calls.append(list(args))
        return original(self, args, **kwargs)

    with mock.patch.object(DbtCliResource, "cli", counted):
        yield calls


def observed_skipped(events) -> dict[str, str]:
    """The tables a run's dbt step did not build: {asset key: the reason in the observation's metadata}."""
    return {
        e.asset_key.to_user_string(): e.event_specific_data.asset_observation.metadata["skipped"].value
        for e in events
        if e.event_type_value == "ASSET_OBSERVATION" and "skipped" in e.event_specific_data.asset_observation.metadata
    }


def dbt_tables_downstream(*landings: str) -> set[str]:
    """The dbt step's tables reading any of the landing assets `landings` ("landing/cadre"), directly or not."""
    from dagster import AssetKey

    from orchestration.definitions import defs
    from orchestration.warehouse import WAREHOUSE_KEYS

    graph = defs.resolve_asset_graph()
    found, frontier = set(), [AssetKey.from_user_string(k) for k in landings]
    while frontier:
        for child in graph.get(frontier.pop()).child_keys:
            if child not in found:
                found.add(child)
                frontier.append(child)
    return {k.to_user_string() for k in found & set(WAREHOUSE_KEYS)}


def query(settings, sql, *params):
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def gate_results(events) -> dict[str, bool]:
    """{landing asset ("landing/<source>"): passed} of each GX gate a run's `events` evaluated."""
    return {
        e.event_specific_data.asset_key.to_user_string(): e.event_specific_data.passed
        for e in events
        if e.event_type == DagsterEventType.ASSET_CHECK_EVALUATION and e.event_specific_data.check_name == "gx_suites"
    }


def materialized(events) -> set[str]:
    """The asset keys ("marts/mart_x") a run's `events` materialised."""
    return {e.asset_key.to_user_string() for e in events if e.event_type == DagsterEventType.ASSET_MATERIALIZATION}


def seeds_reloaded(events) -> set[bool]:
    """Whether the run's seed materialisations loaded the seed (metadata `reloaded`, absent when dbt loaded it)."""
    return {
        "reloaded" not in e.event_specific_data.materialization.metadata
        for e in events
        if e.event_type == DagsterEventType.ASSET_MATERIALIZATION and e.asset_key.path == ["reference", "procedures"]
    }
