"""The registries and the administrative units through the whole pipeline (sandbox, in-process)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from dagster import DagsterEventType

from tests.support.pipeline import dbt_tables_downstream, observed_skipped, query, run, settings_for

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
SMALL = dict(sandbox_end=date(2025, 8, 2), sandbox_scale=0.1, sandbox_seed=7)


@pytest.fixture(scope="module")
def across_the_reform(tmp_path_factory):
    settings = settings_for(tmp_path_factory.mktemp("reform"), **SMALL)
    result, _ = run(settings, date(2025, 6, 30), date(2025, 8, 2))  # June counts come on 1 July, July's on 1 August
    assert result.success
    return settings


def test_the_chart_series_is_unbroken_on_todays_units(across_the_reform):
    rows = query(
        across_the_reform,
        """
        select unit_level, count(distinct unit_key), count(distinct period_key), min(period_key), max(period_key)
        from marts.mart_business_environment_current_units group by 1 order by 1""",
    )
    # the reporting months run to PAR_REPORTING_AS_OF (2025-12-31 in the tests)
    assert rows == [("commune", 65, 48, "2022-01", "2025-12"), ("province", 1, 48, "2022-01", "2025-12")]


def test_rebasing_conserves_the_counts(across_the_reform):
    # the 65 communes' rebased new enterprises add up to the merged province's, month by month
    gaps = query(
        across_the_reform,
        """
        select p.period_key, p.new_enterprises, sum(c.new_enterprises)
        from marts.mart_business_environment_current_units p
        join marts.mart_business_environment_current_units c
          on c.period_key = p.period_key and c.unit_level = 'commune'
        where p.unit_level = 'province'
        group by 1, 2 having abs(p.new_enterprises - sum(c.new_enterprises)) > 0.0001""",
    )
    assert gaps == []
    # and the residents of June (old units, rebased) are those of July (new units) within 0.1%
    ((june, july),) = query(
        across_the_reform,
        """
        select max(case when period_key = '2025-06' then residents end), max(case when period_key = '2025-07' then residents end)
        from marts.mart_business_environment_current_units where unit_level = 'province'""",
    )
    assert june > 1_800_000 and abs(july - june) / june < 0.001


def test_both_reorganisations_rebase_onto_todays_units(across_the_reform):
    # every commune-level version of the file reaches today's 65 units with weights summing to 1,
    # two steps deep for the units arranged on 2024-11-01 (docs/admin_units.md)
    rows = query(
        across_the_reform,
        """
        select d.unit_key, sum(w.weight), max(w.steps)
        from marts.dim_admin_unit d
        left join intermediate.int_admin_unit_rebase_weights w on w.unit_key = d.unit_key
        where d.unit_level = 'commune' group by 1""",
    )
    assert len(rows) == 276 and all(abs(total - 1) < 1e-5 for _, total, _ in rows)
    steps = {key: depth for key, _, depth in rows}
    assert steps["22342@2022-01-01"] == 2 and steps["22348@2024-11-01"] == 1 and steps["22366@2025-07-01"] == 0
    # Xương Huân (merged into Vạn Thạnh on 2024-11-01) is in Phường Nha Trang today; Cam Tân was split in three
    assert query(
        across_the_reform,
        """select current_unit_key, weight from intermediate.int_admin_unit_rebase_weights
                                       where unit_key = '22342@2022-01-01'""",
    ) == [("22366@2025-07-01", 1)]
    assert (
        len(
            query(
                across_the_reform,
                """select 1 from intermediate.int_admin_unit_rebase_weights
                                           where unit_key = '22435@2022-01-01'""",
            )
        )
        == 3
    )


def test_dossiers_by_the_applicants_unit_on_todays_units(across_the_reform):
    # July 2025 (new units only): the 65 communes' dossiers add up to the merged province's
    ((province, communes, share),) = query(
        across_the_reform,
        """
        select max(case when unit_level = 'province' then dossiers_received end),
               sum(case when unit_level = 'commune' then dossiers_received end),
               max(case when unit_level = 'province' then verified_citizen_share end)
        from marts.mart_service_per_capita_current_units where period_key = '2025-07'""",
    )
    assert province > 100 and abs(province - communes) < 0.0001
    assert 0.75 < share < 0.97  # the sandbox verifies about 87% of citizens in 2025
    # June 2025 on today's units: communes that were Ninh Thuận's have no figure (another system), never 0
    ((served, not_served, zero_when_not_served),) = query(
        across_the_reform,
        """
        select sum(case when is_served then 1 else 0 end), sum(case when not is_served then 1 else 0 end),
               sum(case when not is_served and dossiers_received is not null then 1 else 0 end)
        from marts.mart_service_per_capita_current_units where period_key = '2025-06' and unit_level = 'commune'""",
    )
    assert served > 0 and not_served > 0 and zero_when_not_served == 0
    # a June dossier of an old commune counts for it on the units of the month; a district has no July figure
    ((june, july_reason),) = query(
        across_the_reform,
        """
        select sum(case when period_key = '2025-06' and unit_level = 'district' then dossiers_received end),
               max(case when period_key = '2025-07' and unit_level = 'district' then no_figure_reason end)
        from marts.mart_service_per_capita_by_applicant_unit""",
    )
    assert june > 100 and july_reason.startswith("district level abolished")


def test_a_broken_unit_file_stops_the_marts(tmp_path):
    units = tmp_path / "units"
    shutil.copytree(REFERENCE, units)
    path = units / "admin_unit_successors.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:1] + lines[2:]) + "\n", encoding="utf-8")  # the first old unit is unmapped
    settings = settings_for(tmp_path / "data", admin_units_dir=units, **SMALL)
    result, events = run(settings, date(2025, 7, 2), date(2025, 7, 2))
    assert result.success  # a rejected load skips the marts built from it; the run itself ends
    checks = {
        e.event_specific_data.asset_key.path[-1]: e.event_specific_data
        for e in events
        if e.event_type == DagsterEventType.ASSET_CHECK_EVALUATION
    }
    assert not checks["admin_units"].passed
    assert "is_mapped" in str(checks["admin_units"].metadata["failed_expectations"].value)
    built = {e.asset_key.to_user_string() for e in events if e.event_type == DagsterEventType.ASSET_MATERIALIZATION}
    # the registries' step stands on the unit file: none of its tables is built; other families are
    registries = {
        "marts/dim_admin_unit",
        "marts/mart_business_environment",
        "marts/mart_service_per_capita",
        "marts/mart_business_environment_current_units",
        "staging/stg_admin_units__units",
        "marts/mart_service_per_capita_by_applicant_unit",
        "marts/mart_service_per_capita_current_units",
    }
    assert not built & registries, "no table of the units or registries may be built on a broken unit file"
    # exactly the tables reading the unit file are left out, each saying why; the rest is built
    assert registries <= set(observed_skipped(events)) == dbt_tables_downstream("landing/admin_units")
    assert "marts/mart_budget_balance" in built
