"""Time the one-stop-shop gate on a large synthetic batch (not a test: timings vary by machine).

    .venv/bin/python -m expectations.benchmark [n_dossiers] [steps_per_dossier]

Builds, with vectorised numpy, ~200,000 dossier rows and ~1,000,000 process-step rows that follow
the landing contract, with about 1% of realistic defects (bad codes, a back-dated due date,
repeated rows), then validates them with `validate_one_stop_shop_batch` and prints the timings.
"""

from __future__ import annotations

import sys
import time


def make_batch(n_dossiers: int = 200_000, steps_per_dossier: int = 5, seed: int = 0, load_id: str = "bench-load"):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    n = n_dossiers
    agency = np.char.add("000.00.", np.char.add(np.char.zfill(rng.integers(1, 29, n).astype(str), 2), ".H34"))
    day = rng.integers(1, 29, n)
    yymmdd = np.char.add("2406", np.char.zfill(day.astype(str), 2))
    seq = np.char.zfill((np.arange(n) % 10_000).astype(str), 4)
    code = np.char.add(np.char.add(np.char.add(agency, "-"), np.char.add(yymmdd, "-")), seq)
    received = np.char.add(np.char.add("202406", np.char.zfill(day.astype(str), 2)), "083000")
    due_day = np.minimum(day + rng.integers(0, 3, n), 30)
    due = np.char.add(np.char.add("202406", np.char.zfill(due_day.astype(str), 2)), "170000")
    updated = np.char.add(np.char.add("202407", np.char.zfill(rng.integers(1, 29, n).astype(str), 2)), "120000")

    # ~1% defects of the kinds the source produces
    bad = rng.random(n) < 0.01
    code = np.where(bad, np.char.lower(code), code)
    due = np.where(rng.random(n) < 0.005, "20240101000000", due)

    def s(a):
        return pd.array(a, dtype="str")

    def i32(a):
        return np.asarray(a, dtype="int32")

    meta = {
        "_load_id": s(np.full(n, load_id)),
        "_source": s(np.full(n, "sandbox://bench")),
        "_loaded_at": pd.Series(pd.Timestamp("2024-07-30T00:00:00Z"), index=range(n)).astype("datetime64[us, UTC]"),
        "_page": i32(np.arange(n) // 500),
    }
    dossiers = pd.DataFrame(
        {
            "MaHoSo": s(code),
            "MaTTHC": s(np.full(n, "1.004227")),
            "MaLinhVuc": s(np.full(n, "G01")),
            "KenhThucHien": rng.choice(np.array([1.0, 2.0, 3.0, np.nan]), n),
            "ChuHoSo": s(np.full(n, "9f" * 32)),
            "SoGiayToChuHoSo": s(np.full(n, "ab" * 32)),
            "LoaiDoiTuong": i32(rng.integers(1, 5, n)),
            "NgayNopHoSo": s(received),
            "NgayTiepNhan": s(received),
            "NgayHenTra": s(due),
            "NgayKetThucXuLy": s(due),
            "NgayTra": s(due),
            "NgayTuChoi": pd.array([None] * n, dtype="str"),
            "TrangThaiHoSo": i32(rng.integers(1, 11, n)),
            "DonViXuLy": s(agency),
            "TenDonViXuLy": s(np.full(n, "Sở Tư pháp")),
            "HoSoCoThanhPhanSoHoa": i32(rng.integers(0, 2, n)),
            "TaiKhoanDuocXacThucVoiVNeID": i32(rng.integers(0, 2, n)),
            "DuocThanhToanTrucTuyen": rng.choice(np.array([0.0, 1.0, 2.0, np.nan]), n),
            "NgayDongBo": s(updated),
            "NgayCapNhat": s(updated),
            "MaDonViHanhChinhChuHoSo": s(np.full(n, "22327")),
            "DuocXacThucCSDLDanCu": i32(np.arange(n) % 2),
            **meta,
        }
    )
    m = n * steps_per_dossier
    parent = np.repeat(np.arange(n), steps_per_dossier)
    steps = pd.DataFrame(
        {
            "MaHoSo": s(code[parent]),
            "NgayCapNhat": s(updated[parent]),
            "ThuTu": i32(np.tile(np.arange(1, steps_per_dossier + 1), n)),
            "NguoiXuLy": s(np.full(m, "c3" * 32)),
            "TaiKhoanXuLy": s(np.full(m, "d4" * 16)),
            "ChucDanh": s(np.full(m, "Chuyên viên")),
            "ThoiDiemXuLy": s(received[parent]),
            "TrangThai": i32(rng.integers(1, 11, m)),
            "NgayKetThucTheoQuyDinh": s(due[parent]),
            "_load_id": s(np.full(m, load_id)),
            "_source": s(np.full(m, "sandbox://bench")),
            "_loaded_at": pd.Series(pd.Timestamp("2024-07-30T00:00:00Z"), index=range(m)).astype("datetime64[us, UTC]"),
            "_page": i32(parent // 500),
        }
    )
    return {"dossiers": dossiers, "process_steps": steps}


def main(argv: list[str]) -> None:
    n = int(argv[1]) if len(argv) > 1 else 200_000
    k = int(argv[2]) if len(argv) > 2 else 5
    t0 = time.perf_counter()
    frames = make_batch(n, k)
    t1 = time.perf_counter()
    import os

    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    import great_expectations  # noqa: F401  (timed separately from validation)

    t2 = time.perf_counter()
    from expectations.one_stop_shop import validate_one_stop_shop_batch

    result = validate_one_stop_shop_batch(frames, "bench-load")
    t3 = time.perf_counter()
    rows = {k: len(v) for k, v in frames.items()}
    print(f"rows: {rows}")
    print(f"build frames {t1 - t0:.1f}s, import GX {t2 - t1:.1f}s, validate {t3 - t2:.1f}s")
    for d in result.datasets:
        print(
            f"  {d.dataset}: {d.expectations_evaluated} expectations, {d.expectations_failed} failed, "
            f"{d.rows_affected} rows affected"
        )
    print(result.summary())


if __name__ == "__main__":
    main(sys.argv)
