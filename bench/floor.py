"""The floor: bench/floor.sql over a landing zone, and its comparison with the dbt marts.

`python -m bench.floor --landing DIR --db FILE --as-of YYYY-MM-DD` runs the script (what the bench
times, in a process of its own so its peak memory is its own); `compare(floor_db, warehouse)` checks
that the floor and the marts hold the same rows, value for value, and names what differs.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import yaml

from orchestration.duckdb_session import connect
from orchestration.settings import DBT_PROJECT_DIR, load_settings

FLOOR_SQL = Path(__file__).with_name("floor.sql")
# floor table -> the dbt mart it must equal
MARTS = {
    "floor_agency_service_quality": "marts.mart_agency_service_quality",
    "floor_province_service_quality": "marts.mart_province_service_quality",
    "floor_official_performance": "marts.mart_official_performance",
}
# floor table -> the dbt model it must equal on the columns the floor derives (an input of every mart)
INPUTS = {"floor_procedures": "intermediate.int_procedures"}


class FloorMismatchError(AssertionError):
    """The floor and the dbt marts disagree: one of them computes a rule differently."""


def dbt_vars() -> dict:
    return yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())["vars"]


def as_of_moment(as_of: str) -> str:
    """The reporting moment: a day means its last second (dbt's var reporting_as_of)."""
    return f"{as_of} 23:59:59" if len(as_of) == 10 else as_of


# The landed cadre persons (the register that resolves officials), or an empty table of their columns.
_NO_CADRE_PERSONS = (
    "(select * from (values (null::varchar, null::varchar, null::varchar, null::varchar, null::varchar, "
    "null::date, null::date, null::date, null::varchar, null::timestamptz, null::integer)) "
    "as empty(MaCanBo, HoTen, SoCCCD, TaiKhoanMotCua, PhanLoai, NgayBatDau, NgayKetThuc, "
    "NgayChotDuLieu, _load_id, _loaded_at, _page) where false)"
)


def cadre_persons(landing: Path) -> str:
    if not any(Path(landing).glob("cadre/persons/*/*.parquet")):
        return _NO_CADRE_PERSONS
    return f"read_parquet('{landing}/cadre/persons/*/*.parquet', hive_partitioning = true, union_by_name = true)"


def script(landing: Path, as_of: str) -> str:
    v = dbt_vars()
    values = {
        "landing": str(landing),
        "cadre_persons": cadre_persons(landing),
        "seeds": str(DBT_PROJECT_DIR / "seeds"),
        "as_of_at": as_of_moment(as_of),
        "calendar_start": v["calendar_start"],
        "calendar_end": v["calendar_end"],
        "reporting_start": v["reporting_start"],
        "derived_due_hour": str(int(v["derived_due_hour"])),
        "dossier_code_pattern": v["dossier_code_pattern"],
        "province_unit_code": v["province_unit_code"],
        "agency_code_province_suffix": v["agency_code_province_suffix"],
    }
    return re.sub(
        r"\{(\w+)\}", lambda m: values[m.group(1)] if m.group(1) in values else m.group(0), FLOOR_SQL.read_text()
    )


def run_floor(landing: Path, db: Path, as_of: str) -> float:
    db.parent.mkdir(parents=True, exist_ok=True)
    db.unlink(missing_ok=True)
    started = time.perf_counter()
    with connect(db, settings=load_settings()) as con:  # the pipeline's memory limit and threads
        con.execute(script(landing, as_of))
    return time.perf_counter() - started


def compare(floor_db: Path, warehouse: Path) -> dict[str, int]:
    """Rows per mart when the floor and the marts agree on every column the floor computes; else
    FloorMismatchError with the first differing rows of each side."""
    rows = {}
    with connect(floor_db, read_only=True) as con:
        con.execute(f"attach '{warehouse}' as warehouse (read_only)")
        problems = []
        for floor_table, mart in {**MARTS, **INPUTS}.items():
            columns = [r[0] for r in con.execute(f"describe {floor_table}").fetchall()]
            mart_columns = {r[0] for r in con.execute(f"describe warehouse.{mart}").fetchall()}
            missing = [c for c in mart_columns if c not in columns]
            if missing and floor_table in MARTS:
                problems.append(f"{mart}: the floor does not compute {missing}")
            shared = ", ".join(c for c in columns if c in mart_columns)
            only_floor = con.execute(
                f"select {shared} from {floor_table} except all select {shared} from warehouse.{mart} limit 5"
            ).fetchall()
            only_mart = con.execute(
                f"select {shared} from warehouse.{mart} except all select {shared} from {floor_table} limit 5"
            ).fetchall()
            count = con.execute(f"select count(*) from warehouse.{mart}").fetchone()[0]
            if only_floor or only_mart:
                problems.append(
                    f"{mart} ({count} rows) differs from the floor on ({shared}):\n"
                    f"  only in the floor: {only_floor}\n  only in the mart:  {only_mart}"
                )
            if floor_table in MARTS:
                rows[mart] = count
        if problems:
            raise FloorMismatchError("\n".join(problems))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.floor", description=__doc__)
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--as-of", required=True, help="the reporting day (YYYY-MM-DD) or moment (YYYY-MM-DD HH:MM:SS)")
    args = parser.parse_args(argv)
    print(f"floor: {run_floor(args.landing, args.db, args.as_of):.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
