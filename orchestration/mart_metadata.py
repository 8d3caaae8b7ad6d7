"""Row counts and headline values of the marts, attached to their materialisations so the Dagster
UI plots them across runs (asset page, "Plots").

DuckDB lets no other process read the file while dbt writes it, so the mart events of a dbt run
are held back until dbt has finished, then enriched from a read-only connection (on Spark: the
tables' Parquet files, read by DuckDB; reporting/warehouse.py) and released in their original order. Every mart gets `dagster/row_count`; the marts listed in HEADLINES also get
their headline values (floats, so Dagster plots them) for the latest complete quarter or year. A staging
quarantine table (`stg_<source>__*_quarantine`) gets its counts: all, by reason, and from this run's loads
(what the GX gate's check links to: docs/operations.md, "The quarantine count").
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from dagster import AssetCheckResult, AssetMaterialization, MetadataValue, Output

from orchestration.duckdb_session import duckdb_config
from reporting.warehouse import Warehouse, open_warehouse

if TYPE_CHECKING:  # pragma: no cover
    from orchestration.settings import CoreSettings

log = logging.getLogger(__name__)

MARTS_SCHEMA = "marts"
QUARANTINE_SCHEMA = "staging"  # stg_<source>__<table>_quarantine: the rows a row rule rejects, with the reason

_LATEST_COMPLETE = """(select period_key from marts.{mart} where period_type = '{period_type}' and is_period_complete
                       {extra} order by period_start desc limit 1)"""

# mart -> SQL returning one row; each column becomes a metadata entry "<column>".
HEADLINES: dict[str, str] = {
    "mart_province_service_quality": f"""
        select period_key as latest_complete_quarter, late_rate, online_share, full_online_share,
               online_paid_share, satisfaction_rate, apology_coverage, dossiers_received
        from marts.mart_province_service_quality
        where period_type = 'quarter' and period_key = {_LATEST_COMPLETE.format(mart="mart_province_service_quality", period_type="quarter", extra="")}""",
    "mart_agency_service_quality": f"""
        select period_key as latest_complete_year, count(*) as agencies_rated,
               sum(case when cannot_be_ranked_good then 1 else 0 end) as agencies_flagged_t01
        from marts.mart_agency_service_quality
        where period_type = 'year' and period_key = {_LATEST_COMPLETE.format(mart="mart_agency_service_quality", period_type="year", extra="")}
        group by period_key""",
    "mart_official_performance": """
        select cast(year as varchar) as year, count(*) as officials,
               sum(case when cannot_be_rated_good then 1 else 0 end) as officials_flagged_t02
        from marts.mart_official_performance
        where year = (select max(year) from marts.mart_official_performance)
        group by year""",
    "mart_766_index": f"""
        select period_key as latest_complete_quarter, max(total_points) as province_points,
               max(total_computable_max_points) as computable_max_points
        from marts.mart_766_index
        where scope = 'province' and period_type = 'quarter'
          and period_key = {_LATEST_COMPLETE.format(mart="mart_766_index", period_type="quarter", extra="and scope = 'province'")}
        group by period_key""",
    "mart_program_targets": f"""
        select period_key as latest_complete_year,
               sum(case when status = 'met' then 1 else 0 end) as targets_met,
               sum(case when status = 'on track' then 1 else 0 end) as targets_on_track,
               sum(case when status = 'off track' then 1 else 0 end) as targets_off_track,
               sum(case when status = 'no data' then 1 else 0 end) as targets_no_data
        from marts.mart_program_targets
        where period_type = 'year' and period_key = {_LATEST_COMPLETE.format(mart="mart_program_targets", period_type="year", extra="")}
        group by period_key""",
    "mart_external_indices": """
        select count(*) as editions, sum(case when is_in_t12_top then 1 else 0 end) as editions_in_t12_top
        from marts.mart_external_indices""",
}


# The unit of each headline value, in its metadata name ("late_rate (percent)"): rates and shares are shown in
# percent (the marts hold fractions), counts name what they count. The column naming the period becomes
# `period`, e.g. "2025-Q3 (latest complete quarter)".
PERCENT = "percent"
UNITS = {
    "late_rate": PERCENT,
    "online_share": PERCENT,
    "full_online_share": PERCENT,
    "online_paid_share": PERCENT,
    "satisfaction_rate": PERCENT,
    "apology_coverage": PERCENT,
    "dossiers_received": "dossiers",
    "agencies_rated": "agencies",
    "agencies_flagged_t01": "agencies",
    "officials": "officials",
    "officials_flagged_t02": "officials",
    "province_points": "points",
    "computable_max_points": "points",
    "targets_met": "targets",
    "targets_on_track": "targets",
    "targets_off_track": "targets",
    "targets_no_data": "targets",
    "editions": "editions",
    "editions_in_t12_top": "editions",
}
PERIOD_COLUMNS = {"latest_complete_quarter", "latest_complete_year", "year"}
ALL_PERIODS = {"mart_external_indices": "every published edition"}


def headline_entries(mart: str, row: dict) -> dict:
    """A mart's headline row as metadata: each value named with its unit, and the period it describes."""
    metadata: dict = {"period": MetadataValue.text(ALL_PERIODS.get(mart, "no complete period yet"))}
    for name, value in row.items():
        if name in PERIOD_COLUMNS:
            label = "latest year" if name == "year" else name.replace("_", " ")
            metadata["period"] = MetadataValue.text(f"{value} ({label})")
        elif UNITS.get(name) == PERCENT:
            metadata[f"{name} (percent)"] = _metadata_value(None if value is None else round(float(value) * 100, 2))
        else:
            metadata[f"{name} ({UNITS.get(name, 'count')})"] = _metadata_value(value)
    return metadata


def _metadata_value(value):
    if value is None:
        return MetadataValue.text("no data")
    if isinstance(value, bool):
        return MetadataValue.bool(value)
    if isinstance(value, int):
        return MetadataValue.int(value)
    if isinstance(value, (float,)) or hasattr(value, "as_integer_ratio"):
        return MetadataValue.float(float(value))
    return MetadataValue.text(str(value))


def mart_metadata(warehouse: Warehouse, mart: str) -> dict:
    """`dagster/row_count` and the mart's headline values, read from the open (read-only) warehouse."""
    metadata: dict = {}
    (count,) = warehouse.rows(f'select count(*) as row_count from {MARTS_SCHEMA}."{mart}"')
    metadata["dagster/row_count"] = MetadataValue.int(count["row_count"])
    if mart in HEADLINES:
        for row in warehouse.rows(HEADLINES[mart])[:1]:
            metadata.update(headline_entries(mart, row))
    return metadata


def quarantine_metadata(warehouse: Warehouse, model: str, load_ids: list[str]) -> dict:
    """A staging quarantine table's counts: all its rows, by reason, and those from the loads of this run."""
    wanted = ", ".join("?" for _ in load_ids) or "null"
    by_reason = [
        (row["quarantine_reason"], row["all_rows"], row["this_run"])
        for row in warehouse.rows(
            f"""select quarantine_reason, count(*) as all_rows,
                       count(*) filter (where load_id in ({wanted})) as this_run
                from {QUARANTINE_SCHEMA}."{model}" group by 1 order by 1""",
            *load_ids,
        )
    ]
    return {
        "dagster/row_count": MetadataValue.int(sum(n for _, n, _ in by_reason)),
        "quarantined_from_this_run (rows)": MetadataValue.int(sum(n for _, _, n in by_reason)),
        "quarantined_by_reason": MetadataValue.json({reason: n for reason, n, _ in by_reason}),
        "loads_of_this_run": MetadataValue.json(list(load_ids)),
    }


def _enriched(event) -> tuple[str, str] | None:
    """(schema, table) of an event this module adds metadata to or holds with them: a mart, a staging quarantine."""
    if isinstance(event, Output):  # the output of ["staging", "stg_a__b"] is named "staging__stg_a__b"
        parts = event.output_name.split("__", 1)
    elif isinstance(event, (AssetMaterialization, AssetCheckResult)) and event.asset_key is not None:
        parts = event.asset_key.path
    else:
        return None
    if len(parts) != 2:
        return None
    if parts[0] == MARTS_SCHEMA or (parts[0] == QUARANTINE_SCHEMA and parts[1].endswith("_quarantine")):
        return parts[0], parts[1]
    return None


def with_mart_metadata(
    events: Iterable, target: str, location: Path, settings: CoreSettings | None = None, load_ids: list[str] = ()
) -> Iterator:
    """Pass dbt's events through; from the first mart materialisation on, hold them until dbt ends, then add
    each mart's metadata, read from the warehouse of `target` at `location` (DuckDB's file, Spark's tables
    folder: reporting/warehouse.py). A staging quarantine table's events (its materialisation and its tests)
    are held too, and its materialisation gets its counts (`quarantine_metadata`, this run's loads:
    `load_ids`). A table that cannot be read keeps dbt's own metadata (logged)."""
    held: list = []
    holding_all = False
    try:
        for event in events:
            table = _enriched(event)
            holding_all = holding_all or (table is not None and table[0] == MARTS_SCHEMA)
            if holding_all or table:
                held.append(event)
            else:
                yield event
    except Exception:
        yield from held  # dbt failed later on: the marts it did build are still reported
        raise
    if not held:
        return
    with ExitStack() as opened:
        try:
            warehouse = opened.enter_context(open_warehouse(target, location, duckdb_config=duckdb_config(settings)))
        except Exception as exc:  # noqa: BLE001 - metadata must never fail a good build
            log.warning("no metadata: the warehouse %s cannot be read: %s", location, exc)
            warehouse = None
        for event in held:
            table = _enriched(event)
            if table and warehouse is not None and not isinstance(event, AssetCheckResult):
                schema, name = table
                try:
                    extra = (
                        mart_metadata(warehouse, name)
                        if schema == MARTS_SCHEMA
                        else quarantine_metadata(warehouse, name, list(load_ids))
                    )
                    event = event.with_metadata({**(event.metadata or {}), **extra})
                except Exception as exc:  # noqa: BLE001 - metadata must never fail a good build
                    log.warning("no metadata for %s: %s", name, exc)
            yield event
