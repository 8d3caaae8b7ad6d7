"""Benchmark landing zone: N synthetic dossiers (default 200 000, ~5 process steps each) written
straight to the landing layout with DuckDB, plus an accepted verdict, to time `dbt build` at scale.

    .venv/bin/python -m tests.dbt_fixtures.bench_landing /tmp/bench/landing 200000
    cd dbt_project && PAR_LANDING_DIR=/tmp/bench/landing PAR_WAREHOUSE_PATH=/tmp/bench/wh.duckdb \
        DO_NOT_TRACK=1 ../.venv/bin/dbt build --profiles-dir .

Not a test (timings belong in benchmarks): values are random, only the volumes are realistic.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from tests.dbt_fixtures.landing_builder import write_empty_budget_landing, write_other_sources_empty, write_verdict

LOAD_ID = "bench-load"
LOAD_DATE = "2025-12-31"


def write_bench_landing(landing_dir: str | Path, n_dossiers: int = 200_000) -> None:
    root = Path(landing_dir) / "one_stop_shop"
    con = duckdb.connect()
    procs = ["1.004227", "2.001610", "1.002804", "1.001193", "1.003055", "1.010007", "9.999999"]
    agencies = [
        "000.00.02.H34",
        "000.00.16.h34",
        " 000.00.21.H34",
        "000.00.15.H34",
        "000.00.07.H34",
    ]  # all in int_agencies
    con.execute(f"""
        create table d as
        select
            i,
            '000.00.02.H34-' || strftime(rcv, '%y%m%d') || '-' || lpad(cast(i % 10000 as varchar), 4, '0') || '' as code,
            rcv,
            rcv + to_days(cast(3 + (i % 20) as integer)) as due,
            case when i % 10 < 8 then rcv + to_hours(cast(24 * (1 + (i * 7) % 25) as integer)) end as ended,
            list_extract({procs}, cast(1 + i % {len(procs)} as integer)) as proc,
            list_extract({agencies}, cast(1 + i % {len(agencies)} as integer)) as agency
        from (
            select i, timestamp '2022-01-03 08:00:00' + to_minutes(cast((i * 9973) % (4 * 365 * 24 * 60) as integer)) as rcv
            from range({n_dossiers}) t(i)
        )
    """)
    batch = f"'{LOAD_ID}' as _load_id, 'bench://' as _source, now()::timestamptz as _loaded_at, 0::integer as _page"
    fmt = "'%Y%m%d%H%M%S'"
    queries = {
        "dossiers": f"""select code as MaHoSo, proc as MaTTHC, 'G01' as MaLinhVuc, cast(1 + i % 2 as integer) as KenhThucHien,
                'h' as ChuHoSo, 'h' as SoGiayToChuHoSo, 1::integer as LoaiDoiTuong, strftime(rcv, {fmt}) as NgayNopHoSo,
                strftime(rcv, {fmt}) as NgayTiepNhan, case when i % 7 <> 0 then strftime(due, {fmt}) end as NgayHenTra,
                strftime(ended, {fmt}) as NgayKetThucXuLy, null::varchar as NgayTra, null::varchar as NgayTuChoi,
                case when ended is null then 4 else 9 end::integer as TrangThaiHoSo, agency as DonViXuLy,
                'Sở' as TenDonViXuLy, 1::integer as HoSoCoThanhPhanSoHoa, 0::integer as TaiKhoanDuocXacThucVoiVNeID,
                cast(i % 3 as integer) as DuocThanhToanTrucTuyen, null::varchar as NgayDongBo,
                strftime(coalesce(ended, rcv), {fmt}) as NgayCapNhat, null::varchar as MaDonViHanhChinhChuHoSo,
                null::integer as DuocXacThucCSDLDanCu, {batch} from d""",
        "process_steps": f"""select code as MaHoSo, strftime(coalesce(ended, rcv), {fmt}) as NgayCapNhat, cast(s as integer) as ThuTu,
                'off-' || cast((i * 31 + s) % 3000 as varchar) as NguoiXuLy, 'CV' as ChucDanh,
                strftime(case when s = 5 and ended is not null then ended else rcv + to_hours(cast(s as integer)) end, {fmt}) as ThoiDiemXuLy,
                case when s = 5 and ended is not null then 9 else 4 end::integer as TrangThai, null::varchar as NgayKetThucTheoQuyDinh,
                {batch} from d, range(1, 6) r(s)""",
        "supplements": f"""select code as MaHoSo, strftime(coalesce(ended, rcv), {fmt}) as NgayCapNhat, cast(s as integer) as LanBoSung,
                strftime(rcv + to_hours(cast(20 * s as integer)), {fmt}) as NgayYeuCau, 1::integer as CoVanBanYeuCau,
                strftime(rcv + to_hours(cast(30 * s as integer)), {fmt}) as NgayBoSung, strftime(due, {fmt}) as NgayHenTraTruoc,
                strftime(due + to_days(cast(2 * s as integer)), {fmt}) as NgayHenTraMoi, {batch}
                from d, range(1, 3) r(s) where i % 5 = 0 and (s = 1 or i % 15 = 0)""",
        "apologies": f"""select code as MaHoSo, strftime(coalesce(ended, rcv), {fmt}) as NgayCapNhat, 1::integer as LanXinLoi,
                strftime(due, {fmt}) as NgayXinLoi, strftime(due + to_days(3), {fmt}) as NgayHenTraMoi, {batch} from d where i % 13 = 0""",
        "fees": f"""select code as MaHoSo, strftime(coalesce(ended, rcv), {fmt}) as NgayCapNhat, 'LP' as MaPhiLePhi, 'Lệ phí' as TenPhiLePhi,
                cast(50000 as bigint) as Gia, {batch} from d where i % 2 = 0""",
        "documents": f"""select code as MaHoSo, strftime(coalesce(ended, rcv), {fmt}) as NgayCapNhat, 'GT' as MaGiayTo, 'Giấy tờ' as TenGiayTo,
                1::integer as DuocSoHoa, 0::integer as DuocTaiSuDung, 0::integer as DuocLayTuKhoDMQG, {batch} from d""",
        "results": f"""select code as MaHoSo, strftime(coalesce(ended, rcv), {fmt}) as NgayCapNhat, 'KQ' as MaGiayTo, 'Kết quả' as TenGiayTo,
                'https://example.invalid/kq' as DuongDanTep, {batch} from d where ended is not null""",
        "votes": f"""select code as MaHoSo, strftime(coalesce(ended, rcv), {fmt}) as NgayCapNhat, cast(1 + i % 3 as integer) as MucDoHaiLong,
                strftime(ended + to_hours(2), {fmt}) as NgayDanhGia, {batch} from d where ended is not null and i % 4 = 0""",
        "feedback": f"""select code as MaHoSo, strftime(coalesce(ended, rcv), {fmt}) as NgayCapNhat, 'PAKN' as MaPAKN,
                strftime(rcv, {fmt}) as NgayTiepNhanPAKN, null::varchar as NgayTraLoiPAKN, {batch} from d where i % 50 = 0""",
    }
    for name, sql in queries.items():
        out = root / name / f"load_date={LOAD_DATE}"
        out.mkdir(parents=True, exist_ok=True)
        con.execute(f"copy ({sql}) to '{out / (LOAD_ID + '-00000.parquet')}' (format parquet)")
    write_verdict(landing_dir, LOAD_ID, "accepted", load_date=LOAD_DATE)
    write_empty_budget_landing(landing_dir, LOAD_ID, LOAD_DATE)
    write_other_sources_empty(landing_dir)


if __name__ == "__main__":
    write_bench_landing(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 200_000)
