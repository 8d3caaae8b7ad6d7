"""`dbt build` on hand-made registries across the 2025 reorganisation (tests/admin_units_case.py).

Residents (one cell per unit and month): June 2025 A 1000, B 2000, C 500; July 2025 X 3300, Y 200.
New enterprises: June A 2 (1 online), B 1 (online), C 5 (paper); July X 4 (3 online), Y 1 (online).
One enterprise of C is dissolved on 2025-06-10.

On the units of the month (mart_business_environment):
  A June: 2 new, per 1,000 = 2 x 1000 / 1000 = 2.0, online 1/2 = 0.5
  D June: 2+1+5 = 8 new, residents 3500, per 1,000 = 8000 / 3500 = 2.285714, online 2/8 = 0.25
  D July: no figure (district level abolished), null, never 0
  P (new) July: 5 new / 3500 residents = 1.428571;  X July: 4000 / 3300 = 1.212121;  Y July: 1000 / 200 = 5.0
On today's units (mart_business_environment_current_units), June rebased with the weights:
  X June: new 2 + 1 + 0.6 x 5 = 6, residents 1000 + 2000 + 0.6 x 500 = 3300, per 1,000 = 6000 / 3300 = 1.818182,
          online (1 + 1 + 0.6 x 0) / 6 = 0.333333, dissolutions 0.6 x 1 = 0.6
  Y June: new 0.4 x 5 = 2, residents 0.4 x 500 = 200, per 1,000 = 10.0, dissolutions 0.4
  P (new) June: 8 new / 3500 = 2.285714
"""
from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.admin_units_case import write_units
from tests.dbt_fixtures.landing_builder import (write_cadre_landing, write_landing, write_ranking_landing,
                                                write_registry_sources)

REPO = Path(__file__).resolve().parents[1]
DBT = Path(sys.executable).with_name("dbt")


def _cell(unit, month, residents):
    return {"MaDonVi": unit, "ThangBaoCao": month, "GioiTinh": 1, "NhomTuoi": "0-14", "SoNguoi": residents,
            "NgayCapNhat": f"{month}-28T06:00:00"}


def _enterprise(n, unit, day, online=True, dissolved_on=None):
    record = {"MaSoDoanhNghiep": f"42{n:08d}", "TenDoanhNghiep": f"Công ty {n}", "LoaiHinhDoanhNghiep": "tnhh_1tv",
              "NganhNgheChinh": "4711", "NgayDangKy": day, "KenhDangKy": "truc_tuyen" if online else "giay",
              "MaXaDangKy": unit, "MaXaTruSo": unit, "TinhTrang": "dang_hoat_dong",
              "NgayCapNhat": f"{day}T10:00:00", "LichSuTrangThai": []}
    if dissolved_on:
        record.update(TinhTrang="da_giai_the", NgayCapNhat=f"{dissolved_on}T10:00:00",
                      LichSuTrangThai=[{"TinhTrang": "da_giai_the", "NgayHieuLuc": dissolved_on, "MaXaTruSo": unit}])
    return record


ENTERPRISES = [
    _enterprise(1, "A", "2025-06-02", online=True), _enterprise(2, "A", "2025-06-03", online=False),
    _enterprise(3, "B", "2025-06-04", online=True),
    *[_enterprise(10 + i, "C", "2025-06-05", online=False, dissolved_on="2025-06-10" if i == 0 else None)
      for i in range(5)],
    *[_enterprise(20 + i, "X", "2025-07-07", online=i < 3) for i in range(4)],
    _enterprise(30, "Y", "2025-07-08", online=True),
]
RESIDENTS = [_cell("A", "2025-06", 1000), _cell("B", "2025-06", 2000), _cell("C", "2025-06", 500),
             _cell("X", "2025-07", 3300), _cell("Y", "2025-07", 200)]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("registries")
    landing = tmp / "landing"
    write_registry_sources(landing, units_dir=write_units(tmp / "units"), residents=RESIDENTS,
                           enterprises=ENTERPRISES)
    write_landing(landing, [])  # the one-stop-shop lands nothing
    write_cadre_landing(landing)  # nor the cadre system and the ranking: every dbt source needs its files
    write_ranking_landing(landing)
    env = {"PAR_LANDING_DIR": str(landing), "PAR_WAREHOUSE_PATH": str(tmp / "w.duckdb"), "DO_NOT_TRACK": "1",
           "PATH": str(DBT.parent)}
    subprocess.run([str(DBT), "build", "--quiet", "--vars", '{"reporting_as_of": "2025-12-31"}',
                    "--select", "+tag:registries resource_type:seed", "--indirect-selection", "buildable",
                    "--target-path", str(tmp / "dbt_target")],
                   cwd=REPO / "dbt_project", env=env, check=True)
    con = duckdb.connect(str(tmp / "w.duckdb"), read_only=True)
    yield con
    con.close()


def native(con, unit_key, period):
    return con.execute(
        "select new_enterprises, residents, new_enterprises_per_1000_residents, online_registration_share, "
        "dissolutions, not_in_force_reason from marts.mart_business_environment where unit_key = ? and period_key = ?",
        [unit_key, period]).fetchone()


def current(con, unit_key, period):
    return con.execute(
        "select new_enterprises, residents, new_enterprises_per_1000_residents, online_registration_share, "
        "dissolutions, is_rebased from marts.mart_business_environment_current_units "
        "where unit_key = ? and period_key = ?", [unit_key, period]).fetchone()


def test_the_dimension_keeps_both_versions_of_a_reused_code(warehouse):
    rows = warehouse.execute("select unit_key, valid_to, district_unit_key, province_unit_key, is_current "
                             "from marts.dim_admin_unit where unit_code in ('P', 'C') order by unit_key").fetchall()
    assert [r[0] for r in rows] == ["C@2022-01-01", "P@2022-01-01", "P@2025-07-01"]
    assert rows[0][2:] == ("D@2022-01-01", "P@2022-01-01", False)
    assert rows[2][4] is True


def test_merge_and_split_weights(warehouse):
    weights = dict(((f, t), w) for f, t, w in warehouse.execute(
        "select unit_key, current_unit_key, weight from intermediate.int_admin_unit_rebase_weights").fetchall())
    assert weights[("A@2022-01-01", "X@2025-07-01")] == Decimal("1")        # merge
    assert weights[("C@2022-01-01", "X@2025-07-01")] == Decimal("0.6")      # split
    assert weights[("C@2022-01-01", "Y@2025-07-01")] == Decimal("0.4")
    assert weights[("X@2025-07-01", "X@2025-07-01")] == Decimal("1")        # a current unit is itself
    assert not [k for k in weights if k[0] == "D@2022-01-01"]               # the district level is abolished


def test_rates_on_the_units_of_the_month(warehouse):
    assert native(warehouse, "A@2022-01-01", "2025-06")[:4] == (2, 1000, Decimal("2.000000"), Decimal("0.500000"))
    assert native(warehouse, "D@2022-01-01", "2025-06")[:5] == (8, 3500, Decimal("2.285714"), Decimal("0.250000"), 1)
    assert native(warehouse, "P@2025-07-01", "2025-07")[:3] == (5, 3500, Decimal("1.428571"))
    assert native(warehouse, "X@2025-07-01", "2025-07")[2] == Decimal("1.212121")
    assert native(warehouse, "Y@2025-07-01", "2025-07")[2] == Decimal("5.000000")


def test_a_district_after_the_reform_is_null_with_a_reason_never_zero(warehouse):
    row = native(warehouse, "D@2022-01-01", "2025-07")
    assert row[:5] == (None, None, None, None, None)
    assert "district level abolished" in row[5]
    assert native(warehouse, "X@2025-07-01", "2025-06")[5].startswith("unit not yet in force")


def test_per_capita_rate_across_the_reorganisation_on_todays_units(warehouse):
    x = current(warehouse, "X@2025-07-01", "2025-06")
    assert x == (Decimal(6), Decimal(3300), Decimal("1.818182"), Decimal("0.333333"), Decimal("0.6"), True)
    y = current(warehouse, "Y@2025-07-01", "2025-06")
    assert y[:3] == (Decimal(2), Decimal(200), Decimal("10.000000")) and y[4] == Decimal("0.4")
    assert current(warehouse, "P@2025-07-01", "2025-06")[2] == Decimal("2.285714")
    assert current(warehouse, "X@2025-07-01", "2025-07")[2:] == (Decimal("1.212121"), Decimal("0.750000"), 0, False)
    # the series is unbroken: every month from 2022-01 to 2025-12 for each current unit
    months = warehouse.execute("select count(distinct period_key), min(period_key), max(period_key) from "
                               "marts.mart_business_environment_current_units where unit_key = 'X@2025-07-01'").fetchone()
    assert months == (48, "2022-01", "2025-12")


def test_residents_carry_forward_at_most_two_months(warehouse):
    rows = warehouse.execute("select period_key, residents, residents_month from marts.mart_business_environment "
                             "where unit_key = 'X@2025-07-01' and period_key between '2025-07' and '2025-10' "
                             "order by period_key").fetchall()
    assert [(p, r, str(m) if m else None) for p, r, m in rows] == [
        ("2025-07", 3300, "2025-07-01"), ("2025-08", 3300, "2025-07-01"), ("2025-09", 3300, "2025-07-01"),
        ("2025-10", None, None)]
