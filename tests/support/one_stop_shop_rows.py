"""Landed one-stop-shop rows as the GX gate reads them: one valid dossier per number, with the batch
columns of one load, and personal fields pseudonymised."""

from __future__ import annotations

import pandas as pd

LOAD_ID = "20240116T020000Z-test"
HASH = "5f2c9a0e4b7d13c8a6e0f91b2d4c7a38"  # what a pseudonymised personal field looks like


def code(i: int, agency: str = "000.00.01.H34") -> str:
    return f"{agency}-240105-{i:04d}"


def batch_columns(page: int = 0) -> dict:
    return {
        "_load_id": LOAD_ID,
        "_source": "sandbox://one_stop_shop",
        "_loaded_at": pd.Timestamp("2024-01-16T02:00:00Z"),
        "_page": page,
    }


def dossier(i: int, **overrides) -> dict:
    row = {
        "MaHoSo": code(i),
        "MaTTHC": "1.004227",
        "MaLinhVuc": "G01",
        "KenhThucHien": 2,
        "ChuHoSo": HASH,
        "SoGiayToChuHoSo": HASH,
        "LoaiDoiTuong": 1,
        "NgayNopHoSo": "20240105080000",
        "NgayTiepNhan": "20240105083000",
        "NgayHenTra": "20240119170000",
        "NgayKetThucXuLy": "20240115100000",
        "NgayTra": "20240116090000",
        "NgayTuChoi": None,
        "TrangThaiHoSo": 10,
        "DonViXuLy": "000.00.01.H34",
        "TenDonViXuLy": "Sở Nội vụ",
        "HoSoCoThanhPhanSoHoa": 1,
        "TaiKhoanDuocXacThucVoiVNeID": 1,
        "DuocThanhToanTrucTuyen": 1,
        "NgayDongBo": "20240116090500",
        "NgayCapNhat": "20240116090000",
        "MaDonViHanhChinhChuHoSo": "22327",
        "DuocXacThucCSDLDanCu": 1,
        **batch_columns(),
    }
    row.update(overrides)
    return row
