"""Landed one-stop-shop rows for the dbt tests (tests/dbt_fixtures/landing_builder.py writes them): a
dossier version of agency J and a process step."""

from __future__ import annotations

J = "000.00.02.H34"  # the agency of the hand-made case (Sở Tư pháp)
P10 = "1.004227"  # 10 working days, full-online eligible


def dossier_row(code, received, due, *, status, agency=J, procedure=P10, channel=1, version="20250401000000", **fields):
    row = {
        "MaHoSo": code,
        "MaTTHC": procedure,
        "KenhThucHien": channel,
        "NgayTiepNhan": received,
        "NgayNopHoSo": received,
        "NgayHenTra": due,
        "TrangThaiHoSo": status,
        "DonViXuLy": agency,
        "TenDonViXuLy": "Sở Tư pháp",
        "ChuHoSo": "hash-applicant",
        "NgayCapNhat": version,
        "LoaiDoiTuong": 1,
    }
    row.update(fields)
    return row


def step_row(n, official, status, at, account=None):
    return {"ThuTu": n, "NguoiXuLy": official, "TaiKhoanXuLy": account, "TrangThai": status, "ThoiDiemXuLy": at}
