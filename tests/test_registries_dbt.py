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

One-stop-shop dossiers by the APPLICANT's unit (MaDonViHanhChinhChuHoSo; var province_unit_code = P),
citizens' population-registry flags in brackets (- = no flag sent):
  June: A 3 citizens [1, 1, 0]; B 1 enterprise and 1 citizen [-]; C 5 citizens [1, 1, 1, 1, 0];
        1 citizen of unknown unit Z [1] (counts for no unit); 1 of A not accepted (status 3: not received).
  Submitted 30/06 20:00 from C, received 01/07 08:00 [1]: C has ended by July, so it counts for C's
        successor with the largest share, X (0.6 > 0.4), in July.
  July: X 2 citizens [1, 0]; Y 1 citizen [1].
On the units of the month (mart_service_per_capita_by_applicant_unit):
  A June: 3 x 1000 / 1000 = 3.0, verified 2/3 = 0.666667;  B June: 2000 / 2000 = 1.0, share null (no flag)
  C June: 5000 / 500 = 10.0, verified 4/5 = 0.8
  D June = P (old) June: 3 + 2 + 5 = 10, 10000 / 3500 = 2.857143, verified (2 + 4) / (3 + 5) = 0.75
  X July: 3 (2 + the late one), 3000 / 3300 = 0.909091, verified 2/3;  Y July: 1000 / 200 = 5.0, 1/1
  P (new) July: 4, 4000 / 3500 = 1.142857, verified 3/4 = 0.75;  D July and C July: null with a reason
On today's units (mart_service_per_capita_current_units), June rebased:
  X June: 3 + 2 + 0.6 x 5 = 8 dossiers, residents 3300, 8000 / 3300 = 2.424242;
          verified (2 + 0 + 0.6 x 4) / (3 + 0 + 0.6 x 5) = 4.4 / 6 = 0.733333
  Y June: 0.4 x 5 = 2, residents 200, 2000 / 200 = 10.0, verified 1.6 / 2 = 0.8
"""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests import hand_case
from tests.admin_units_case import write_units
from tests.dbt_fixtures.landing_builder import (
    write_cadre_landing,
    write_landing,
    write_ranking_landing,
    write_registry_sources,
)

REPO = Path(__file__).resolve().parents[1]
DBT = Path(sys.executable).with_name("dbt")


def _cell(unit, month, residents):
    return {
        "MaDonVi": unit,
        "ThangBaoCao": month,
        "GioiTinh": 1,
        "NhomTuoi": "0-14",
        "SoNguoi": residents,
        "NgayCapNhat": f"{month}-28T06:00:00",
    }


def _enterprise(n, unit, day, online=True, dissolved_on=None):
    record = {
        "MaSoDoanhNghiep": f"42{n:08d}",
        "TenDoanhNghiep": f"Công ty {n}",
        "LoaiHinhDoanhNghiep": "tnhh_1tv",
        "NganhNgheChinh": "4711",
        "NgayDangKy": day,
        "KenhDangKy": "truc_tuyen" if online else "giay",
        "MaXaDangKy": unit,
        "MaXaTruSo": unit,
        "TinhTrang": "dang_hoat_dong",
        "NgayCapNhat": f"{day}T10:00:00",
        "LichSuTrangThai": [],
    }
    if dissolved_on:
        record.update(
            TinhTrang="da_giai_the",
            NgayCapNhat=f"{dissolved_on}T10:00:00",
            LichSuTrangThai=[{"TinhTrang": "da_giai_the", "NgayHieuLuc": dissolved_on, "MaXaTruSo": unit}],
        )
    return record


ENTERPRISES = [
    _enterprise(1, "A", "2025-06-02", online=True),
    _enterprise(2, "A", "2025-06-03", online=False),
    _enterprise(3, "B", "2025-06-04", online=True),
    *[
        _enterprise(10 + i, "C", "2025-06-05", online=False, dissolved_on="2025-06-10" if i == 0 else None)
        for i in range(5)
    ],
    *[_enterprise(20 + i, "X", "2025-07-07", online=i < 3) for i in range(4)],
    _enterprise(30, "Y", "2025-07-08", online=True),
]


def _dossier(n, unit, submitted, flag, received=None, applicant_type=1, status=10):
    received = received or submitted
    code = f"{hand_case.AGENCY_A}-{received[2:4]}{received[5:7]}{received[8:10]}-{n:04d}"
    steps = [(hand_case.CLERK, received, 2 if status != 3 else 3)] + (
        [(hand_case.HUNG, received[:11] + "15:00", 9)] if status != 3 else []
    )
    payload = hand_case.dossier(code, hand_case.AGENCY_A, received, None, steps)
    payload.update(
        NgayNopHoSo=hand_case._d(submitted),
        MaDonViHanhChinhChuHoSo=unit,
        DuocXacThucCSDLDanCu=flag,
        LoaiDoiTuong=applicant_type,
    )
    return payload


DOSSIERS = [
    *[_dossier(1 + i, "A", "2025-06-09 09:00", flag) for i, flag in enumerate((1, 1, 0))],
    _dossier(4, "B", "2025-06-10 09:00", None, applicant_type=2),
    _dossier(5, "B", "2025-06-10 10:00", None),
    *[_dossier(6 + i, "C", "2025-06-11 09:00", flag) for i, flag in enumerate((1, 1, 1, 1, 0))],
    _dossier(11, "Z", "2025-06-12 09:00", 1),
    _dossier(12, "A", "2025-06-12 10:00", 1, status=3),
    _dossier(13, "C", "2025-06-30 20:00", 1, received="2025-07-01 08:00"),
    _dossier(14, "X", "2025-07-07 09:00", 1),
    _dossier(15, "X", "2025-07-07 10:00", 0),
    _dossier(16, "Y", "2025-07-08 09:00", 1),
]
RESIDENTS = [
    _cell("A", "2025-06", 1000),
    _cell("B", "2025-06", 2000),
    _cell("C", "2025-06", 500),
    _cell("X", "2025-07", 3300),
    _cell("Y", "2025-07", 200),
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("registries")
    landing = tmp / "landing"
    write_registry_sources(landing, units_dir=write_units(tmp / "units"), residents=RESIDENTS, enterprises=ENTERPRISES)
    write_landing(landing, DOSSIERS)
    write_cadre_landing(landing)  # nor the cadre system and the ranking: every dbt source needs its files
    write_ranking_landing(landing)
    env = {
        "PAR_LANDING_DIR": str(landing),
        "PAR_WAREHOUSE_PATH": str(tmp / "w.duckdb"),
        "DO_NOT_TRACK": "1",
        "PATH": str(DBT.parent),
    }
    subprocess.run(
        [
            str(DBT),
            "build",
            "--quiet",
            "--vars",
            '{"reporting_as_of": "2025-12-31", "province_unit_code": "P"}',
            "--select",
            "+tag:registries resource_type:seed",
            "--indirect-selection",
            "buildable",
            "--target-path",
            str(tmp / "dbt_target"),
        ],
        cwd=REPO / "dbt_project",
        env=env,
        check=True,
    )
    con = duckdb.connect(str(tmp / "w.duckdb"), read_only=True)
    yield con
    con.close()


def mart_row(con, mart, columns, unit_key, period):
    return con.execute(
        f"select {columns} from marts.{mart} where unit_key = ? and period_key = ?", [unit_key, period]
    ).fetchone()


def native(con, unit_key, period):
    return mart_row(
        con,
        "mart_business_environment",
        "new_enterprises, residents, new_enterprises_per_1000_residents, "
        "online_registration_share, dissolutions, not_in_force_reason",
        unit_key,
        period,
    )


def current(con, unit_key, period):
    return mart_row(
        con,
        "mart_business_environment_current_units",
        "new_enterprises, residents, "
        "new_enterprises_per_1000_residents, online_registration_share, dissolutions, is_rebased",
        unit_key,
        period,
    )


def test_the_dimension_keeps_both_versions_of_a_reused_code(warehouse):
    rows = warehouse.execute(
        "select unit_key, valid_to, district_unit_key, province_unit_key, is_current "
        "from marts.dim_admin_unit where unit_code in ('P', 'C') order by unit_key"
    ).fetchall()
    assert [r[0] for r in rows] == ["C@2022-01-01", "P@2022-01-01", "P@2025-07-01"]
    assert rows[0][2:] == ("D@2022-01-01", "P@2022-01-01", False)
    assert rows[2][4] is True


def test_merge_and_split_weights(warehouse):
    weights = dict(
        ((f, t), w)
        for f, t, w in warehouse.execute(
            "select unit_key, current_unit_key, weight from intermediate.int_admin_unit_rebase_weights"
        ).fetchall()
    )
    assert weights[("A@2022-01-01", "X@2025-07-01")] == Decimal("1")  # merge
    assert weights[("C@2022-01-01", "X@2025-07-01")] == Decimal("0.6")  # split
    assert weights[("C@2022-01-01", "Y@2025-07-01")] == Decimal("0.4")
    assert weights[("X@2025-07-01", "X@2025-07-01")] == Decimal("1")  # a current unit is itself
    assert not [k for k in weights if k[0] == "D@2022-01-01"]  # the district level is abolished


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
    months = warehouse.execute(
        "select count(distinct period_key), min(period_key), max(period_key) from "
        "marts.mart_business_environment_current_units where unit_key = 'X@2025-07-01'"
    ).fetchone()
    assert months == (48, "2022-01", "2025-12")


def test_residents_carry_forward_at_most_two_months(warehouse):
    rows = warehouse.execute(
        "select period_key, residents, residents_month from marts.mart_business_environment "
        "where unit_key = 'X@2025-07-01' and period_key between '2025-07' and '2025-10' "
        "order by period_key"
    ).fetchall()
    assert [(p, r, str(m) if m else None) for p, r, m in rows] == [
        ("2025-07", 3300, "2025-07-01"),
        ("2025-08", 3300, "2025-07-01"),
        ("2025-09", 3300, "2025-07-01"),
        ("2025-10", None, None),
    ]


def by_applicant(con, unit_key, period):
    return mart_row(
        con,
        "mart_service_per_capita_by_applicant_unit",
        "dossiers_received, citizen_dossiers_received, "
        "citizen_dossiers_with_flag, verified_citizen_dossiers, verified_citizen_share, residents, "
        "dossiers_per_1000_residents, no_figure_reason",
        unit_key,
        period,
    )


def by_applicant_today(con, unit_key, period):
    return mart_row(
        con,
        "mart_service_per_capita_current_units",
        "dossiers_received, citizen_dossiers_received, "
        "verified_citizen_dossiers, verified_citizen_share, residents, dossiers_per_1000_residents, "
        "is_rebased, is_served",
        unit_key,
        period,
    )


def test_dossiers_per_capita_by_the_applicants_unit_of_the_month(warehouse):
    assert by_applicant(warehouse, "A@2022-01-01", "2025-06") == (
        3,
        3,
        3,
        2,
        Decimal("0.666667"),
        1000,
        Decimal("3.000000"),
        None,
    )
    assert by_applicant(warehouse, "B@2022-01-01", "2025-06")[:7] == (2, 1, 0, 0, None, 2000, Decimal("1.000000"))
    assert by_applicant(warehouse, "C@2022-01-01", "2025-06")[4:7] == (Decimal("0.800000"), 500, Decimal("10.000000"))
    for unit_key in ("D@2022-01-01", "P@2022-01-01"):
        assert by_applicant(warehouse, unit_key, "2025-06")[:7] == (
            10,
            9,
            8,
            6,
            Decimal("0.750000"),
            3500,
            Decimal("2.857143"),
        )
    assert by_applicant(warehouse, "X@2025-07-01", "2025-07")[:7] == (
        3,
        3,
        3,
        2,
        Decimal("0.666667"),
        3300,
        Decimal("0.909091"),
    )
    assert by_applicant(warehouse, "Y@2025-07-01", "2025-07")[4:7] == (Decimal("1.000000"), 200, Decimal("5.000000"))
    assert by_applicant(warehouse, "P@2025-07-01", "2025-07")[:7] == (
        4,
        4,
        4,
        3,
        Decimal("0.750000"),
        3500,
        Decimal("1.142857"),
    )
    # a month without dossiers is 0 dossiers (the unit is in force and served), its rate 0, its share null
    assert by_applicant(warehouse, "A@2022-01-01", "2025-05")[:5] == (0, 0, 0, 0, None)


def test_an_old_unit_after_the_reform_is_null_with_a_reason_never_zero(warehouse):
    district = by_applicant(warehouse, "D@2022-01-01", "2025-07")
    assert district[:7] == (None,) * 7 and "district level abolished" in district[7]
    commune = by_applicant(warehouse, "C@2022-01-01", "2025-07")
    assert commune[:7] == (None,) * 7 and commune[7] == "unit ended on 2025-06-30: see its successors"
    # the dossier submitted in C on 30/06 and received on 01/07 is in X's July figure (above), counted once
    assert warehouse.execute(
        "select unit_key, applicant_unit_key from intermediate.int_dossier_applicant_units "
        "where dossier_code like '%-250701-0013'"
    ).fetchone() == ("X@2025-07-01", "C@2022-01-01")


def test_dossiers_per_capita_on_todays_units_across_the_reorganisation(warehouse):
    assert by_applicant_today(warehouse, "X@2025-07-01", "2025-06") == (
        Decimal(8),
        Decimal(7),
        Decimal("4.4"),
        Decimal("0.733333"),
        Decimal(3300),
        Decimal("2.424242"),
        True,
        True,
    )
    assert by_applicant_today(warehouse, "Y@2025-07-01", "2025-06")[2:6] == (
        Decimal("1.6"),
        Decimal("0.800000"),
        Decimal(200),
        Decimal("10.000000"),
    )
    assert by_applicant_today(warehouse, "P@2025-07-01", "2025-06")[5] == Decimal("2.857143")
    assert by_applicant_today(warehouse, "X@2025-07-01", "2025-07")[5:] == (Decimal("0.909091"), False, True)
    months = warehouse.execute(
        "select count(distinct period_key) from marts.mart_service_per_capita_current_units "
        "where unit_key = 'X@2025-07-01'"
    ).fetchone()
    assert months == (48,)
