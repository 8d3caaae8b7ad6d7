"""`dbt build` on a hand-made landing zone; every expected number is worked out by hand below.

The case (reporting month 2025-03; 1 March 2025 is a Saturday; no holiday in March 2025):

Agency J = 000.00.02.H34 (Sở Tư pháp). Procedure 1.004227: 10 working days, full-online eligible.
Procedure 1.001023: 20 working days, not eligible.
  J1 rcv 03-03 08:00, due 03-17 17:00, processed (9) 03-17 17:00 exactly at the due date -> on time.
     online (channel 2), fee 200 000 paid online (1). Landed with agency code "000.00.02.h34 ".
     An older version (earlier accepted load) is still pending and names official OFF_Z: ignored.
  J2 rcv 03-03 09:00, due Fri 03-14 17:00, processed Sat 03-15 09:00 -> late; in person, fee
     200 000 not paid online; apology (Mẫu 04) on 03-15.
  J3 rcv 03-04 08:00 (procedure 1.001023), due 03-07 17:00, one supplement (asked 03-05, supplied
     03-10, new due 03-14 17:00), processed 03-13 15:00 -> on time because the due date moved. Online.
  J4 rcv Tue 03-04 09:00, NO NgayHenTra: due = 17:00 of the 10th working day after 03-04
     = Tue 03-18 17:00 (5,6,7,10,11,12,13,14,17,18 March); not ended -> pending, overdue at 03-31.
  J5 rcv 03-24 08:00, due 04-07 17:00, not ended -> pending, not overdue at 03-31. Online.
  J6 rcv 03-05 08:00, due 03-19 17:00, withdrawn by the applicant (7) 03-06 10:00 -> on time.
  J7 rcv 03-05 08:00, due 03-19 17:00, two supplement rounds, processed 03-12 -> late.
  March 2025, agency J:
    received 7; finished 5 (on time J1 J3 J6 = 3, late J2 J7 = 2); pending 2 (J4 J5), overdue 1 (J4)
    late_rate = (2 late + 1 overdue) / (5 + 2) = 3/7 = 0.428571  -> T01 cannot be ranked good
    online_share = (J1 J3 J5) 3/7 = 0.428571
    full_online_share = online among eligible (J1 J5) / eligible received (all but J3) = 2/6 = 0.333333
    online_paid_share = fee-bearing paid online (J1) / fee-bearing (J1 J2) = 0.5
    apology_coverage = late (J2 J7 J4) with an apology (J2) = 1/3 = 0.333333
    satisfaction_rate = votes in March: J1 very satisfied, J3 dissatisfied = 1/2 = 0.5
  Year 2025, agency J: J4 and J5 are both overdue at 2025-12-31: late_rate = (2 + 2) / 7 = 0.571429.
Agency H = 000.00.16.H34 (Sở Y tế), name landed decomposed (NFD) and spelled differently:
  H1 rcv 03-10 08:00 (procedure 1.003611), due 03-24 17:00, processed 03-20 -> on time; online;
     one vote very satisfied -> late_rate 0, satisfaction 1.0 -> T01 false.
  H2 rcv 2024-06-03, due 2024-06-17, processed 2024-06-10 -> on time in 2024.
Officials (steps naming them; year on-time denominators):
  Officials by account, else by name (int_official_identities); keys md5("<kind>:<value>"):
  2025: P1 (name OFF_A, accounts ACC_A and ACC_A_OLD) signs J1 by account ACC_A and J2 (late), J6
        (on time) by name only (OFF_A: P5 bears it too but is quarantined, so P1 alone) -> 1/3 =
        0.333333 >= 0.05 -> T02 true; identified by account_and_name.
        P2 (OFF_B, by name) names J3 (on time), J4 (overdue), J5 (overdue at year end), J7 (late) -> 3/4.
        Account ACC_C (no cadre person) signs H1 (on time) -> its own key, 0/1 = 0 -> false.
  2024: name OFF_C (no cadre person) names H2 (on time) -> its own key, 0/1 = 0, threshold 0.10.
  OFF_Z appears only in J1's superseded version: no row.
Defective rows (quarantine, with reason): Q1 end before reception, Q2 bad dossier code, Q3 unknown
procedure, Q4 unparseable reception date.
Loads that must not be read: a rejected load (new version of J4 that finishes it on time, and a
new dossier R1), an unchecked load (U1), and a load accepted then re-checked and rejected (X1).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # importable whether or not tests/ is a package
    sys.path.insert(0, str(REPO))

from tests.dbt_fixtures.landing_builder import write_cadre_landing, write_landing, write_ranking_landing, write_verdict  # noqa: E402
from tests.support.landed_rows import J, dossier_row, step_row  # noqa: E402

DBT_PROJECT = REPO / "dbt_project"
DBT = Path(sys.executable).with_name("dbt")
H = "000.00.16.H34"
P20 = "1.001023"  # 20 working days, not eligible
P_H = "1.003611"  # 20 working days, eligible


def _build_landing(landing: Path) -> None:
    t0 = dt.datetime(2025, 4, 1, 1, 0, tzinfo=dt.UTC)

    # Load 0 (accepted, earlier): an older version of J1, still pending, handled by OFF_Z.
    write_landing(
        landing,
        [
            dossier_row(
                f"{J}-250303-0001",
                "20250303080000",
                "20250317170000",
                status=4,
                channel=2,
                version="20250310000000",
                TenDonViXuLy="SỞ TƯ PHÁP",
                QuaTrinhXuLy=[step_row(1, "OFF_Z", 4, "20250303090000")],
            ),
        ],
        load_id="load-0-older",
        load_date="2025-03-20",
        loaded_at=t0 - dt.timedelta(days=12),
    )

    # Load 1 (accepted): the case.
    dossiers = [
        dossier_row(
            f" {J.lower()}-250303-0001 ",  # code and agency spelled in lower case with spaces
            "20250303080000",
            "20250317170000",
            status=10,
            channel=2,
            DuocThanhToanTrucTuyen=1,
            DonViXuLy=" 000.00.02.h34 ",
            NgayKetThucXuLy="20250317170000",
            NgayTra="20250318090000",
            QuaTrinhXuLy=[
                step_row(1, "OFF_A", 4, "20250303090000", "ACC_A"),
                step_row(2, "OFF_A", 9, "20250317170000", "ACC_A"),
                step_row(3, "OFF_A", 10, "20250318090000", "ACC_A"),
            ],
            LePhi=[{"MaPhiLePhi": "LP1", "TenPhiLePhi": "Lệ phí", "Gia": 200000}],
            DanhGia=[{"MucDoHaiLong": 1, "NgayDanhGia": "20250318100000"}],
        ),
        dossier_row(
            f"{J}-250303-0002",
            "20250303090000",
            "20250314170000",
            status=9,
            DuocThanhToanTrucTuyen=0,
            QuaTrinhXuLy=[step_row(1, "OFF_A", 9, "20250315090000")],
            LePhi=[{"MaPhiLePhi": "LP1", "TenPhiLePhi": "Lệ phí", "Gia": 200000}],
            XinLoi=[{"LanXinLoi": 1, "NgayXinLoi": "20250315100000", "NgayHenTraMoi": "20250317170000"}],
        ),
        dossier_row(
            f"{J}-250304-0003",
            "20250304080000",
            "20250307170000",
            status=9,
            procedure=P20,
            channel=2,
            QuaTrinhXuLy=[step_row(1, "OFF_B", 5, "20250305100000"), step_row(2, "OFF_B", 9, "20250313150000")],
            BoSung=[
                {
                    "LanBoSung": 1,
                    "NgayYeuCau": "20250305100000",
                    "CoVanBanYeuCau": 1,
                    "NgayBoSung": "20250310090000",
                    "NgayHenTraTruoc": "20250307170000",
                    "NgayHenTraMoi": "20250314170000",
                }
            ],
            DanhGia=[{"MucDoHaiLong": 3, "NgayDanhGia": "20250314100000"}],
        ),
        dossier_row(
            f"{J}-250304-0004",
            "20250304090000",
            None,
            status=4,
            QuaTrinhXuLy=[step_row(1, "OFF_B", 4, "20250305090000")],
        ),
        dossier_row(
            f"{J}-250324-0005",
            "20250324080000",
            "20250407170000",
            status=4,
            channel=2,
            QuaTrinhXuLy=[step_row(1, "OFF_B", 4, "20250325090000")],
        ),
        dossier_row(
            f"{J}-250305-0006",
            "20250305080000",
            "20250319170000",
            status=7,
            QuaTrinhXuLy=[step_row(1, "OFF_A", 4, "20250305090000"), step_row(2, None, 7, "20250306100000")],
        ),
        dossier_row(
            f"{J}-250305-0007",
            "20250305080000",
            "20250319170000",
            status=9,
            QuaTrinhXuLy=[step_row(1, "OFF_B", 9, "20250312100000")],
            BoSung=[
                {
                    "LanBoSung": 1,
                    "NgayYeuCau": "20250306100000",
                    "NgayBoSung": "20250307090000",
                    "NgayHenTraMoi": "20250320170000",
                },
                {
                    "LanBoSung": 2,
                    "NgayYeuCau": "20250310100000",
                    "NgayBoSung": "20250311090000",
                    "NgayHenTraMoi": "20250321170000",
                },
            ],
        ),
        dossier_row(
            f"{H}-250310-0001",
            "20250310080000",
            "20250324170000",
            status=9,
            agency=H,
            procedure=P_H,
            channel=2,
            TenDonViXuLy=unicodedata.normalize("NFD", "Sở Y Tế tỉnh Khánh Hòa"),
            QuaTrinhXuLy=[step_row(1, "OFF_C", 9, "20250320100000", "ACC_C")],
            DanhGia=[{"MucDoHaiLong": 1, "NgayDanhGia": "20250321100000"}],
        ),
        dossier_row(
            f"{H}-240603-0001",
            "20240603080000",
            "20240617170000",
            status=9,
            agency=H,
            procedure=P_H,
            version="20240610100000",
            QuaTrinhXuLy=[step_row(1, "OFF_C", 9, "20240610100000")],
        ),
        # quarantine
        dossier_row(f"{J}-250306-0008", "20250306080000", "20250320170000", status=9, NgayKetThucXuLy="20250305170000"),
        dossier_row("BAD-CODE", "20250306080000", "20250320170000", status=4),
        dossier_row(f"{J}-250306-0009", "20250306080000", "20250320170000", status=4, procedure="9.999999"),
        dossier_row(f"{J}-250307-0010", "2025-03-07", "20250320170000", status=4),
    ]
    write_landing(landing, dossiers, load_id="load-1-case", load_date="2025-04-01", loaded_at=t0)

    # Load 2 (rejected): would finish J4 on time and add R1.
    write_landing(
        landing,
        [
            dossier_row(
                f"{J}-250304-0004",
                "20250304090000",
                None,
                status=9,
                version="20250402000000",
                QuaTrinhXuLy=[step_row(1, "OFF_B", 9, "20250310090000")],
            ),
            dossier_row(f"{J}-250311-0011", "20250311080000", "20250325170000", status=4),
        ],
        load_id="load-2-rejected",
        load_date="2025-04-02",
        loaded_at=t0 + dt.timedelta(days=1),
        verdict="rejected",
    )
    # Load 3 (never checked).
    write_landing(
        landing,
        [dossier_row(f"{J}-250312-0012", "20250312080000", "20250326170000", status=4)],
        load_id="load-3-unchecked",
        load_date="2025-04-02",
        loaded_at=t0 + dt.timedelta(days=1, hours=1),
        verdict=None,
    )
    # Load 4: accepted, then re-checked and rejected: the latest verdict (rejected) stands.
    write_landing(
        landing,
        [dossier_row(f"{J}-250313-0013", "20250313080000", "20250327170000", status=4)],
        load_id="load-4-rechecked",
        load_date="2025-04-02",
        loaded_at=t0 + dt.timedelta(days=1, hours=2),
        verdict="accepted",
        checked_at=t0 + dt.timedelta(days=1, hours=3),
    )
    write_verdict(landing, "load-4-rechecked", "rejected", load_date="2025-04-03", checked_at=t0 + dt.timedelta(days=2))


# -- the cadre system and the PAR ranking (docs/cadre_landing.md) ------------------------------------
#
# Snapshots: S1 (accepted, stands at 2025-06-30) holds P9 only; S2 (accepted, 2025-12-31) is the case;
# S0 (accepted, stands at 2024-12-31 but landed after S2: a re-run of an old day) and S3 (2026-01-10,
# rejected) must not be read. So staging reads S2 only.
# S2, agency J: P1 (name OFF_A, accounts ACC_A_OLD;ACC_A, CC, since 2015), P2 (CC, 2016 .. 2024-06-30), P3 (head, CC,
# since 2010), P4 (contract, not budget-paid, since 2020), P6 (CC, since 2023-03-01);
# quarantined: P5 (same ID number as P1: duplicate_person), P1's posting at H from 2024-01-01
# (two_units_at_once), P7 (ends 2019 before it starts 2020: end_before_start).
#   J at 2025-12-31: P1 P3 P6 civil servants (3) + P4 contract = 4; budget-paid P1 P3 P6 = 3.
#   Baseline 2022-01-01: P1 P2 P3 civil servants (3), budget-paid 3 -> change 0; reduction not judged
#   (null) in 2025: the province's scope changed on 2025-07-01 (docs/definitions.md).
#   J at 2023-12-31: P1 P2 P3 P6 = 4 civil servants -> reduction (3 - 4) / 3 = -0.333333.
# Commune C (000.01.21.H34): C1 cadre meets the standard since 2018, C2 civil servant since
#   2024-05-01, C3 never: 2023 -> 1 of 3 meet; 2024 -> 2 of 3.
# Appraisals: P1 2025 good (HTTNV) and P1's 2025 late rate is 1/3 >= 0.05 -> T02 breach;
#   P3 2024 good; P6 2025 "XUAT_SAC" (outside the code list) -> quarantined.
# Ranking: J average in 2023 and 2024 -> 2024 triggers accountability; head P3 rated good in 2024
#   although average forbids it -> head rating breach. 2023 alone does not trigger.
CADRE_J, CADRE_H, COMMUNE = "000.00.02.H34", "000.00.16.H34", "000.01.21.H34"


def _person(
    code,
    name,
    category,
    started,
    *,
    agency=CADRE_J,
    ended=None,
    budget=1,
    head=False,
    level="TINH",
    standard_on=None,
    id_number=None,
):
    return {
        "MaCanBo": code,
        "HoTen": name,
        "SoCCCD": id_number or f"id-{code}",
        "MaDonVi": agency,
        "DonViCongTac": "Văn phòng",
        "PhanLoai": category,
        "Cap": level,
        "ChucDanh": "Chuyên viên",
        "HuongLuongNganSach": budget,
        "NgayDatChuan": standard_on,
        "NgayBatDau": started,
        "NgayKetThuc": ended,
        "ChucVuLanhDao": "TRUONG" if head else None,
    }


def _build_cadre_landing(landing: Path) -> None:
    d = dt.date
    t0 = dt.datetime(2026, 1, 5, 1, 0, tzinfo=dt.UTC)
    write_cadre_landing(
        landing,
        persons=[_person("P9", "P9", "CC", d(2010, 1, 1))],
        stood_at=d(2025, 6, 30),
        load_id="cadre-s1",
        load_date="2025-07-01",
        loaded_at=t0 - dt.timedelta(days=180),
    )
    persons = [
        {**_person("P1", "OFF_A", "CC", d(2015, 1, 1), id_number="id-1"), "TaiKhoanMotCua": "ACC_A_OLD;ACC_A"},
        _person("P2", "OFF_B", "CC", d(2016, 1, 1), ended=d(2024, 6, 30)),
        _person("P3", "HEAD_J", "CC", d(2010, 1, 1), head=True),
        _person("P4", "P4", "HD", d(2020, 1, 1), budget=0),
        _person("P6", "P6", "CC", d(2023, 3, 1)),
        _person("P5", "OFF_A", "CC", d(2015, 1, 1), id_number="id-1"),
        _person("P1", "OFF_A", "CC", d(2024, 1, 1), agency=CADRE_H, id_number="id-1"),
        _person("P7", "P7", "CC", d(2020, 1, 1), ended=d(2019, 1, 1)),
        _person("C1", "C1", "CB", d(2018, 1, 1), agency=COMMUNE, level="XA", standard_on=d(2018, 1, 1)),
        _person("C2", "C2", "CC", d(2019, 1, 1), agency=COMMUNE, level="XA", standard_on=d(2024, 5, 1)),
        _person("C3", "C3", "CC", d(2020, 1, 1), agency=COMMUNE, level="XA"),
    ]
    appraisals = [
        {"MaCanBo": "P1", "Nam": 2025, "MucXepLoai": "HTTNV"},
        {"MaCanBo": "P3", "Nam": 2024, "MucXepLoai": "HTTNV"},
        {"MaCanBo": "P6", "Nam": 2025, "MucXepLoai": "XUAT_SAC"},
    ]
    units = [
        {"MaDVSN": "U1", "NhomTuChu": 3, "NgayThanhLap": d(2010, 1, 1)},
        {
            "MaDVSN": "U2",
            "NhomTuChu": 4,
            "NgayThanhLap": d(2010, 1, 1),
            "NgayKetThuc": d(2023, 5, 1),
            "HinhThucKetThuc": "SAP_NHAP",
            "MaDVSNTiepNhan": "U1",
        },
        {"MaDVSN": "U3", "NhomTuChu": 2, "NgayThanhLap": d(2023, 2, 1)},
    ]
    quotas = [{"MaDonVi": CADRE_J, "Nam": 2025, "BienCheCongChuc": 4, "SoNguoiLamViec": 0}]
    write_cadre_landing(
        landing,
        persons=persons,
        appraisals=appraisals,
        public_service_units=units,
        staffing_quotas=quotas,
        stood_at=d(2025, 12, 31),
        load_id="cadre-s2",
        loaded_at=t0,
    )
    write_cadre_landing(
        landing,
        persons=[_person("P8", "P8", "CC", d(2010, 1, 1))],
        stood_at=d(2024, 12, 31),
        load_id="cadre-s0-rerun",
        loaded_at=t0 + dt.timedelta(days=1),
    )
    write_cadre_landing(
        landing,
        persons=[_person("P8", "P8", "CC", d(2010, 1, 1))],
        stood_at=d(2026, 1, 10),
        load_id="cadre-s3-rejected",
        loaded_at=t0 + dt.timedelta(days=5),
        verdict="rejected",
    )
    ranking = [
        {"Nam": 2023, "MaDonVi": CADRE_J, "TongDiem": Decimal("76.50"), "XepLoai": "Trung bình"},
        {"Nam": 2024, "MaDonVi": CADRE_J, "TongDiem": Decimal("78.25"), "XepLoai": "trung bình "},
        {"Nam": 2024, "MaDonVi": CADRE_H, "TongDiem": Decimal("91.00"), "XepLoai": "Tốt"},
        # a grade outside the code list: quarantined and counted apart by T03, never read as no breach
        {"Nam": 2024, "MaDonVi": "000.00.99.H34", "TongDiem": Decimal("99.00"), "XepLoai": "Xuất sắc"},
    ]
    write_ranking_landing(landing, ranking, loaded_at=t0)


# DuckDB's memory and threads of dbt's session, as orchestration exports its settings (profiles.yml)
DUCKDB_LIMITS = {"PAR_DUCKDB_MEMORY_LIMIT": "700MB", "PAR_DUCKDB_THREADS": "1"}


@pytest.fixture(scope="module")
def dbt_run(tmp_path_factory) -> tuple[Path, dict[str, str], list[str]]:
    """(the folder, the environment, the common arguments) of this module's dbt invocations."""
    tmp = tmp_path_factory.mktemp("dbt_build")
    landing = tmp / "landing"
    _build_landing(landing)
    _build_cadre_landing(landing)
    env = {
        **os.environ,
        "DO_NOT_TRACK": "1",
        "PAR_LANDING_DIR": str(landing),
        "PAR_WAREHOUSE_PATH": str(tmp / "warehouse.duckdb"),
        **DUCKDB_LIMITS,
    }
    common = [
        "--profiles-dir",
        str(DBT_PROJECT),
        "--project-dir",
        str(DBT_PROJECT),
        "--target-path",
        str(tmp / "target"),
        "--log-path",
        str(tmp / "logs"),
    ]
    return tmp, env, common


def _dbt(dbt_run, *command: str) -> str:
    _, env, common = dbt_run
    result = subprocess.run([str(DBT), *command, *common], cwd=DBT_PROJECT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    return result.stdout


SHOW_DUCKDB_LIMITS = "select current_setting('memory_limit') as memory_limit, current_setting('threads') as threads"


@pytest.fixture(scope="module")
def built(dbt_run) -> str:
    """Seed and build the warehouse; then what DuckDB's settings were in a dbt session (`dbt show`, run
    before any test opens the file)."""
    for command in (["seed"], ["build", "--vars", '{"reporting_as_of": "2025-12-31"}']):
        _dbt(dbt_run, *command)
    return _dbt(dbt_run, "show", "--inline", SHOW_DUCKDB_LIMITS, "--output", "json", "--log-format", "text")


@pytest.fixture(scope="module")
def warehouse(built, dbt_run) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(dbt_run[0] / "warehouse.duckdb"), read_only=True)
    yield con
    con.close()


def test_dbt_s_duckdb_session_has_the_memory_limit_and_threads_of_the_settings(built):
    """The variables orchestration exports (Settings.export_for_dbt) reach DuckDB through the profile."""
    assert '"memory_limit": "667.5 MiB"' in built and '"threads": 1' in built, built  # 700 MB = 667.5 MiB


def _one(con, sql, *params):
    rows = con.execute(sql, params).fetchall()
    assert len(rows) == 1, rows
    return rows[0]


AGENCY_COLUMNS = (
    "dossiers_received, dossiers_finished, finished_on_time, finished_late, pending_at_end, "
    "overdue_at_end, late_rate, online_share, full_online_share, online_paid_share, "
    "satisfaction_rate, apology_coverage, cannot_be_ranked_good"
)


def _agency(con, agency, period_type, period_key):
    return _one(
        con,
        f"select {AGENCY_COLUMNS} from marts.mart_agency_service_quality "
        "where agency_code = ? and period_type = ? and period_key = ?",
        agency,
        period_type,
        period_key,
    )


def test_agency_month(warehouse):
    d = Decimal
    assert _agency(warehouse, J, "month", "2025-03") == (
        7,
        5,
        3,
        2,
        2,
        1,
        d("0.428571"),
        d("0.428571"),
        d("0.333333"),
        d("0.500000"),
        d("0.500000"),
        d("0.333333"),
        True,
    )
    assert _agency(warehouse, H, "month", "2025-03") == (
        1,
        1,
        1,
        0,
        0,
        0,
        d("0"),
        d("1"),
        d("1"),
        None,
        d("1"),
        None,
        False,
    )


def test_agency_year_judges_pending_at_year_end(warehouse):
    received, finished, on_time, late, pending, overdue, late_rate, *_ = _agency(warehouse, J, "year", "2025")
    assert (received, finished, on_time, late, pending, overdue) == (7, 5, 3, 2, 2, 2)
    assert late_rate == Decimal("0.571429")


def test_agency_code_spellings_meet_and_name_comes_from_seed(warehouse):
    codes = warehouse.execute(
        "select distinct agency_code, agency_name_vi from marts.mart_agency_service_quality order by 1"
    ).fetchall()
    assert codes == [(J, "Sở Tư pháp"), (H, "Sở Y tế")]
    name = _one(
        warehouse,
        "select agency_name_source from staging.stg_one_stop_shop__dossiers where dossier_code = ?",
        f"{H}-250310-0001",
    )[0]
    assert (
        name
        == unicodedata.normalize("NFC", "Sở Y Tế tỉnh Khánh Hòa")
        != unicodedata.normalize("NFD", "Sở Y Tế tỉnh Khánh Hòa")
    )


def test_derived_due_date(warehouse):
    due, derived = _one(
        warehouse,
        "select due_at, is_due_derived from intermediate.int_dossiers_enriched where dossier_code = ?",
        f"{J}-250304-0004",
    )
    assert (due, derived) == (dt.datetime(2025, 3, 18, 17, 0), True)


def _key(kind: str, value: str) -> str:
    """The official key the macro official_key gives (md5 of "<kind>:<value>")."""
    return hashlib.md5(f"{kind}:{value}".encode()).hexdigest()


def test_official_performance(warehouse):
    rows = warehouse.execute(
        "select official_key, year, person_code, identified_by, not_judged_reason, dossiers_handled, dossiers_late, "
        "late_rate, late_rate_threshold, cannot_be_rated_good from marts.mart_official_performance"
    ).fetchall()
    d = Decimal
    assert sorted(rows, key=lambda r: (r[1], r[2] or "~")) == [
        (_key("name", "OFF_C"), 2024, None, "name", None, 1, 0, d("0"), d("0.1000"), False),
        (_key("person", "P1"), 2025, "P1", "account_and_name", None, 3, 1, d("0.333333"), d("0.0500"), True),
        (_key("person", "P2"), 2025, "P2", "name", None, 4, 3, d("0.750000"), d("0.0500"), True),
        (_key("account", "ACC_C"), 2025, None, "account", None, 1, 0, d("0"), d("0.0500"), False),
    ]


def test_latest_version_wins_with_its_own_child_rows(warehouse):
    status, agency = _one(
        warehouse,
        "select status_code, agency_code from staging.stg_one_stop_shop__dossiers where dossier_code = ?",
        f"{J}-250303-0001",
    )
    assert (status, agency) == (10, J)
    officials = warehouse.execute(
        "select distinct handling_name_key, handling_account_key "
        "from staging.stg_one_stop_shop__status_events "
        "where dossier_code = ?",
        [f"{J}-250303-0001"],
    ).fetchall()
    assert officials == [("OFF_A", "ACC_A")]


def test_unaccepted_loads_are_not_read(warehouse):
    loads = {
        r[0]
        for r in warehouse.execute(
            "select distinct load_id from staging.stg_one_stop_shop__dossiers_validated"
        ).fetchall()
    }
    # load-0-older is accepted but only holds a superseded version of J1
    assert loads == {"load-1-case"}
    for code in (f"{J}-250311-0011", f"{J}-250312-0012", f"{J}-250313-0013"):
        assert (
            warehouse.execute(
                "select count(*) from staging.stg_one_stop_shop__dossiers where dossier_code = ?", [code]
            ).fetchone()[0]
            == 0
        )
    # the rejected load's version of J4 (processed 03-10) is not read: J4 is still pending
    assert (
        _one(
            warehouse,
            "select status_code from staging.stg_one_stop_shop__dossiers where dossier_code = ?",
            f"{J}-250304-0004",
        )[0]
        == 4
    )
    # the audit model shows every verdict, and which one is in force
    verdicts = warehouse.execute(
        "select load_id, verdict from audit.audit_gx_batch_verdicts "
        "where is_latest_verdict and source_system = 'one_stop_shop' "
        "order by load_id"
    ).fetchall()
    assert verdicts == [
        ("load-0-older", "accepted"),
        ("load-1-case", "accepted"),
        ("load-2-rejected", "rejected"),
        ("load-4-rechecked", "rejected"),
    ]


def test_quarantine_keeps_defective_rows_with_reason(warehouse):
    rows = warehouse.execute(
        "select dossier_code_raw, quarantine_reason from staging.stg_one_stop_shop__dossiers_quarantine order by 1"
    ).fetchall()
    assert rows == [
        (f"{J}-250306-0008", "end_before_reception"),
        (f"{J}-250306-0009", "unknown_procedure_code"),
        (f"{J}-250307-0010", "unparseable_reception_date"),
        ("BAD-CODE", "invalid_dossier_code"),
    ]
    clean = warehouse.execute("select count(*) from staging.stg_one_stop_shop__dossiers").fetchone()[0]
    assert clean == 9  # J1..J7, H1, H2


def test_province_month(warehouse):
    # J and H together in March 2025: received 7 + 1; finished 5 + 1 (on time 3 + 1, late 2);
    # pending 2, overdue 1; late_rate = (2 + 1) / (6 + 2) = 0.375; satisfaction (J1, H1 of J1 J3 H1) 2/3.
    row = _one(
        warehouse,
        "select dossiers_received, dossiers_finished, finished_on_time, finished_late, "
        "pending_at_end, overdue_at_end, late_rate, satisfaction_rate "
        "from marts.mart_province_service_quality where period_key = '2025-03'",
    )
    assert row == (8, 6, 4, 2, 2, 1, Decimal("0.375000"), Decimal("0.666667"))


def test_cadre_staging_reads_the_latest_accepted_snapshot_and_quarantines_defects(warehouse):
    loads = warehouse.execute("select distinct load_id from staging.stg_cadre__persons_validated").fetchall()
    assert loads == [("cadre-s2",)]
    quarantined = warehouse.execute(
        "select person_code, started_on, quarantine_reason from staging.stg_cadre__persons_quarantine order by 1, 2"
    ).fetchall()
    assert quarantined == [
        ("P1", dt.date(2024, 1, 1), "two_units_at_once"),
        ("P5", dt.date(2015, 1, 1), "duplicate_person"),
        ("P7", dt.date(2020, 1, 1), "end_before_start"),
    ]
    assert warehouse.execute(
        "select person_code, rating_code, quarantine_reason from staging.stg_cadre__appraisals_quarantine"
    ).fetchall() == [("P6", "XUAT_SAC", "unknown_rating")]


def test_workforce_of_an_agency(warehouse):
    rows = warehouse.execute(
        "select year, civil_servants, contract_workers, headcount_total, budget_paid, baseline_civil_servants, "
        "civil_servant_reduction, civil_servant_quota from marts.mart_workforce where agency_code = ? "
        "and year in (2023, 2025) order by year",
        [CADRE_J],
    ).fetchall()
    # 2025: the province absorbed Ninh Thuận on 2025-07-01 (seed province_scope_changes): an agency's
    # own baseline no longer compares, its reduction is not judged (null), whatever its count
    assert rows == [(2023, 4, 1, 5, 4, 3, Decimal("-0.333333"), None), (2025, 3, 1, 4, 3, 3, None, 4)]


def test_commune_standards_and_units(warehouse):
    rows = warehouse.execute(
        "select year, cadres_and_civil_servants, meeting_standard, below_standard, meets_t11 "
        "from marts.mart_commune_cadre_standards where year in (2023, 2024) order by year"
    ).fetchall()
    assert rows == [(2023, 3, 1, 2, False), (2024, 3, 2, 1, False)]
    units = warehouse.execute(
        "select units_in_force, baseline_units, units_created, units_merged "
        "from marts.mart_public_service_units where year = 2023"
    ).fetchall()
    assert units == [(2, 2, 1, 1)]
    # 2025: the province absorbed Ninh Thuận on 2025-07-01 and the seed lacks its 2021 units: not comparable
    # (T08's rule), the tracker says no data with that reason instead of judging 2 against 2
    assert warehouse.execute(
        "select comparable_baseline_units, reduction, is_t07_on_track, not_comparable_reason "
        "from marts.mart_public_service_units where year = 2025"
    ).fetchall() == [(None, None, None, "absorbed_baseline_missing")]
    assert warehouse.execute(
        "select status, no_data_reason from marts.mart_program_targets "
        "where target_id = 'T07' and period_type = 'year' and period_key = '2025'"
    ).fetchall() == [("no data", "not_comparable")]


def test_ratings_meet_the_one_stop_shop_late_rates(warehouse):
    row = _one(
        warehouse,
        "select official_key, rating_code, dossiers_handled, dossiers_late, late_rate, "
        "late_rate_threshold, is_t02_breach from marts.mart_official_rating_eligibility "
        "where person_code = 'P1' and year = 2025",
    )
    assert row == (_key("person", "P1"), "HTTNV", 3, 1, Decimal("0.333333"), Decimal("0.0500"), True)
    accounts = warehouse.execute(
        "select person_code, account_key from staging.stg_cadre__person_accounts order by account_key"
    ).fetchall()
    assert accounts == [("P1", "ACC_A"), ("P1", "ACC_A_OLD")]


def test_head_accountability(warehouse):
    rows = warehouse.execute(
        "select year, grade_code, previous_year_grade_code, head_person_code, head_rating_code, "
        "is_head_rating_breach, is_accountability_triggered from marts.mart_head_accountability "
        "where agency_code = ? order by year",
        [CADRE_J],
    ).fetchall()
    assert rows == [
        (2023, "average", None, "P3", None, False, False),
        (2024, "average", "average", "P3", "HTTNV", True, True),
    ]


def test_an_unknown_ranking_grade_is_quarantined_and_counted_by_t03(warehouse):
    quarantined = warehouse.execute(
        "select quarantine_reason, ranking_year, agency_code, grade_name_vi "
        "from staging.stg_par_ranking__rankings_quarantine"
    ).fetchall()
    assert quarantined == [("unknown_grade", 2024, "000.00.99.H34", "Xuất sắc")]
    # "trung bình " (another case, a trailing space) still matches its code
    assert warehouse.execute(
        "select grade_code from staging.stg_par_ranking__rankings where ranking_year = 2024 and agency_code = ?",
        [CADRE_J],
    ).fetchone() == ("average",)
    unknown = warehouse.execute(
        "select grade_code, is_grade_unknown, is_head_rating_breach from marts.mart_head_accountability "
        "where agency_code = '000.00.99.H34'"
    ).fetchall()
    assert unknown == [(None, True, False)]
    detail = warehouse.execute(
        "select detail from marts.mart_program_targets where target_id = 'T03' and period_key = '2024'"
    ).fetchone()[0]
    assert detail.endswith("grade unknown (quarantined, not judged): 1")
