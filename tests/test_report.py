"""The periodic report end to end: a small sandbox run renders the current quarter's report and
attaches its link and the marts' headline values to the materialisations; `make report` renders
another period; the page opens in headless Chromium with no console error and its charts drawn."""

from __future__ import annotations

import os
import subprocess
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.cli import report_paths
from orchestration.report_asset import REPORT_KEY
from reporting.periods import PeriodError, ReportPeriod, parse_period
from tests.browser import open_page, requires_chromium
from tests.support.pipeline import run, settings_for

REPO = Path(__file__).resolve().parents[1]
# conftest fixes PAR_REPORTING_AS_OF=2025-12-31: the current quarter is 2025-Q4, complete.
SANDBOX = dict(sandbox_end=date(2025, 12, 31), sandbox_scale=0.02, sandbox_seed=11)


@pytest.fixture(scope="module")
def reported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    settings = settings_for(tmp, **SANDBOX)
    result, events = run(settings, date(2022, 1, 1), date(2025, 12, 31))
    assert result.success, "the pipeline failed on the small sandbox"
    return settings, events


def materialization_metadata(events, key_path):
    found = [
        e.event_specific_data.materialization.metadata
        for e in events
        if e.event_type_value == "ASSET_MATERIALIZATION" and e.asset_key.path == key_path
    ]
    assert found, f"no materialisation of {key_path}"
    return found[-1]


def test_the_run_renders_the_current_quarter_and_links_it(reported):
    settings, events = reported
    paths = report_paths(events)
    assert paths == [str(settings.reports_path / "par_report_2025-Q4_vi.html")]
    metadata = materialization_metadata(events, REPORT_KEY.path)
    assert metadata["period"].value == "2025-Q4"
    assert Path(metadata["report_en"].value.removeprefix("file://")).exists()


def test_every_mart_reports_its_row_count_and_headlines(reported):
    settings, events = reported
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        targets = con.execute("select count(*) from marts.mart_program_targets").fetchone()[0]
        year_statuses = dict(
            con.execute("""select status, count(*) from marts.mart_program_targets
                                            where period_type = 'year' and period_key = '2025' group by status""").fetchall()
        )
    metadata = materialization_metadata(events, ["marts", "mart_program_targets"])
    assert metadata["dagster/row_count"].value == targets
    assert metadata["period"].value == "2025 (latest complete year)"
    assert metadata["targets_no_data (targets)"].value == year_statuses.get("no data", 0)
    province = materialization_metadata(events, ["marts", "mart_province_service_quality"])
    assert province["period"].value == "2025-Q4 (latest complete quarter)"
    assert 0 <= province["late_rate (percent)"].value <= 100


WIRED_LATER = ("T03", "T07", "T08", "T09", "T11", "T13")  # from the cadre, ranking and budget marts


def test_every_target_has_a_status_and_the_cadre_and_budget_targets_a_value(reported):
    settings, _ = reported
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        rows = con.execute("""select target_id, period_key, status, actual_value, no_data_reason, source_model
                              from marts.mart_program_targets where period_type = 'year'
                              order by target_id, period_key""").fetchall()
    year_2025 = {r[0]: r for r in rows if r[1] == "2025"}
    assert sorted(year_2025) == [f"T{i:02d}" for i in range(1, 16)]
    assert all(r[2] in ("met", "not met", "on track", "off track", "no data", "not applicable") for r in rows)
    # a status is "no data" (or "not applicable") exactly when there is no actual, and then it says why
    assert all((r[2] in ("no data", "not applicable")) == (r[3] is None) == (r[4] is not None) for r in rows)
    # T06 applies from 2025: never judged before it
    assert {r[1]: r[2] for r in rows if r[0] == "T06" and r[1] < "2025"} == {
        y: "not applicable" for y in ("2022", "2023", "2024")
    }
    # T01 is judged on the PAR ranking of the year, decided in February of the next: 2024 has one,
    # 2025 (as of 2025-12-31) not yet, which the detail says
    year_2024 = {r[0]: r for r in rows if r[1] == "2024"}
    assert year_2024["T01"][3] is not None
    assert year_2025["T01"][2] == "no data"
    assert not any(r[4] == "source_not_in_warehouse" for r in rows), "every target's source is wired"
    for target in WIRED_LATER:
        complete = {r[1]: r for r in rows if r[0] == target and r[1] in ("2023", "2024")}
        assert any(r[2] != "no data" and r[3] is not None for r in complete.values()), (target, complete)
    for present in ("T04", "T05", "T06", "T14"):
        assert (
            year_2025[present][2] in ("met", "not met", "on track", "off track") and year_2025[present][3] is not None
        )


@requires_chromium
def test_the_report_opens_with_its_target_table_and_charts_drawn(reported):
    settings, _ = reported
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        statuses = dict(
            con.execute("""select target_id, status from marts.mart_program_targets
                                       where (measured_per = 'period' and period_type = 'quarter' and period_key = '2025-Q4')
                                          or (measured_per = 'year' and period_type = 'year' and period_key = '2025')""").fetchall()
        )
    page_path = settings.reports_path / "par_report_2025-Q4_vi.html"
    with open_page(page_path.as_uri()) as (page, visit):
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 5")
        assert visit.errors == []
        assert page.locator("#targets tbody tr").count() == 15
        for target, status in statuses.items():
            assert page.locator(f"#targets tr[data-target='{target}'][data-status='{status}']").count() == 1, target
        drawn = page.evaluate("""[...document.querySelectorAll('.js-plotly-plot')].filter(
            p => p.querySelector('.main-svg') && p.querySelectorAll('.trace, .bars, .scatterlayer path').length > 0).length""")
        assert drawn >= 5
        # T07 and T08 against their baselines, one line each
        assert page.locator("#chart-headcount .scatterlayer .trace").count() == 2
        assert ("Chưa có dữ liệu" in page.inner_text("#targets")) == ("no data" in statuses.values())
        # self-contained: the page fetched nothing but itself
        fetched = page.evaluate("performance.getEntriesByType('resource').map(r => r.name)")
        assert fetched == []
    assert "<script src=" not in page_path.read_text(encoding="utf-8")


def test_make_report_renders_a_half_year_in_english(reported):
    settings, _ = reported
    env = {**os.environ, "PAR_DATA_DIR": str(settings.data_dir), "PAR_WAREHOUSE_PATH": str(settings.warehouse_path)}
    done = subprocess.run(
        ["make", "-s", "report", "PERIOD=2025-H2", "REPORT_LANG=en"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    path = settings.reports_path / "par_report_2025-H2_en.html"
    assert str(path) in done.stdout and path.exists()
    assert "Half-year 2025-H2" in path.read_text(encoding="utf-8")


def test_a_period_not_in_the_warehouse_is_refused(reported):
    settings, _ = reported
    env = {**os.environ, "PAR_DATA_DIR": str(settings.data_dir), "PAR_WAREHOUSE_PATH": str(settings.warehouse_path)}
    done = subprocess.run(
        [str(REPO / ".venv/bin/python"), "-m", "orchestration", "report", "--period", "2030-Q1"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "has no quarter 2030-Q1" in done.stderr


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2025-Q4", ReportPeriod("quarter", "2025-Q4")),
        ("2025-h2", ReportPeriod("half_year", "2025-H2")),
        ("2025", ReportPeriod("year", "2025")),
        ("2025-03", ReportPeriod("month", "2025-03")),
    ],
)
def test_periods_as_people_write_them(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize("text", ["2025-Q5", "Q4-2025", "2025-13", "25"])
def test_a_malformed_period_is_refused(text):
    with pytest.raises(PeriodError, match="is not a reporting period"):
        parse_period(text)


def test_the_report_lists_budget_lines_that_are_not_the_sum_of_their_parts(reported):
    """The sandbox's 2022 final accounts print B.I 1.250 triệu above its six children: beyond the
    rounding of (6 + 1) x 0,5 triệu, a gap of 1.246,5 triệu, shown as published."""
    settings, _ = reported
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        gaps = con.execute("""select fiscal_year, line_code, children_gap_vnd from marts.mart_budget_balance
                              where children_reconcile = false""").fetchall()
    assert (2022, "B.I", 1_246_500_000) in gaps
    html = (settings.reports_path / "par_report_2025-Q4_vi.html").read_text(encoding="utf-8")
    for year, code, _gap in gaps:
        assert f'data-year="{year}" data-line="{code}"' in html
    assert ">1.246,5</td>" in html
