"""The whole pipeline in-process: source -> landing -> GX gate -> dbt -> marts, checked by hand."""

from __future__ import annotations

import dataclasses
from datetime import date
from fractions import Fraction

import pytest
from dagster import DagsterEventType

from connectors.sandbox.cadre_api import write_export as write_cadre_export
from connectors.sandbox.cadre_api import write_ranking_files
from connectors.sandbox.cadre_data import CadreConfig, CadreSandbox
from connectors.sandbox.one_stop_shop_data import OneStopShopSandbox, SandboxConfig
from tests import hand_case
from tests.support.pipeline import (
    counting_dbt_invocations,
    dbt_tables_downstream,
    gate_results,
    materialized,
    observed_skipped,
    query,
    run,
    seeds_reloaded,
    settings_for,
)


def close(value, fraction):
    """Rates are stored as decimals with 6 places."""
    return value is not None and abs(float(value) - float(Fraction(fraction))) <= 5e-7


@pytest.fixture(scope="module")
def hand_made(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hand")
    export = hand_case.write_export(tmp / "export.ndjson")
    settings = settings_for(tmp, one_stop_shop_export=export, pseudonymisation_key="test-key")
    with counting_dbt_invocations() as dbt_calls:
        result, _ = run(settings, date(2024, 3, 1), date(2025, 1, 31))
    assert result.success, "the pipeline failed on the hand-made export"
    assert len(dbt_calls) == 1, f"one dbt process per run: {dbt_calls}"
    return settings


def agency_row(settings, agency, period_key):
    rows = query(
        settings,
        """select dossiers_received, dossiers_finished, finished_on_time, finished_late,
                                     pending_at_end, overdue_at_end, late_rate, online_share, full_online_share,
                                     online_paid_share, satisfaction_rate, apology_coverage, cannot_be_ranked_good
                              from marts.mart_agency_service_quality where agency_code = ? and period_key = ?""",
        agency,
        period_key,
    )
    assert len(rows) == 1, f"expected one row for {agency} {period_key}, got {rows}"
    return rows[0]


def test_agency_march_2024_matches_the_hand_computation(hand_made):
    (
        received,
        finished,
        on_time,
        late,
        pending,
        overdue,
        late_rate,
        online,
        full_online,
        paid,
        satisfied,
        apology,
        flagged,
    ) = agency_row(hand_made, hand_case.AGENCY_A, "2024-03")
    assert (received, finished, on_time, late, pending, overdue) == (6, 5, 3, 2, 1, 0)
    assert close(late_rate, "1/3") and close(online, "1/2") and close(full_online, "1/2")
    assert close(paid, "1/3") and close(satisfied, "2/3") and close(apology, "1/2")
    assert flagged is True
    complete = query(
        hand_made,
        """select distinct is_period_complete from marts.mart_agency_service_quality
                                   where period_key = '2024-03'""",
    )
    assert complete == [(True,)]


def test_agency_april_and_year_2024_match_the_hand_computation(hand_made):
    april = agency_row(hand_made, hand_case.AGENCY_A, "2024-04")
    assert april[:6] == (1, 0, 0, 0, 2, 1) and close(april[6], "1/2")
    year = agency_row(hand_made, hand_case.AGENCY_A, "2024")
    assert year[:6] == (7, 6, 4, 2, 1, 1)
    assert close(year[6], "3/7") and close(year[7], "3/7") and close(year[9], "2/7") and close(year[11], "1/3")
    b = agency_row(hand_made, hand_case.AGENCY_B, "2024")
    assert b[:6] == (3, 3, 3, 0, 0, 0) and b[6] == 0 and b[10] is None and b[12] is False


def test_officials_match_the_hand_computation(hand_made):
    from connectors.pseudonymise import Pseudonymiser

    pseudonym = Pseudonymiser("test-key")
    # the export names its officials without accounts: each is identified by the keyed hash of the name
    officials = dict(
        query(
            hand_made,
            """select handler_key, official_key from intermediate.int_official_identities
                                         where identified_by = 'name'""",
        )
    )

    def key(name):
        return officials[pseudonym(name)]

    rows = {
        (r[0], r[1]): r[2:]
        for r in query(
            hand_made,
            """
        select official_key, year, dossiers_handled, dossiers_late, late_rate, late_rate_threshold, cannot_be_rated_good
        from marts.mart_official_performance""",
        )
    }
    assert {r[0] for r in query(hand_made, "select identified_by from marts.mart_official_performance")} == {"name"}
    expected_2024 = {hand_case.CLERK: (7, 3), hand_case.HUNG: (3, 1), hand_case.TAM: (4, 2), hand_case.LONG: (4, 2)}
    for name, (handled, late) in expected_2024.items():
        got = rows[(key(name), 2024)]
        assert got[:2] == (handled, late), name
        assert close(got[2], f"{late}/{handled}") and close(got[3], "1/10") and got[4] is True, name
    hung_2025 = rows[(key(hand_case.HUNG), 2025)]
    assert hung_2025[:3] == (1, 0, 0) and close(hung_2025[3], "1/20") and hung_2025[4] is False
    # no raw name reaches the warehouse
    assert not any(hand_case.HUNG in str(k) for k in rows)


def assert_floor_gives_the_marts_numbers(settings, tmp_path):
    """bench/floor.sql, the benchmark's hand-written floor (issue 8), computes the three service-quality
    marts from the same landing zone with the same numbers, row for row (about 3 seconds)."""
    from bench.floor import compare, run_floor

    as_of_at = query(settings, "select max(period_end) from intermediate.int_reporting_periods")[0][0]
    run_floor(settings.landing_dir, tmp_path / "floor.duckdb", f"{as_of_at:%Y-%m-%d %H:%M:%S.%f}")
    rows = compare(tmp_path / "floor.duckdb", settings.warehouse_path)
    assert rows["marts.mart_agency_service_quality"] > 0 and rows["marts.mart_official_performance"] > 0


def test_the_benchmark_floor_gives_the_marts_numbers_on_the_hand_made_case(hand_made, tmp_path):
    assert_floor_gives_the_marts_numbers(hand_made, tmp_path)


SANDBOX = dict(sandbox_end=date(2022, 2, 28), sandbox_scale=0.4, sandbox_seed=7)


def test_sandbox_run_is_complete_and_a_rerun_counts_nothing_twice(tmp_path):
    settings = settings_for(tmp_path, **SANDBOX, sandbox_defect_rate=0.004)
    result, first_events = run(settings, date(2022, 1, 1), date(2022, 2, 28))
    assert result.success
    truth = OneStopShopSandbox(SandboxConfig(seed=7, scale=0.4, end=date(2022, 2, 28), defect_rate=0.004))
    accepted = {
        d.code
        for d in truth.dossiers
        if d.received and d.received <= truth.config.clock and not any(s == 3 for _, s, _ in d.steps)
    }
    quarantined = {
        r[0] for r in query(settings, "select dossier_code from staging.stg_one_stop_shop__dossiers_quarantine")
    }
    received = query(
        settings, "select sum(dossiers_received) from marts.mart_agency_service_quality where period_type = 'year'"
    )[0][0]
    # every accepted dossier is counted exactly once, except those quarantined for a defect
    assert quarantined and len(accepted) > 1000
    assert received == len(accepted - quarantined)
    # the gate links the quarantine table, whose materialisation counts the rows of the run's accepted load
    [gate] = [
        e.event_specific_data
        for e in first_events
        if e.event_type == DagsterEventType.ASSET_CHECK_EVALUATION
        and e.event_specific_data.check_name == "gx_suites"
        and e.event_specific_data.asset_key.path == ["landing", "one_stop_shop"]
    ]
    quarantine_key = gate.metadata["quarantine: stg_one_stop_shop__dossiers_quarantine"].value
    [counted] = [
        e.event_specific_data.materialization.metadata
        for e in first_events
        if e.event_type == DagsterEventType.ASSET_MATERIALIZATION and e.asset_key == quarantine_key
    ]
    assert counted["quarantined_from_this_run (rows)"].value == counted["dagster/row_count"].value == len(quarantined)
    assert gate.metadata["load_id"].value in counted["loads_of_this_run"].value  # with the step's other sources
    before = query(settings, "select * from marts.mart_agency_service_quality order by all")
    workforce = query(settings, "select * from marts.mart_workforce order by all")
    assert workforce, "the sandbox cadre system lands beside the one-stop-shop"
    result, events = run(settings, date(2022, 1, 1), date(2022, 2, 28))
    assert result.success
    # the seeds are loaded by the first run only: the rerun reports them current, not reloaded
    assert seeds_reloaded(first_events) == {True}
    assert seeds_reloaded(events) == {False}
    assert query(settings, "select * from marts.mart_agency_service_quality order by all") == before
    # the cadre snapshot landed again replaces the first one: the same marts
    assert query(settings, "select * from marts.mart_workforce order by all") == workforce
    assert query(settings, "select count(distinct load_id) from staging.stg_cadre__persons") == [(1,)]
    # the floor agrees on the sandbox's defects (duplicates, decomposed text, quarantined rows, a rerun's loads)
    assert_floor_gives_the_marts_numbers(settings, tmp_path / "floor")


def test_a_batch_beyond_tolerance_stops_the_marts_and_is_never_read(tmp_path):
    bad = settings_for(tmp_path, **SANDBOX, sandbox_defect_rate=0.2)
    result, events = run(bad, date(2022, 1, 1), date(2022, 2, 28))
    assert result.success  # a rejected load skips the marts built from it; the run itself ends
    checks = {
        e.event_specific_data.asset_key.path[-1]: e.event_specific_data.passed
        for e in events
        if e.event_type == DagsterEventType.ASSET_CHECK_EVALUATION
    }
    assert checks.pop("one_stop_shop") is False
    # The cadre sandbox draws the same 20% defect rate: since its commune committees come from the unit
    # file (docs/agencies.md: 204 rather than 38) its export has enough ended postings (51, 8 of them
    # mistyped) to exceed its own 2% ordering tolerance too. Every other gate passes.
    checks.pop("cadre")
    assert checks and all(checks.values()), f"only the one-stop-shop's (and the cadre's) gate fails: {checks}"
    built = {e.asset_key.to_user_string() for e in events if e.event_type == DagsterEventType.ASSET_MATERIALIZATION}
    # no table reading either rejected load is built (each says why); the tables reading neither are
    reading = dbt_tables_downstream("landing/one_stop_shop", "landing/cadre")
    assert not built & reading, "no staging model or mart may be built from a rejected batch"
    assert set(observed_skipped(events)) == reading
    assert {"marts/mart_budget_balance", "reference/procedures"} <= built
    # The next run, on a good batch, builds the marts from the good load only.
    good = dataclasses.replace(bad, sandbox_defect_rate=0.0)
    result, _ = run(good, date(2022, 1, 1), date(2022, 2, 28))
    assert result.success
    verdicts = query(
        good,
        """select verdict, count(*) from audit.audit_gx_batch_verdicts
                              where source_system = 'one_stop_shop' group by 1 order by 1""",
    )
    assert verdicts == [("accepted", 1), ("rejected", 1)]
    loads = query(good, "select count(distinct load_id) from staging.stg_one_stop_shop__dossiers")
    assert loads == [(1,)]


# -- the cadre system and the PAR ranking as files: the workforce marts ----------------------------

WORKFORCE_MARTS = (
    "mart_workforce",
    "mart_public_service_units",
    "mart_commune_cadre_standards",
    "mart_official_rating_eligibility",
    "mart_head_accountability",
)


def cadre_files(tmp_path, defect_rate):
    """The cadre system's XLSX export and the ranking files of a sandbox whose clock is 2026-02-28."""
    sandbox = CadreSandbox(CadreConfig(seed=7, scale=0.1, end=date(2026, 2, 28), defect_rate=defect_rate))
    return write_cadre_export(sandbox, tmp_path / "canbo.xlsx"), tmp_path / "ranking", sandbox


def test_a_cadre_export_builds_the_five_workforce_marts_for_2022_to_2025(tmp_path):
    export, ranking, sandbox = cadre_files(tmp_path, 0.004)
    write_ranking_files(sandbox, ranking)
    settings = settings_for(
        tmp_path, **SANDBOX, cadre_export=export, par_ranking_dir=ranking, pseudonymisation_key="test-key"
    )
    result, _ = run(settings, date(2022, 1, 1), date(2022, 2, 28))
    assert result.success
    for mart in WORKFORCE_MARTS:
        years = [r[0] for r in query(settings, f"select distinct year from marts.{mart} order by 1")]
        assert years == [2022, 2023, 2024, 2025], mart
    assert query(settings, "select distinct snapshot_date from staging.stg_cadre__persons") == [(date(2026, 2, 28),)]
    # the department designed average in 2023 and 2024 is accountable in 2024, the weak district in 2022
    triggered = query(
        settings,
        "select year, grade_code from marts.mart_head_accountability where is_accountability_triggered order by 1",
    )
    assert triggered == [(2022, "weak"), (2024, "average")]
    # officials of the one-stop-shop (Jan-Feb 2022) meet their appraisals through the shared key
    matched = query(
        settings,
        "select count(*) from marts.mart_official_rating_eligibility where year = 2022 and dossiers_handled > 0",
    )[0][0]
    assert matched > 100
    # T07: the merged register lists Ninh Thuận's units from 2025-07-01; the seed lacks its 2021 count, so
    # 2025 is not comparable (no reduction, no flag) rather than a false "not met"; 2024 is judged as before
    units = query(
        settings,
        "select year, baseline_units, units_in_force, units_absorbed, comparable_baseline_units, reduction, "
        "is_t07_on_track, not_comparable_reason from marts.mart_public_service_units where year in (2024, 2025) "
        "order by year",
    )
    baseline = sum(u.in_force_on(date(2021, 12, 31)) for u in sandbox.units)
    joined = sum(u.created == date(2025, 7, 1) for u in sandbox.units)
    assert joined > 0
    assert [r[:5] for r in units] == [
        (2024, baseline, sum(u.in_force_on(date(2024, 12, 31)) for u in sandbox.units), 0, baseline),
        (2025, baseline, sum(u.in_force_on(date(2025, 12, 31)) for u in sandbox.units), joined, None),
    ]
    assert units[0][5] is not None and units[1][5:] == (None, None, "absorbed_baseline_missing")


def test_a_bad_cadre_export_stops_the_workforce_marts_not_the_one_stop_shop_marts(tmp_path):
    export, ranking, sandbox = cadre_files(tmp_path, 0.06)
    write_ranking_files(sandbox, ranking)
    settings = settings_for(
        tmp_path, **SANDBOX, cadre_export=export, par_ranking_dir=ranking, pseudonymisation_key="test-key"
    )
    with counting_dbt_invocations() as dbt_calls:
        result, events = run(settings, date(2022, 1, 1), date(2022, 2, 28))
    assert result.success  # a rejected load skips the marts built from it; the run itself ends
    assert len(dbt_calls) == 1, f"one dbt process per run, whatever was rejected: {dbt_calls}"
    checks = gate_results(events)
    assert checks.pop("landing/cadre") is False
    assert checks and all(checks.values()), f"only the cadre gate fails: {checks}"
    built = materialized(events)
    assert {"marts/mart_agency_service_quality", "marts/mart_province_service_quality"} <= built
    # officials are persons of the cadre register: the officials' mart waits for a good snapshot too
    assert not ({f"marts/{m}" for m in WORKFORCE_MARTS} | {"marts/mart_official_performance"}) & built
    assert not any(key.startswith("staging/stg_cadre") for key in built)
    # exactly the tables reading the cadre load (and the program marts reading those) are skipped, each
    # with an observation saying why; every other table of the warehouse is built in the same run
    from orchestration.warehouse import WAREHOUSE_KEYS

    cadre = dbt_tables_downstream("landing/cadre")
    assert {"marts/mart_program_targets", "staging/stg_cadre__persons"} <= cadre
    skipped = observed_skipped(events)
    assert set(skipped) == cadre
    assert all("the GX gate rejected load" in why and "landing/cadre" in why for why in skipped.values())
    assert (
        built - {e for e in built if e.startswith(("landing/", "serving/", "reports/"))}
        == {k.to_user_string() for k in WAREHOUSE_KEYS} - cadre
    )
    assert "staging/stg_par_ranking__rankings" in built and "marts/mart_budget_balance" in built
    verdicts = dict(query(settings, "select source_system, verdict from audit.audit_gx_batch_verdicts"))
    assert verdicts.pop("cadre") == "rejected"
    assert {"one_stop_shop", "par_ranking"} <= verdicts.keys() and set(verdicts.values()) == {"accepted"}, verdicts
