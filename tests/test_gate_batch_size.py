"""The gate judges a batch of ten rows as fairly as one of a million.

A rule counts only the rows it applies to (a dossier refused at the counter has no due date, and
that is no defect), and a tolerance is a statement about the source's defect rate: a batch fails
when its defect rate is above the tolerance with 95% confidence (the Wilson score bound), not when
two legitimate gaps among eighteen rows happen to be 11%.

The exports below are shaped like a vendor's NDJSON export (one DVCQG sync payload a line, raw
names that the connector pseudonymises) and go through the same connector, landing zone and suite
as a nightly pull.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connectors.ingest import land_pull
from connectors.landing import LandingZone
from connectors.one_stop_shop import DATASETS, SOURCE, flatten, read_export
from connectors.pseudonymise import Pseudonymiser
from expectations.gx_runner import defect_rate_lower_bound, within_tolerance
from expectations.one_stop_shop import validate_one_stop_shop_batch

AGENCY = "000.00.01.H34"


def payload(n: int, **overrides) -> dict:
    """A finished dossier (result returned) as a vendor's export line carries it."""
    record = {
        "MaHoSo": f"{AGENCY}-250303-{n:04d}",
        "MaTTHC": "1.004227",
        "MaLinhVuc": "G01",
        "KenhThucHien": 2,
        "ChuHoSo": "Nguyễn Thị Hòa",
        "SoGiayToChuHoSo": f"0561950{n:05d}",
        "LoaiDoiTuong": 1,
        "NgayNopHoSo": "20250303080000",
        "NgayTiepNhan": "20250303083000",
        "NgayHenTra": "20250310170000",
        "NgayKetThucXuLy": "20250307100000",
        "NgayTra": "20250307150000",
        "NgayTuChoi": None,
        "TrangThaiHoSo": 10,
        "DonViXuLy": AGENCY,
        "TenDonViXuLy": "Sở Tư pháp",
        "HoSoCoThanhPhanSoHoa": 1,
        "TaiKhoanDuocXacThucVoiVNeID": 1,
        "DuocThanhToanTrucTuyen": 0,
        "NgayDongBo": "20250307151000",
        "NgayCapNhat": "20250307150000",
        "MaDonViHanhChinhChuHoSo": None,
        "DuocXacThucCSDLDanCu": 1,
        "QuaTrinhXuLy": [
            {
                "ThuTu": 1,
                "NguoiXuLy": "Trần Văn Nam",
                "ChucDanh": "Chuyên viên",
                "ThoiDiemXuLy": "20250303083000",
                "TrangThai": 2,
                "NgayKetThucTheoQuyDinh": "20250304170000",
            }
        ],
    }
    record.update(overrides)
    return record


def land_export(tmp_path: Path, records: list[dict]) -> dict:
    """Write the export, land it as orchestration does (land_pull over read_export), and return the
    landed load's frames as the gate reads them."""
    path = tmp_path / "export.ndjson"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    landing = LandingZone(tmp_path / "landing")
    pseudonymise = Pseudonymiser("test-key")
    summary = land_pull(
        landing,
        SOURCE,
        "export",
        f"file://{path}",
        lambda cursor: read_export(path, cursor=cursor),
        lambda batch: flatten(batch, pseudonymise),
    )
    frames = {}
    for dataset in DATASETS:
        table = landing.read_load(SOURCE, dataset, summary.load_id)
        if table is not None and table.num_rows:
            frames[dataset] = table.to_pandas()
    return {"load_id": summary.load_id, "frames": frames}


def test_the_bound_by_hand():
    # Wilson lower bound, z = 1.645: (p + z²/2n - z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)
    # 2 of 18: p = 0.1111, z²/2n = 0.07517, sqrt(0.005487 + 0.002088) = 0.08704, x z = 0.14318,
    # (0.11111 + 0.07517 - 0.14318) / 1.15034 = 0.03747
    assert defect_rate_lower_bound(2, 18) == pytest.approx(0.03747, abs=5e-5)
    # 8 of 10: (0.8 + 0.13530 - 1.645 x sqrt(0.016 + 0.006765) = 0.24820) / 1.27060 = 0.54077
    assert defect_rate_lower_bound(8, 10) == pytest.approx(0.54077, abs=5e-5)
    # over 100,000 rows the bound is close to the share itself
    assert defect_rate_lower_bound(2_000, 100_000) == pytest.approx(0.0193, abs=5e-4)
    assert defect_rate_lower_bound(0, 10) == 0.0 and defect_rate_lower_bound(0, 0) == 0.0
    # a 10% tolerance: 2 gaps in 18 rows pass, 8 in 10 fail; 3% of 100,000 fails a 2% tolerance
    assert within_tolerance(2, 18, 0.90) and not within_tolerance(8, 10, 0.90)
    assert not within_tolerance(3_000, 100_000, 0.98) and within_tolerance(1_500, 100_000, 0.98)
    # no tolerance: one defect fails, whatever the batch size
    assert not within_tolerance(1, 1_000_000, 1.0) and not within_tolerance(1, 1, None)


def test_a_faithful_small_export_passes(tmp_path):
    """18 dossiers, two legitimately without a due date: one refused at the counter (status 3: no
    reception either), one accepted and left to the procedure's statutory limit. 2 of 18 due dates
    are null (11%, over the old flat 10%); the rule now looks at the 17 accepted dossiers, of which 1
    has none (6%), and a 10% tolerance over 17 rows is not exceeded with any confidence."""
    records = [payload(n) for n in range(1, 17)]
    records.append(
        payload(
            17,
            TrangThaiHoSo=3,
            NgayTiepNhan=None,
            NgayHenTra=None,
            NgayKetThucXuLy=None,
            NgayTra=None,
            NgayTuChoi="20250303090000",
            QuaTrinhXuLy=[],
        )
    )
    records.append(payload(18, TrangThaiHoSo=4, NgayHenTra=None, NgayKetThucXuLy=None, NgayTra=None))
    landed = land_export(tmp_path, records)

    result = validate_one_stop_shop_batch(landed["frames"], landed["load_id"])

    assert result.verdict == "accepted", result.summary()
    due = next(
        r
        for r in result.dataset("dossiers").results
        if r.expectation == "expect_column_values_to_not_be_null" and r.column == "NgayHenTra"
    )
    assert (due.element_count, due.unexpected_count) == (17, 1)  # the refused dossier is not judged
    assert result.rows_affected == 1  # the accepted dossier without a due date is still counted


def test_a_small_export_mostly_defective_is_rejected(tmp_path):
    """10 dossiers, 6 with the vendor's dd/MM/yyyy dates and 7 of them accepted without a due date:
    a small batch is no excuse for a broken extract."""
    records = [payload(n) for n in range(1, 11)]
    for record in records[:6]:
        record["NgayNopHoSo"] = "03/03/2025 08:00:00"
    for record in records[3:]:
        record["NgayHenTra"] = None
    landed = land_export(tmp_path, records)

    result = validate_one_stop_shop_batch(landed["frames"], landed["load_id"])

    assert result.verdict == "rejected"
    failed = {(r.expectation, r.column): r.unexpected_count for r in result.failed()}
    assert failed == {
        ("expect_column_values_to_match_regex", "NgayNopHoSo"): 6,
        ("expect_column_values_to_not_be_null", "NgayHenTra"): 7,
    }


def test_one_defect_in_a_tiny_batch_is_quarantined_not_a_rejection(tmp_path):
    """20 dossiers, one malformed procedure code (5%, over the 2% format tolerance as a bare share):
    one typo says nothing about the source's format; the row is still counted for quarantine."""
    records = [payload(n) for n in range(1, 21)]
    records[4]["MaTTHC"] = "1.00422"
    landed = land_export(tmp_path, records)

    result = validate_one_stop_shop_batch(landed["frames"], landed["load_id"])

    assert result.verdict == "accepted", result.summary()
    assert result.rows_affected == 1
