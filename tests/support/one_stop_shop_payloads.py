"""One-stop-shop dossiers as the source sends them (the API's JSON payload, the export's NDJSON lines)."""

from __future__ import annotations

import json
from pathlib import Path


def dossier(code: str = "000.00.01.H34-220110-0001", **fields) -> dict:
    """A small valid payload, as the sandbox would send it."""
    payload = {
        "MaHoSo": code,
        "MaTTHC": "1.004227",
        "MaLinhVuc": "G01",
        "KenhThucHien": 2,
        "ChuHoSo": "Nguyễn Văn An",
        "SoGiayToChuHoSo": "056123456789",
        "LoaiDoiTuong": 1,
        "NgayNopHoSo": "20220110080000",
        "NgayTiepNhan": "20220110081500",
        "NgayHenTra": "20220117170000",
        "NgayKetThucXuLy": None,
        "NgayTra": None,
        "NgayTuChoi": None,
        "TrangThaiHoSo": 4,
        "DonViXuLy": "000.00.01.H34",
        "TenDonViXuLy": "Sở Tư pháp tỉnh Khánh Hòa",
        "HoSoCoThanhPhanSoHoa": 1,
        "TaiKhoanDuocXacThucVoiVNeID": 0,
        "DuocThanhToanTrucTuyen": 0,
        "NgayDongBo": None,
        "NgayCapNhat": "20220110093000",
        "QuaTrinhXuLy": [
            {
                "ThuTu": 1,
                "NguoiXuLy": "Trần Thị Bình",
                "ChucDanh": "Cán bộ tiếp nhận",
                "ThoiDiemXuLy": "20220110081500",
                "TrangThai": 2,
                "NgayKetThucTheoQuyDinh": "20220117170000",
            },
            {
                "ThuTu": 2,
                "NguoiXuLy": "Lê Văn Châu",
                "ChucDanh": "Chuyên viên",
                "ThoiDiemXuLy": "20220110093000",
                "TrangThai": 4,
                "NgayKetThucTheoQuyDinh": "20220117170000",
            },
        ],
        "BoSung": [],
        "XinLoi": [],
        "LePhi": [{"MaPhiLePhi": "LP-1", "TenPhiLePhi": "Lệ phí", "Gia": 50000}],
        "GiayToNop": [
            {"MaGiayTo": "GT01", "TenGiayTo": "Đơn đề nghị", "DuocSoHoa": 1, "DuocTaiSuDung": 0, "DuocLayTuKhoDMQG": 0}
        ],
        "KetQua": [],
        "DanhGia": [],
        "PhanAnhKienNghi": [],
    }
    payload.update(fields)
    return payload


def write_ndjson(path: Path, payloads: list[dict]) -> Path:
    path.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in payloads), encoding="utf-8")
    return path
