"""Budget disclosures through the whole pipeline: sandbox portal -> crawl -> GX gate -> dbt -> the three marts.

Two runs in one data directory, as the nightly job would make them: the portal's clock at
2025-12-31 (every disclosure of 2022-2025 so far, the 2024 estimate in its corrected version),
then the same again (nothing new is downloaded and the marts do not change). That a correction
is downloaded alone and supersedes the first version is tested on the crawler
(tests/test_budget_crawler.py) and on staging (dbt unit test latest_version_of_a_document_wins).
The sandbox publishes 2024 and 2025 estimates as provinces do (prior-year columns, a year merged
over its kinds, notes and signatures under the table, five revenue lines, abbreviated labels).
Expected values follow from the sandbox's rules (connectors/sandbox/budget_data.py): the late
ones are published 45 days after the decision (estimate 2023: deadline 30 -> 15 days late), 38
days (final accounts 2023: 8 days late), 22 days after the half-year (h1 2024: deadline 15 -> 7
days late); 3 of 30 units self-finance in 2022 (10%), 6 of 30 in 2025 (20%, the T09 target).
"""

import dataclasses
from datetime import date, timedelta

import duckdb
import pytest
from dagster import DagsterInstance

from connectors.sandbox.budget_data import CORRECTION_DAYS, CUT_LINE, DEFECTS, BudgetPortalData
from orchestration.cli import run_pipeline
from orchestration.settings import load_settings

SEED = 7


def query(settings, sql):
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def run(settings, start, end):
    with DagsterInstance.ephemeral() as instance:
        result = run_pipeline(start, end, settings, instance=instance)
        crawl = [
            e.event_specific_data.materialization.metadata
            for e in result.all_events
            if e.is_step_materialization and e.asset_key.path == ["landing", "budget_disclosures"]
        ]
    assert result.success
    return crawl[-1]  # a range of days is one crawl: its totals are on the last day's materialisation


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("budget")
    settings = dataclasses.replace(
        load_settings(),
        data_dir=tmp,
        landing_dir=tmp / "landing",
        warehouse_path=tmp / "warehouse.duckdb",
        one_stop_shop_url=None,
        one_stop_shop_export=None,
        pseudonymisation_key=None,
        sandbox_scale=0.02,
        sandbox_seed=SEED,
        sandbox_defect_rate=0.0,
        sandbox_end=date(2025, 12, 31),
    )
    first = run(settings, date(2025, 12, 1), date(2025, 12, 31))
    marts = {
        name: query(settings, f"select * from marts.{name} order by all")
        for name in ("mart_budget_balance", "mart_budget_disclosure_timeliness", "mart_public_unit_autonomy")
    }
    second = run(settings, date(2025, 12, 1), date(2025, 12, 31))
    return settings, first, second, marts


def test_the_three_marts_cover_2022_to_2025(warehouse):
    settings = warehouse[0]
    for mart in ("mart_budget_balance", "mart_budget_disclosure_timeliness", "mart_public_unit_autonomy"):
        years = [r[0] for r in query(settings, f"select distinct fiscal_year from marts.{mart} order by 1")]
        assert years == [2022, 2023, 2024, 2025], mart


def test_late_disclosures_match_the_hand_computed_days(warehouse):
    rows = {
        (r[0], r[1], r[2]): r[3:]
        for r in query(
            warehouse[0],
            """
        select fiscal_year, document_kind, period_code, days_late, is_on_time, disclosure_status, is_file_available
        from marts.mart_budget_disclosure_timeliness""",
        )
    }
    assert rows[(2023, "estimate", "year")][:3] == (15, False, "late")
    assert rows[(2023, "final_accounts", "year")][:3] == (8, False, "late")
    assert rows[(2024, "execution", "h1")][:3] == (7, False, "late")
    assert rows[(2024, "execution", "q1")][3] is False  # listed, but its file answers 404
    late = {key for key, value in rows.items() if value[2] == "late"}
    assert late == {(2023, "estimate", "year"), (2023, "final_accounts", "year"), (2024, "execution", "h1")}


def test_a_malformed_file_is_reported_and_skipped_without_losing_the_rest(warehouse):
    settings, first = warehouse[0], warehouse[1]
    errors = query(
        settings,
        """select distinct document_id, file_status, sheet_name, cell
                                from staging.stg_budget_disclosures__file_errors order by 1""",
    )
    assert errors == [
        (DEFECTS["text_in_number_cell"], "unparseable", "59-CK-NSNN", "D17"),
        (DEFECTS["file_not_found"], "not_found", None, None),
    ]
    assert query(
        settings,
        f"""select count(*) from staging.stg_budget_disclosures__lines
                               where document_id = '{DEFECTS["text_in_number_cell"]}'""",
    ) == [(0,)]
    # the year keeps the execution report before the unreadable one
    assert query(
        settings,
        """select distinct execution_period_code from marts.mart_budget_balance
                              where fiscal_year = 2023""",
    ) == [("h1",)]
    # the asset's metadata names them too, with sheet and cell
    assert sorted((p["file"], p["status"], p["cell"]) for p in first["files_not_landed"].value) == [
        ("59-CK-NSNN_thuc-hien-q1_2024.xlsx", "not_found", None),
        ("59-CK-NSNN_thuc-hien-q3_2023.xlsx", "unparseable", "D17"),
    ]


def test_a_parent_that_is_not_the_sum_of_its_children_is_flagged(warehouse):
    rows = dict(
        query(
            warehouse[0],
            """select line_code, children_reconcile from marts.mart_budget_balance
                                       where fiscal_year = 2022 and children_reconcile is not null""",
        )
    )
    assert rows == {"A": True, "A.II": True, "B": True, "B.I": False, "B.I.1": True, "B.II": True}


def test_leaves_sum_to_their_top_line_without_double_counting(warehouse):
    rows = query(
        warehouse[0],
        """
        select top.fiscal_year, top.line_code, top.estimate_vnd, sum(leaf.estimate_vnd)
        from marts.mart_budget_balance as top
        join marts.mart_budget_balance as leaf
          on leaf.fiscal_year = top.fiscal_year and leaf.is_leaf and leaf.line_code like top.line_code || '.%'
        where top.line_code in ('A', 'B')
        group by all""",
    )
    assert len(rows) == 8 and all(top == leaves for _, _, top, leaves in rows)


def test_the_estimate_comes_from_the_corrected_version(warehouse):
    corrected = next(
        d
        for d in BudgetPortalData(seed=SEED, last_year=2024).documents
        if d.document_id == DEFECTS["republished_with_corrections"]
    )
    assert corrected.versions[1].available_on == corrected.published_date + timedelta(days=CORRECTION_DAYS)
    versions = query(
        warehouse[0],
        f"""select count(distinct file_sha256), count(*) from staging.stg_budget_disclosures__lines
                                      where document_id = '{corrected.document_id}'""",
    )
    # one version, 25 lines (five revenue lines from 2024) x 3 money columns (2023 estimate and
    # estimated execution beside the 2024 estimate)
    assert versions == [(1, 75)]
    # the corrected version adds 12.400 triệu đồng to recurrent spending; the first version's value:
    first = BudgetPortalData(seed=SEED, last_year=2024).estimate_values(2024)["B.I.2"]
    shown = query(
        warehouse[0],
        "select estimate_vnd from marts.mart_budget_balance where fiscal_year = 2024 and line_code = 'B.I.2'",
    )
    assert shown == [((first + 12_400) * 1_000_000,)]


def test_autonomy_share_against_the_t09_target(warehouse):
    rows = query(
        warehouse[0],
        """select distinct fiscal_year, units_in_year, units_self_financing,
                                  self_financing_share, is_target_met from marts.mart_public_unit_autonomy order by 1""",
    )
    # shares are stored with 6 decimals: 4/30 = 0.133333, 5/30 = 0.166667
    assert [(r[0], r[1], r[2], round(float(r[3]), 6), r[4]) for r in rows] == [
        (2022, 30, 3, 0.1, False),
        (2023, 30, 4, 0.133333, False),
        (2024, 30, 5, 0.166667, False),
        (2025, 30, 6, 0.2, True),
    ]


def test_a_rerun_downloads_nothing_and_changes_nothing(warehouse):
    settings, first, second, marts = warehouse
    assert first["files"].value["landed"] > 0
    assert second["files"].value["landed"] == 0 and second["rows_per_dataset"].value.get("lines", 0) == 0
    for name, before in marts.items():
        assert query(settings, f"select * from marts.{name} order by all") == before, name


def test_a_line_cut_from_one_year_to_the_next_shows_its_new_value(warehouse):
    """The 2025 estimate form prints the 2024 estimate and estimated execution beside its own
    column; the mart reads the 2025 column only."""
    data = BudgetPortalData(seed=SEED, last_year=2025)
    code, year, _share = CUT_LINE
    cut, before = data.estimate_values(year)[code], data.estimate_values(year - 1)[code]
    assert cut < before
    rows = query(
        warehouse[0],
        f"""select line_key, estimate_vnd from marts.mart_budget_balance
                                   where fiscal_year = {year} and line_code in ('{code}', 'A', 'C')""",
    )
    assert dict(rows) == {
        "national_targeted_programmes": cut * 1_000_000,
        "total_revenue": data.estimate_values(year)["A"] * 1_000_000,
        "deficit": data.estimate_values(year)["C"] * 1_000_000,
    }
    # exactly the year's lines and values (the sandbox's 2025 outline is the Circular's)
    shown = dict(
        query(warehouse[0], f"select line_code, estimate_vnd from marts.mart_budget_balance where fiscal_year = {year}")
    )
    assert shown == {code: value * 1_000_000 for code, value in data.estimate_values(year).items()}


def test_lines_are_one_row_per_catalogue_line_whatever_their_place(warehouse):
    rows = query(
        warehouse[0],
        """select fiscal_year, line_code, line_key, line_name_en from marts.mart_budget_balance
                                  where line_code like 'A.%' and outline_level = 2 order by 1, 2""",
    )
    by_year = {}
    for year, code, key, name_en in rows:
        by_year.setdefault(year, []).append((code, key))
        assert name_en  # every sandbox line is in the catalogue
    four = [
        ("A.I", "revenue_retained"),
        ("A.II", "transfers_from_central"),
        ("A.IV", "carried_over_surplus"),
        ("A.V", "carried_over_resources"),
    ]
    assert by_year[2023] == four  # Thu kết dư printed third, the Circular's A.IV
    assert by_year[2025] == four[:2] + [("A.III", "revenue_from_reserve_fund")] + four[2:]


def test_notes_and_signatures_land_with_their_document(warehouse):
    rows = query(
        warehouse[0],
        """select document_id, text_kind, count(*) from staging.stg_budget_disclosures__form_texts
                                  group by all order by all""",
    )
    assert rows == [
        ("CK-2024-DT", "note", 2),
        ("CK-2024-DT", "place_date", 1),
        ("CK-2024-DT", "signature", 3),
        ("CK-2025-DT", "place_date", 1),
        ("CK-2025-DT", "signature", 2),
        ("CK-2025-DT", "source", 1),
    ]
