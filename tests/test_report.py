"""The periodic report end to end: a small sandbox run renders the current quarter's report and
attaches its link and the marts' headline values to the materialisations; `make report` renders
another period; the page opens in headless Chromium with no console error and its charts drawn."""

from __future__ import annotations

import os
import re
import subprocess
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from orchestration.cli import report_paths
from orchestration.report_asset import REPORT_KEY
from reporting.data import ReportData
from reporting.periods import PeriodError, ReportPeriod, parse_period
from tests.browser import CHROMIUM, open_page, requires_chromium
from tests.support.pipeline import run, settings_for

REPO = Path(__file__).resolve().parents[1]
# conftest fixes PAR_REPORTING_AS_OF=2025-12-31: the current quarter is 2025-Q4, complete.
SANDBOX = dict(sandbox_end=date(2025, 12, 31), sandbox_scale=0.02, sandbox_seed=11)


# The re-identification lookup an authorised user configures: cadre person codes (the sandbox's
# CB000001...) to names, in a file outside the warehouse.
LOOKUP_NAME = "Họ Tên Thử {}"


@pytest.fixture(scope="module")
def reported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    lookup = tmp / "restricted" / "cadre_names.csv"
    lookup.parent.mkdir()
    lookup.write_text(
        "person_code,full_name\n" + "".join(f"CB{i:06d},{LOOKUP_NAME.format(i)}\n" for i in range(1, 5000)),
        encoding="utf-8",
    )
    settings = settings_for(tmp, **SANDBOX, report_pdf=True, reidentification_lookup=lookup)
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
    assert paths == [str(settings.reports_path / f"par_report_2025-Q4_{lang}.html") for lang in ("vi", "en")]
    metadata = materialization_metadata(events, REPORT_KEY.path)
    assert metadata["period"].value == "2025-Q4"
    assert Path(metadata["report_en"].value).exists()  # a path to copy, never a file:// link
    assert metadata["pdf_vi"].value == str(settings.reports_path / "par_report_2025-Q4_vi.pdf") or (
        "pdf_skipped" in metadata and CHROMIUM is None
    )


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


@requires_chromium
def test_the_report_link_in_the_dagster_ui_opens_the_report(reported):
    """The report asset's page in the Dagster UI shows where the report is (a path to copy: browsers refuse file://
    links from a web page); pasted in the address bar it opens the report, its title and target table.
    The run's report materialisation (its metadata as the asset wrote it) is recorded in a Dagster home of its own
    for the webserver: the pipeline ran on an ephemeral instance, which no webserver can read."""
    from dagster import AssetMaterialization, DagsterInstance

    from tests.support.webserver import dagster_webserver, look, write_instance

    settings, events = reported
    metadata = materialization_metadata(events, REPORT_KEY.path)
    home = write_instance(settings.data_dir / "ui_home")
    with DagsterInstance.from_config(str(home)) as instance:
        instance.report_runless_asset_event(AssetMaterialization(REPORT_KEY, metadata=metadata))
    errors = []
    with dagster_webserver(home, settings.data_dir) as url:
        with open_page(f"{url}/assets/{REPORT_KEY.to_user_string()}") as (page, visit):
            page.set_viewport_size({"width": 1400, "height": 1600})
            page.get_by_text("report_en", exact=True).first.wait_for()
            text = look(page, "report_asset")
            errors += visit.page_errors
    shown = {language: metadata[f"report_{language}"].value for language in ("vi", "en")}
    assert all(path in text for path in shown.values()), "the report's paths, shown to copy"
    assert "file://" not in text
    for language, title in (("en", "Progress of the public administration reform"), ("vi", "Báo cáo kết quả")):
        with open_page(Path(shown[language]).as_uri()) as (page, visit):  # what pasting the path opens
            assert title in page.title()
            assert page.locator("#targets tbody tr").count() == 15  # the target table, every target
            look(page, f"report_{language}")
            errors += visit.errors
    assert not errors, errors


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


# What SQL looks like in a report: a model name, a column compared, a query. None may appear.
SQL_PATTERNS = [
    re.compile(r"\b(mart|stg|int|dim|fct|seed)_[a-z0-9_]+", re.IGNORECASE),
    re.compile(r"\b[a-z]+_[a-z0-9_]+\s*(=|<>|<=|>=|\bis\b|\bin\s*\()", re.IGNORECASE),
    re.compile(r"\bselect\b[\s\S]{0,200}\bfrom\b", re.IGNORECASE),
    re.compile(r"\b(and|or)\s+[a-z]+_[a-z0-9_]+\b"),
]


def sql_in(text: str) -> list[str]:
    return [m.group(0) for pattern in SQL_PATTERNS for m in pattern.finditer(text)]


def test_the_sql_detector_finds_what_the_old_report_printed():
    """The patterns catch the old target table's Source column, and pass plain words."""
    old = "mart_agency_service_quality: period_type = 'year' and period_key = '2025' and cannot_be_ranked_good"
    assert len(sql_in(old)) >= 3
    assert sql_in("Measure: agencies ranked good in the year's PAR ranking although over the T01 thresholds") == []


@requires_chromium
def test_the_pdf_has_the_target_table_first_nothing_cut_and_no_sql(reported):
    """The A4 PDF beside the HTML: every target's row on pages 1-2 (the appendix explains them later),
    a sensible page count, no SQL anywhere (the HTML's text neither); printed at the page's width,
    no element runs past the right margin."""
    from pypdf import PdfReader

    from reporting.pdf import PRINT_WIDTH_PX

    settings, _ = reported
    for lang in ("vi", "en"):
        pdf = settings.reports_path / f"par_report_2025-Q4_{lang}.pdf"
        pages = [page.extract_text() for page in PdfReader(pdf).pages]
        assert 4 <= len(pages) <= 30, len(pages)
        first_two = "\n".join(pages[:2])
        header = ("Chỉ tiêu", "Đánh giá") if lang == "vi" else ("Target", "Status")
        assert all(word in pages[0] for word in header)
        for target in (f"T{i:02d}" for i in range(1, 16)):
            assert target in first_two, (lang, target)
        whole = "\n".join(pages)
        assert sql_in(whole) == [], (lang, sql_in(whole)[:5])
        assert "appendix" in whole.lower() or "phụ lục" in whole.lower()
    for lang in ("vi", "en"):
        html = settings.reports_path / f"par_report_2025-Q4_{lang}.html"
        with open_page(html.as_uri()) as (page, _visit):
            page.set_viewport_size({"width": PRINT_WIDTH_PX, "height": 1000})
            page.emulate_media(media="print")
            assert sql_in(page.inner_text("body")) == []
            # every box within the printed width; every text of a chart within its chart (plotly clips the rest)
            overflowing = page.evaluate(
                """w => [...document.querySelectorAll('body *')].filter(e => !e.closest('#js-plotly-tester')).flatMap(e => {
                    const b = e.getBoundingClientRect(), svg = e.closest('svg.main-svg');
                    if (b.width === 0 && b.height === 0) return [];
                    if (!svg) return b.left < -1 || b.right > w + 1 ? [e.tagName + '#' + e.id] : [];
                    const s = svg.getBoundingClientRect();
                    return e.tagName === 'text' && (b.left < s.left - 1 || b.right > s.right + 1) ? [e.textContent] : [];
                })""",
                PRINT_WIDTH_PX,
            )
            assert overflowing == [], lang


def test_officials_are_counted_per_agency_and_named_only_in_the_restricted_annex(reported):
    """T02 in the report: counts per agency and title, the same total as the mart, no key and no name.
    The names of the lookup appear only in the annex, a file of its own readable by its owner only."""
    settings, _ = reported
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        flagged = con.execute(
            """select official_key, person_code from marts.mart_official_performance
               where year = 2025 and cannot_be_rated_good"""
        ).fetchall()
    assert flagged, "the small sandbox flags officials in 2025"
    report = (settings.reports_path / "par_report_2025-Q4_en.html").read_text(encoding="utf-8")
    assert f"{len(flagged)} officials over the threshold, by agency and title" in report
    assert not any(key in report for key, _ in flagged)
    assert "Họ Tên Thử" not in report
    annex = settings.reports_path / "par_report_2025-Q4_en_restricted.html"
    assert annex.stat().st_mode & 0o777 == 0o600
    text = annex.read_text(encoding="utf-8")
    named = [code for _, code in flagged if code and LOOKUP_NAME.format(int(code[2:])) in text]
    assert named and len(named) == len([c for _, c in flagged if c])
    if CHROMIUM:
        from pypdf import PdfReader

        pdf_text = "".join(p.extract_text() for p in PdfReader(annex.with_name("par_report_2025-Q4_en.pdf")).pages)
        assert "Họ Tên Thử" not in pdf_text


def test_the_language_link_is_there_only_when_the_other_language_is(reported, tmp_path):
    from reporting.render import render_report

    settings, _ = reported
    alone = render_report(settings.warehouse_path, tmp_path, ReportPeriod("quarter", "2025-Q3"), ("en",), pdf=False)
    assert 'id="language-switch"' not in alone.paths["en"].read_text(encoding="utf-8")
    both = render_report(settings.warehouse_path, tmp_path, ReportPeriod("quarter", "2025-Q3"), ("vi",), pdf=False)
    assert 'href="par_report_2025-Q3_en.html"' in both.paths["vi"].read_text(encoding="utf-8")


def test_a_running_period_is_provisional_everywhere(reported):
    """The report of a period still running: the heading, the notice, each target row, the charts'
    running quarter (hollow marker, labelled) all say provisional; complete quarters do not."""
    from reporting.data import load_report_data
    from reporting.render import _context
    from reporting.template import page_template
    from reporting.warehouse import open_warehouse

    settings, _ = reported
    with open_warehouse("duckdb", settings.warehouse_path) as warehouse:
        data = load_report_data(warehouse, ReportPeriod("quarter", "2025-Q4"))
    data.period_row["is_period_complete"] = False  # as if built on 2025-12-20
    data.quarters[-1]["is_period_complete"] = False
    for row in data.targets:
        row["is_period_complete"] = False
    html = page_template.render(**_context(data, "en", "w", datetime(2025, 12, 20), None))
    assert 'id="provisional-notice"' in html
    assert html.count('<span class="provisional">provisional</span>') >= 2 * 15
    assert '"2025-Q4*"' in html and "(* provisional)" in html and "circle-open" in html
    assert '"2025-Q3*"' not in html


@pytest.mark.parametrize(
    ("actual", "numerator", "denominator", "shown"),
    [(3, 3, 40, "3 / 40"), (None, None, 0, "–"), (None, 0, 0, "–"), (0, 0, 12, "0 / 12")],
)
def test_a_count_shows_its_denominator_only_beside_a_value(actual, numerator, denominator, shown):
    """A year with nothing to count (no PAR ranking yet: 0 agencies ranked) reads "–", never "– / 0"."""
    from reporting.render import _value

    row = dict(unit="count", actual_value=actual, numerator=numerator, denominator=denominator, comparison="at_most")
    assert _value({**row, "goal_value": 0}, "en") == (shown, "≤ 0")


def test_one_t12_threshold_line_per_value():
    """Two indices sharing the top-25 threshold get one line, not two identical ones."""
    from reporting.charts import index_ranks
    from reporting.labels import labels

    rows = [
        dict(
            index_code=c,
            index_name_en=c,
            index_name_vi=c,
            edition_year=y,
            province_rank=r,
            provinces_ranked=63,
            t12_top_rank=25,
            counts_for_t12=True,
        )
        for c, y, r in (("papi", 2023, 8), ("par_index", 2023, 14), ("par_index", 2024, 10))
    ]
    data = ReportData(ReportPeriod("year", "2024"), {}, [], [], [], [], rows, [])
    figure = index_ranks(data, labels("en"), "en")
    assert len(figure.layout.shapes) == 1


def test_every_word_and_every_note_exists_in_both_languages(reported):
    """Vietnamese as complete as English: the same labels, and each target's note of the period in
    both languages (detail and detail_vi null together)."""
    from reporting.labels import LABELS

    assert set(LABELS["vi"]) == set(LABELS["en"])
    assert all(LABELS["vi"].values()) and all(LABELS["en"].values())
    settings, _ = reported
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        unpaired = con.execute(
            """select target_id, period_key, detail, detail_vi from marts.mart_program_targets
               where (detail is null) <> (detail_vi is null)"""
        ).fetchall()
        noted = con.execute("select count(*) from marts.mart_program_targets where detail_vi is not null").fetchone()[0]
    assert unpaired == [] and noted > 0
    vi = (settings.reports_path / "par_report_2025-Q4_vi.html").read_text(encoding="utf-8")
    assert "Kỳ này:" in vi and "cán bộ vượt ngưỡng tỷ lệ trễ hạn" in vi


def test_without_chromium_the_pdf_is_skipped_and_says_so(reported, tmp_path, monkeypatch):
    """A fresh machine with only Python: the HTML is written, the PDF skipped with a message, no error."""
    import reporting.pdf
    from reporting.render import render_report

    settings, _ = reported
    monkeypatch.setattr(reporting.pdf.shutil, "which", lambda name: None)
    done = render_report(settings.warehouse_path, tmp_path, ReportPeriod("quarter", "2025-Q4"), ("en",), pdf=True)
    assert done.paths["en"].exists() and done.pdfs == {}
    assert done.pdf_skipped.startswith("PDF skipped: Chromium is not installed")
    assert not list(tmp_path.glob("*.pdf"))
