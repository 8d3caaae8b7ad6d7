"""The short table `make run` ends with: the province's headline indicators per year."""

from __future__ import annotations

from orchestration.settings import Settings

NO_DATA = "no data"


def flagged(condition: str, counted: str = "") -> str:
    """How many rows `condition` holds for, null (no data) where it is null on every row, as in the marts:
    an agency whose late rate has no denominator is neither flagged nor cleared. `counted="is not null"`
    counts the rows where the condition is known."""
    if counted:
        return f"sum(case when ({condition}) {counted} then 1 end)"
    return f"sum(case when {condition} then 1 when not ({condition}) then 0 end)"


HEADLINE_SQL = f"""
select
    p.period_key as year,
    p.dossiers_received,
    p.dossiers_finished,
    p.late_rate,
    p.online_share,
    p.full_online_share,
    p.online_paid_share,
    p.satisfaction_rate,
    p.apology_coverage,
    (select {flagged("a.cannot_be_ranked_good")} from marts.mart_agency_service_quality a
      where a.period_type = 'year' and a.period_key = p.period_key) as agencies_flagged_t01,
    (select {flagged("o.cannot_be_rated_good")} from marts.mart_official_performance o
      where cast(o.year as varchar) = p.period_key) as officials_flagged_t02
from marts.mart_province_service_quality p
where p.period_type = 'year'
order by p.period_key
"""

COLUMNS = [
    ("year", "year", "{}"),
    ("dossiers_received", "received", "{:,}"),
    ("dossiers_finished", "finished", "{:,}"),
    ("late_rate", "late", "{:.1%}"),
    ("online_share", "online", "{:.1%}"),
    ("full_online_share", "full-\nonline", "{:.1%}"),
    ("online_paid_share", "paid\nonline", "{:.1%}"),
    ("satisfaction_rate", "satisfied", "{:.1%}"),
    ("apology_coverage", "apologised", "{:.1%}"),
    ("agencies_flagged_t01", "agencies\nT01", "{}"),
    ("officials_flagged_t02", "officials\nT02", "{}"),
]


WORKFORCE_SQL = f"""
select
    units.year,
    (select p.civil_servants from marts.mart_workforce_province p where p.year = units.year) as civil_servants,
    (select p.civil_servants_change_rate from marts.mart_workforce_province p where p.year = units.year)
        as civil_servants_change,
    (select p.budget_paid from marts.mart_workforce_province p where p.year = units.year) as budget_paid,
    (select {flagged("w.is_t08_on_track")} from marts.mart_workforce w where w.year = units.year)
        as agencies_on_track_t08,
    (select {flagged("w.is_t08_on_track", counted="is not null")} from marts.mart_workforce w where w.year = units.year)
        as agencies_t08,
    units.units_in_force,
    -units.reduction as units_change,
    (select {flagged("not c.meets_t11")} from marts.mart_commune_cadre_standards c where c.year = units.year)
        as communes_below_t11,
    (select {flagged("o.is_t02_breach")} from marts.mart_official_rating_eligibility o where o.year = units.year)
        as officials_t02_breach,
    (select {flagged("h.is_accountability_triggered")} from marts.mart_head_accountability h
      where h.year = units.year) as heads_t03
from marts.mart_public_service_units units
order by units.year
"""

WORKFORCE_COLUMNS = [
    ("year", "year", "{}"),
    ("civil_servants", "civil\nservants", "{:,}"),
    ("civil_servants_change", "vs 2022\n(T08)", "{:+.1%}"),
    ("budget_paid", "budget-\npaid", "{:,}"),
    ("agencies_on_track_t08", "agencies on\ntrack T08", "{}"),
    ("agencies_t08", "of", "{}"),
    ("units_in_force", "public ser-\nvice units", "{}"),
    ("units_change", "vs 2021\n(T07)", "{:+.1%}"),
    ("communes_below_t11", "communes\nbelow T11", "{}"),
    ("officials_t02_breach", "rated good\nover T02", "{}"),
    ("heads_t03", "heads\nT03", "{}"),
]


# The business registry on today's province (before 2025-07-01: Khánh Hòa and Ninh Thuận together).
BUSINESS_SQL = """
with province as (
    select * from marts.mart_business_environment_current_units where unit_level = 'province'
)
select
    substr(period_key, 1, 4) as year,
    sum(new_enterprises) as new_enterprises,
    sum(new_enterprises_online) * 1.0 / nullif(sum(new_enterprises), 0) as online_share,
    sum(dissolutions) as dissolutions,
    max(case when period_key = (select max(p.period_key) from province p
                                where substr(p.period_key, 1, 4) = substr(province.period_key, 1, 4)
                                  and p.residents is not null) then residents end) as residents,
    max(case when period_key = (select max(p.period_key) from province p
                                where substr(p.period_key, 1, 4) = substr(province.period_key, 1, 4)
                                  and p.new_enterprises_per_1000_residents is not null and p.is_period_complete)
             then new_enterprises_per_1000_residents end) as last_month_per_1000
from province
group by 1
order by 1
"""
BUSINESS_COLUMNS = [
    ("year", "year", "{}"),
    ("new_enterprises", "new\nenterprises", "{:,.0f}"),
    ("online_share", "online", "{:.1%}"),
    ("dissolutions", "dissolved", "{:,.0f}"),
    ("residents", "residents\n(last month)", "{:,.0f}"),
    ("last_month_per_1000", "new per 1,000\n(last full month)", "{:.3f}"),
]


BUDGET_SQL = """
select
    t.fiscal_year as year,
    count(*) as required,
    sum(case when t.is_on_time then 1 else 0 end) as on_time,
    sum(case when t.disclosure_status = 'late' then 1 else 0 end) as late,
    sum(case when t.disclosure_status = 'missing_overdue' then 1 else 0 end) as missing,
    sum(case when t.is_file_available = false then 1 else 0 end) as unreadable,
    (select max(a.self_financing_share) from marts.mart_public_unit_autonomy a where a.fiscal_year = t.fiscal_year)
        as self_financing_share,
    (select max(a.target_share) from marts.mart_public_unit_autonomy a where a.fiscal_year = t.fiscal_year)
        as target_share
from marts.mart_budget_disclosure_timeliness t
group by t.fiscal_year
order by t.fiscal_year
"""

BUDGET_COLUMNS = [
    ("year", "year", "{}"),
    ("required", "disclosures\ndue", "{}"),
    ("on_time", "on time", "{}"),
    ("late", "late", "{}"),
    ("missing", "missing", "{}"),
    ("unreadable", "file\nunreadable", "{}"),
    ("self_financing_share", "units self-\nfinancing", "{:.1%}"),
    ("target_share", "T09\ntarget", "{:.0%}"),
]


def _rows(settings: Settings, sql: str) -> list[dict]:
    from orchestration.duckdb_session import duckdb_config
    from orchestration.postgres import connect
    from reporting.warehouse import open_warehouse

    with open_warehouse(
        settings.warehouse_target, settings.warehouse_location, connect, duckdb_config(settings)
    ) as warehouse:
        return warehouse.rows(sql)


def headline_rows(settings: Settings) -> list[dict]:
    return _rows(settings, HEADLINE_SQL)


def optional_rows(settings: Settings, sql: str) -> list[dict]:
    """Rows of marts that may not have been built (e.g. after a rejected snapshot): none then."""
    try:
        return _rows(settings, sql)
    except Exception as exc:  # the engine's "no such table": duckdb.CatalogException, psycopg2 UndefinedTable
        if type(exc).__name__ in ("CatalogException", "UndefinedTable"):
            return []
        raise


def format_table(rows: list[dict], columns: list[tuple[str, str, str]] = COLUMNS) -> str:
    """A right-aligned text table; a label's "\n" splits it over the header's lines (narrow columns: one screen)."""
    labels = [label.split("\n") for _, label, _ in columns]
    depth = max(len(parts) for parts in labels)
    header = [[""] * (depth - len(parts)) + parts for parts in labels]  # a one-line label on the header's last line
    cells = [[parts[line] for parts in header] for line in range(depth)]
    for row in rows:
        cells.append([NO_DATA if row[key] is None else fmt.format(row[key]) for key, _, fmt in columns])
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    return "\n".join("  ".join(c.rjust(w) for c, w in zip(r, widths)).rstrip() for r in cells)


def print_headlines(
    settings: Settings, reports: list[str] | tuple[str, ...] = (), log_path=None, business: bool = True
) -> int:
    """The closing tables, then where everything is: the warehouse, the analysts' snapshot, the report files
    (HTML, and the PDF where the report step wrote one), the run's log file. `business=False` leaves out the
    business registry's table (`make run` ends with one screen; `python -m orchestration headlines` shows it)."""
    if settings.warehouse_target != "postgres" and not settings.warehouse_location.exists():
        print(f"No warehouse at {settings.warehouse_location}: run `make run` first.")
        return 1
    rows = headline_rows(settings)
    print(
        "\nOne-stop-shop per year (late: 766 late rate, target <= 5%; satisfied: > 80%; "
        "T01/T02: over their dated thresholds)"
    )
    print(format_table(rows))
    workforce = optional_rows(settings, WORKFORCE_SQL)
    if workforce:
        print(
            "\nWorkforce at year end (T08: civil servants -5%, budget-paid -10%, 2026 vs 2022; "
            "T07: units -10%, 2025 vs 2021)\n"
            "T08 and T07 after the 2025-07-01 merger: no data (not comparable) until seed province_scope_changes "
            "has Ninh Thuận's baseline counts"
        )
        print(format_table(workforce, WORKFORCE_COLUMNS))
    budget = optional_rows(settings, BUDGET_SQL)
    if budget:
        print("\nBudget disclosures (T13: by the Decree 163/2016 Art. 49 deadline); units self-financing (T09)")
        print(format_table(budget, BUDGET_COLUMNS))
    business = optional_rows(settings, BUSINESS_SQL) if business else []
    if business:
        print("\nBusiness registry, today's province (before July 2025 rebased onto today's units; communes SYNTHETIC)")
        print(format_table(business, BUSINESS_COLUMNS))
    print()
    for label, where in closing_paths(settings, reports, log_path):
        print(f"{label + ':':<10} {where}")
    return 0


def closing_paths(settings: Settings, reports=(), log_path=None) -> list[tuple[str, str]]:
    """(label, path) of what a run leaves: paths to copy (a browser opens a local file pasted in its address bar)."""
    from pathlib import Path

    if settings.warehouse_target == "postgres":
        from orchestration.postgres import connection_params

        server = connection_params()
        paths = [
            (
                "Warehouse",
                f"PostgreSQL {server['host']}:{server['port']}/{server['dbname']}, schema marts "
                f"(analysts: role {settings.pg_analyst_role})",
            )
        ]
    else:
        paths = [
            (
                "Warehouse",
                f"{settings.warehouse_location} (Spark's tables, Parquet)"
                if settings.warehouse_target == "spark"
                else str(settings.warehouse_path),
            ),
            ("Snapshot", f"{settings.snapshot_path} (the marts, read-only, for analysts; dbt docs: docs/index.html)"),
        ]
    for report in reports:  # the PDF beside its HTML, on the same line, where the report step wrote one
        pdf = Path(report).with_suffix(".pdf")
        paths.append(("Report", f"{report}  PDF: {pdf}" if pdf.exists() else str(report)))
    if log_path is not None:
        paths.append(("Log", str(log_path)))
    return paths
