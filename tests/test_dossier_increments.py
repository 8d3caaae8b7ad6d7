"""The one-stop-shop's latest-version tables are incremental by dossier (dbt_project/macros/
dossier_increments.sql): a nightly build recomputes only the dossiers its window touched. A dossier
updated later, a new dossier, and a load re-judged as rejected after it was read must come out exactly
as a full rebuild gives them, while an untouched dossier keeps its rows.

Cost: four small dbt invocations (seeds and the one-stop-shop staging models only, no tests), about
30 s on a quiet machine."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.dbt_fixtures.landing_builder import write_landing, write_verdict
from tests.test_dbt_build import P10, _dossier, _step

DBT_PROJECT = Path(__file__).resolve().parents[1] / "dbt_project"
DBT = Path(sys.executable).with_name("dbt")
J = "000.00.02.H34"
D1, D2, D4 = f"{J}-250303-0001", f"{J}-250303-0002", f"{J}-250320-0004"
INCREMENTAL_TABLES = ("stg_one_stop_shop__dossiers_validated", "stg_one_stop_shop__status_events",
                      "stg_one_stop_shop__supplements", "stg_one_stop_shop__fees")
T0 = dt.datetime(2025, 3, 11, 1, 0, tzinfo=dt.timezone.utc)


def build(tmp: Path, *, window: tuple[str, str] | None = None, full_refresh: bool = False) -> None:
    """Seeds and the one-stop-shop staging models, as the nightly step builds them."""
    env = {**os.environ, "DO_NOT_TRACK": "1", "PAR_LANDING_DIR": str(tmp / "landing"),
           "PAR_WAREHOUSE_PATH": str(tmp / "warehouse.duckdb")}
    for name in ("PAR_WINDOW_START", "PAR_WINDOW_END"):
        env.pop(name, None)
    if window:
        env["PAR_WINDOW_START"], env["PAR_WINDOW_END"] = window
    command = [str(DBT), "build", "--resource-type", "seed", "model", "--select", "procedures", "dossier_statuses",
               "path:models/staging/one_stop_shop", "--project-dir", str(DBT_PROJECT), "--profiles-dir",
               str(DBT_PROJECT), "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs"),
               "--vars", json.dumps({"reporting_as_of": "2025-03-31"})]
    done = subprocess.run(command + (["--full-refresh"] if full_refresh else []), cwd=DBT_PROJECT, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]


def staging(tmp: Path) -> dict[str, list[tuple]]:
    """Every one-stop-shop staging relation, rows sorted."""
    with duckdb.connect(str(tmp / "warehouse.duckdb"), read_only=True) as con:
        names = [n for (n,) in con.execute("select table_name from information_schema.tables where "
                                           "table_schema = 'staging' and table_name like 'stg_one_stop_shop__%'"
                                           ).fetchall()]
        return {f"staging.{n}": con.execute(f"select * from staging.{n} order by all").fetchall() for n in names}


def query(tmp: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(tmp / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def steps_of(tmp: Path, code: str) -> list[tuple]:
    return query(tmp, "select step_number, status_code, load_id from staging.stg_one_stop_shop__status_events "
                      f"where dossier_code = '{code}' order by step_number")


@pytest.fixture(scope="module")
def landed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dossier_increments")
    landing = tmp / "landing"
    # Load A (accepted, 10 March): D1 pending with a supplement request, D2 finished with a fee, and a
    # dossier without a code (quarantined: invalid_dossier_code).
    write_landing(landing, [
        _dossier(D1, "20250303080000", "20250317170000", status=4, version="20250310000000",
                 QuaTrinhXuLy=[_step(1, "OFF_A", 4, "20250303090000")],
                 BoSung=[{"LanBoSung": 1, "NgayYeuCau": "20250305090000"}]),
        _dossier(D2, "20250303090000", "20250314170000", status=9, version="20250310000000",
                 NgayKetThucXuLy="20250310160000",
                 QuaTrinhXuLy=[_step(1, "OFF_B", 9, "20250310160000")],
                 LePhi=[{"MaPhiLePhi": "LP1", "TenPhiLePhi": "Lệ phí", "Gia": 200000}]),
        _dossier(None, "20250303100000", "20250314170000", status=4, version="20250310000000"),
    ], load_id="load-a", load_date="2025-03-11", loaded_at=T0)
    build(tmp, full_refresh=True)
    return tmp


def test_a_later_version_and_a_new_dossier_replace_only_their_dossiers(landed):
    tmp = landed
    before = staging(tmp)
    # Load B (accepted, 21 March): D1 updated on 20 March (finished, two steps, no fee), D4 new.
    write_landing(tmp / "landing", [
        _dossier(D1, "20250303080000", "20250317170000", status=9, version="20250320120000",
                 NgayKetThucXuLy="20250320110000",
                 QuaTrinhXuLy=[_step(1, "OFF_A", 4, "20250303090000"), _step(2, "OFF_A", 9, "20250320110000")]),
        _dossier(D4, "20250320080000", "20250403170000", status=4, version="20250320130000", procedure=P10,
                 QuaTrinhXuLy=[_step(1, "OFF_C", 4, "20250320090000")]),
    ], load_id="load-b", load_date="2025-03-21", loaded_at=T0 + dt.timedelta(days=10))
    build(tmp, window=("2025-03-20", "2025-03-21"))

    assert steps_of(tmp, D1) == [(1, 4, "load-b"), (2, 9, "load-b")], "D1's latest version, from load B"
    assert steps_of(tmp, D4) == [(1, 4, "load-b")]
    assert steps_of(tmp, D2) == [(1, 9, "load-a")], "D2 untouched"
    # D1's new version has no supplement list: its latest version present in supplements stays load A's
    assert query(tmp, "select dossier_code, supplement_round, load_id from staging.stg_one_stop_shop__supplements"
                 ) == [(D1, 1, "load-a")]
    validated = dict(query(tmp, "select dossier_code, status_code from staging.stg_one_stop_shop__dossiers_validated"))
    assert validated == {D1: 9, D2: 9, D4: 4, None: 4}
    # D2's rows are the very rows of the first build (same values, same load)
    for table in INCREMENTAL_TABLES:
        name = f"staging.{table}"
        assert [r for r in staging(tmp)[name] if D2 in r] == [r for r in before[name] if D2 in r]


def test_a_load_rejected_after_it_was_read_is_taken_back_as_a_full_rebuild_would(landed):
    tmp = landed
    # Load B re-checked and rejected on 25 March; that night's window holds no new version.
    write_verdict(tmp / "landing", "load-b", "rejected", load_date="2025-03-25",
                  checked_at=T0 + dt.timedelta(days=14))
    build(tmp, window=("2025-03-25", "2025-03-26"))

    assert steps_of(tmp, D1) == [(1, 4, "load-a")], "D1 falls back to its version of load A"
    assert steps_of(tmp, D4) == [], "D4 came only in load B"
    assert dict(query(tmp, "select dossier_code, status_code from staging.stg_one_stop_shop__dossiers_validated")
                ) == {D1: 4, D2: 9, None: 4}
    incremental = staging(tmp)
    build(tmp, full_refresh=True)
    assert staging(tmp) == incremental, "an incremental build gives what a full rebuild gives"


def test_a_dossier_without_a_version_keeps_the_rows_of_its_latest_load(tmp_path):
    """latest_child_rows takes the highest version of a dossier by a group by, which relies on each
    version coming from one load; a missing NgayCapNhat is one version too, the oldest (macro
    version_key). D1 has no version in loads A and B: B's steps only (A's two steps are gone, B has
    one). D2 has a version in A and none in B: A's versioned steps win ("no version" sorts last).
    Cost: two small dbt invocations, about 15 s."""
    landing = tmp_path / "landing"
    write_landing(landing, [
        _dossier(D1, "20250303080000", "20250317170000", status=4, version=None,
                 QuaTrinhXuLy=[_step(1, "OFF_A", 4, "20250303090000"), _step(2, "OFF_A", 4, "20250304090000")]),
        _dossier(D2, "20250303090000", "20250314170000", status=4, version="20250310000000",
                 QuaTrinhXuLy=[_step(1, "OFF_B", 4, "20250303100000")]),
    ], load_id="load-a", load_date="2025-03-11", loaded_at=T0)
    write_landing(landing, [
        _dossier(D1, "20250303080000", "20250317170000", status=4, version=None,
                 QuaTrinhXuLy=[_step(1, "OFF_C", 9, "20250312090000")]),
        _dossier(D2, "20250303090000", "20250314170000", status=9, version=None,
                 QuaTrinhXuLy=[_step(1, "OFF_B", 9, "20250312100000")]),
    ], load_id="load-b", load_date="2025-03-12", loaded_at=T0 + dt.timedelta(days=1))
    build(tmp_path, full_refresh=True)

    assert steps_of(tmp_path, D1) == [(1, 9, "load-b")]
    assert steps_of(tmp_path, D2) == [(1, 4, "load-a")]
    # the version table keeps D1's unversioned steps from one load only: its latest
    assert query(tmp_path, "select load_id, count(*) from staging.stg_one_stop_shop__process_step_versions "
                           f"where dossier_code = '{D1}' group by 1") == [("load-b", 1)]
    full = staging(tmp_path)
    build(tmp_path, window=("2025-03-12", "2025-03-13"))
    assert staging(tmp_path) == full, "a nightly build refreshes the unversioned rows to the same tables"
