"""The short table `make run` ends with: the province's headline indicators per year."""
from __future__ import annotations

from orchestration.settings import Settings

HEADLINE_SQL = """
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
    (select count(*) from marts.mart_agency_service_quality a
      where a.period_type = 'year' and a.period_key = p.period_key and a.cannot_be_ranked_good) as agencies_flagged_t01,
    (select count(*) from marts.mart_official_performance o
      where cast(o.year as varchar) = p.period_key and o.cannot_be_rated_good) as officials_flagged_t02
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
    ("full_online_share", "full-online", "{:.1%}"),
    ("online_paid_share", "paid online", "{:.1%}"),
    ("satisfaction_rate", "satisfied", "{:.1%}"),
    ("apology_coverage", "apologised", "{:.1%}"),
    ("agencies_flagged_t01", "agencies T01", "{}"),
    ("officials_flagged_t02", "officials T02", "{}"),
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
    ("required", "disclosures due", "{}"),
    ("on_time", "on time", "{}"),
    ("late", "late", "{}"),
    ("missing", "missing", "{}"),
    ("unreadable", "file unreadable", "{}"),
    ("self_financing_share", "units self-financing", "{:.1%}"),
    ("target_share", "T09 target", "{:.0%}"),
]


def headline_rows(settings: Settings, sql: str = HEADLINE_SQL) -> list[dict]:
    import duckdb

    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def format_table(rows: list[dict], columns: list[tuple[str, str, str]] = COLUMNS) -> str:
    cells = [[label for _, label, _ in columns]]
    for row in rows:
        cells.append(["n/a" if row[key] is None else fmt.format(row[key]) for key, _, fmt in columns])
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def print_headlines(settings: Settings) -> int:
    if not settings.warehouse_path.exists():
        print(f"No warehouse at {settings.warehouse_path}: run `make run` first.")
        return 1
    rows = headline_rows(settings)
    print("\nKhánh Hòa one-stop-shop service quality, whole province, per year")
    print("(late = 766 late rate, target <= 5%; satisfied = votes satisfied, target > 80%; "
          "T01/T02 = agencies/officials over their dated thresholds)\n")
    print(format_table(rows))
    print("\nBudget disclosures (T13: published by the Decree 163/2016 Art. 49 deadline) and public service units "
          "self-financing recurrent spending (T09)\n")
    print(format_table(headline_rows(settings, BUDGET_SQL), BUDGET_COLUMNS))
    print(f"""
Warehouse: {settings.warehouse_path}
Open it:   .venv/bin/python -c "import duckdb; duckdb.connect('{settings.warehouse_path}', read_only=True).sql('select * from marts.mart_agency_service_quality limit 10').show()"
   or any DuckDB client (read-only while no run writes): schemas reference, staging, intermediate, marts, audit.
Dagster:   `make ui`, then http://127.0.0.1:3000 shows this run, the assets and the GX check results.""")
    return 0
