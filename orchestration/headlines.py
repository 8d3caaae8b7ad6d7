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


def headline_rows(settings: Settings) -> list[dict]:
    if settings.warehouse_target == "postgres":
        from orchestration.postgres import connect

        with connect() as con, con.cursor() as cursor:
            cursor.execute(HEADLINE_SQL)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]
    import duckdb

    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        cursor = con.execute(HEADLINE_SQL)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def format_table(rows: list[dict]) -> str:
    cells = [[label for _, label, _ in COLUMNS]]
    for row in rows:
        cells.append(["n/a" if row[key] is None else fmt.format(row[key]) for key, _, fmt in COLUMNS])
    widths = [max(len(r[i]) for r in cells) for i in range(len(COLUMNS))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def print_headlines(settings: Settings) -> int:
    if settings.warehouse_target == "duckdb" and not settings.warehouse_path.exists():
        print(f"No warehouse at {settings.warehouse_path}: run `make run` first.")
        return 1
    rows = headline_rows(settings)
    print("\nKhánh Hòa one-stop-shop service quality, whole province, per year")
    print("(late = 766 late rate, target <= 5%; satisfied = votes satisfied, target > 80%; "
          "T01/T02 = agencies/officials over their dated thresholds)\n")
    print(format_table(rows))
    if settings.warehouse_target == "postgres":
        from orchestration.postgres import connection_params

        server = connection_params()
        print(f"\nWarehouse: PostgreSQL {server['host']}:{server['port']}/{server['dbname']}, schema marts "
              f"(analysts: role {settings.pg_analyst_role}); dbt docs in {settings.snapshot_path.parent / 'docs'}")
        return 0
    print(f"""
Warehouse: {settings.warehouse_path}
Analysts:  {settings.snapshot_path} (read-only copy, published by each successful run; dbt docs in {settings.snapshot_path.parent / 'docs' / 'index.html'})
Open it:   .venv/bin/python -c "import duckdb; duckdb.connect('{settings.snapshot_path}', read_only=True).sql('select * from marts.mart_agency_service_quality limit 10').show()"
   or any DuckDB client, read-only: schemas reference, staging, intermediate, marts, audit (README: Querying the warehouse).
Dagster:   `make ui`, then http://127.0.0.1:3000 shows this run, the assets and the GX check results.""")
    return 0
