"""Each landed load's range of source update times, recorded with its GX verdict.

A version table reads, on a nightly build, only the accepted loads whose range of update times meets the
build's window (dbt_project/macros/accepted_loads.sql `accepted_load_ids`, `load_meets_window`). The range
is taken from the whole load as landed (a resumed pull included), by the gate, with the very parse of dbt's
DuckDB models (macro parse_source_timestamp): a value it cannot parse has no version, belongs to every
window, and makes the load read by every build. The bounds are local times, as the window's days are,
and the source's own clock: a source whose clock runs ahead lands rows of the next day's window.
"""

from __future__ import annotations

from connectors.landing import LandingZone

PARSED_UPDATE = "case when length(trim({field})) = 14 then try_strptime(trim({field}), '%Y%m%d%H%M%S') end"
NOT_READABLE = {"updated_at_min": None, "updated_at_max": None, "rows_without_updated_at": None}


def update_time_range(
    landing: LandingZone, source: str, datasets: tuple[str, ...], load_id: str, field: str
) -> dict[str, object]:
    """{updated_at_min, updated_at_max, rows_without_updated_at} of the load's rows of every dataset: the
    bounds are None when no row has an update time, all three when the field cannot be read."""
    import duckdb

    from orchestration.duckdb_session import connect

    files = [str(f) for dataset in datasets for f in landing.load_files(source, dataset, load_id)]
    if not files:
        return {"updated_at_min": None, "updated_at_max": None, "rows_without_updated_at": 0}
    parsed = PARSED_UPDATE.format(field=f'"{field}"')
    with connect() as con:
        try:
            low, high, without = con.execute(
                f"""select min(updated_at), max(updated_at), count(*) filter (where updated_at is null)
                    from (select {parsed} as updated_at from read_parquet(?, union_by_name = true))""",
                [files],
            ).fetchone()
        except duckdb.BinderException:  # a load without the field at all: read by every build
            return dict(NOT_READABLE)
    return {"updated_at_min": low, "updated_at_max": high, "rows_without_updated_at": without}
