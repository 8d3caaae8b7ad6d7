"""A hand-made one-stop-shop export whose indicators are worked out by hand below.

Agency A = 000.00.01.H34 (Sở Nội vụ), procedure 1.004227 (10 working days, fee-bearing,
full-online eligible). Agency B = 000.00.02.H34 (Sở Tư pháp), same procedure. Times local.

| dossier | received | due (NgayHenTra) | what happens | channel, paid online |
|---|---|---|---|---|
| D1 | Mon 04/03/2024 08:00 | 18/03 17:00 | processed 15/03 10:00, returned 15/03 14:00, vote 1 on 16/03 | online, paid (1) |
| D2 | Tue 05/03 09:00 | 19/03 17:00 | apology 19/03 09:00, processed 21/03 10:00 (late), vote 3 on 22/03 | in person |
| D3 | Wed 06/03 09:00 | 20/03 17:00 | supplement asked 08/03, supplied 12/03, due moved to 22/03 17:00; processed 22/03 16:00 (on time); vote 2 on 23/03 | online, not paid online |
| D4 | Mon 25/03 09:00 | 08/04 17:00 | never finishes | in person |
| D5 | Mon 11/03 09:00 | 25/03 17:00 | withdrawn 13/03 10:00 (ends on time) | in person |
| D6 | Tue 12/03 09:00 | 26/03 17:00 | processed 27/03 09:00 (late, no apology) | online, paid (2) |
| D8 | Fri 26/04 09:00 | (missing) | processed 14/05 16:00 | in person |
| D7 | Mon 06/01/2025 09:00 | 20/01/2025 17:00 | processed 10/01/2025 | online, not paid |
| B1-B3 | agency B, 03/06/2024 | 17/06 17:00 | processed 05/06 | in person |

D8 has no due date: 10 working days after Fri 26/04/2024, skipping the holidays 29/04 (a day off
swapped with Saturday 04/05, which is worked), 30/04, 01/05 and the other weekend days, is Tue
14/05/2024 17:00 (02, 03, 04, 06-10, 13, 14 May), so finishing at 16:00 that day is on time
(ignoring the make-up Saturday would give Wed 15/05; ignoring the holidays Fri 10/05, both
calling it late).

Agency A, March 2024: received 6 (D1-D6); finished 5 (D1, D2, D3, D5, D6): on time 3 (D1, D3,
D5), late 2 (D2, D6); pending at the end 1 (D4, due 08/04: not overdue).
  late rate = 1 - (3 + 1) / (5 + 1) = 1/3; online share 3/6 (D1, D3, D6); full-online share 3/6;
  paid online 2/6 (D1, D6); satisfaction 2/3 (votes 1, 3, 2 in March); apology coverage 1/2
  (late D2, D6; only D2 apologised); T01: 1/3 >= 5% -> cannot be ranked good.
Agency A, April 2024: received 1 (D8); finished 0; pending at the end 2 (D4 overdue, D8 not):
  late rate = 1 - (0 + 1) / (0 + 2) = 1/2.
Agency A, year 2024: received 7; finished 6, on time 4 (D1, D3, D5, D8), late 2; pending 1 (D4,
  overdue): late rate = 1 - 4/7 = 3/7; online 3/7; paid online 2/7; apology coverage 1/3 (D2 of
  D2, D6, D4).
Agency B, year 2024: 3 received, 3 on time, late rate 0, no votes -> satisfaction null, and
  T01 false (late 0 < 5%, satisfaction unknown).
Officials, 2024 (threshold 10%): clerk Trần Thị Lan (all of A's) 3/7 late; specialist Lê Văn Hùng
(D1, D2, D3) 1/3; specialist Phạm Minh Tâm (D4, D5, D6, D8) 1 - 2/4 = 1/2; leader Võ Đức Long
signs D1, D2, D3, D6: 2/4. All four cannot be rated good. In 2025 (threshold 5%) Hùng handles D7
only, on time: late rate 0, can be rated good.
"""

from __future__ import annotations

import json
from pathlib import Path

AGENCY_A, AGENCY_B, PROCEDURE = "000.00.01.H34", "000.00.02.H34", "1.004227"
CLERK, HUNG, TAM, LONG, CLERK_B, EXPERT_B = (
    "Trần Thị Lan",
    "Lê Văn Hùng",
    "Phạm Minh Tâm",
    "Võ Đức Long",
    "Đặng Thu Hà",
    "Bùi Quốc Sơn",
)


def _d(s: str) -> str:
    """'2024-03-04 08:00' -> '20240304080000'."""
    return s.replace("-", "").replace(" ", "").replace(":", "") + "00"


def dossier(code, agency, received, due, steps, channel=1, paid=0, supplements=(), apologies=(), votes=()):
    status = steps[-1][2]
    times = {s: _d(t) for _, t, s in steps}
    updated = max(
        [_d(t) for _, t, _ in steps]
        + [_d(v[1]) for v in votes]
        + [_d(s[1]) for s in supplements]
        + [_d(a[0]) for a in apologies]
    )
    return {
        "MaHoSo": code,
        "MaTTHC": PROCEDURE,
        "MaLinhVuc": "G01",
        "KenhThucHien": channel,
        "ChuHoSo": f"Người nộp {code[-4:]}",
        "SoGiayToChuHoSo": f"0790{code[-4:]}12345",
        "LoaiDoiTuong": 1,
        "NgayNopHoSo": _d(received),
        "NgayTiepNhan": _d(received),
        "NgayHenTra": _d(due) if due else None,
        "NgayKetThucXuLy": times.get(9) or times.get(7),
        "NgayTra": times.get(10),
        "NgayTuChoi": None,
        "TrangThaiHoSo": status,
        "DonViXuLy": agency,
        "TenDonViXuLy": "Sở Nội vụ" if agency == AGENCY_A else "Sở Tư pháp",
        "HoSoCoThanhPhanSoHoa": 1,
        "TaiKhoanDuocXacThucVoiVNeID": int(channel == 2),
        "DuocThanhToanTrucTuyen": paid,
        "NgayDongBo": _d(received),
        "NgayCapNhat": updated,
        "QuaTrinhXuLy": [
            {
                "ThuTu": i,
                "NguoiXuLy": who,
                "ChucDanh": "Chuyên viên",
                "ThoiDiemXuLy": _d(t),
                "TrangThai": s,
                "NgayKetThucTheoQuyDinh": None,
            }
            for i, (who, t, s) in enumerate(steps, 1)
        ],
        "BoSung": [
            {
                "LanBoSung": i,
                "NgayYeuCau": _d(req),
                "CoVanBanYeuCau": 1,
                "NgayBoSung": _d(sup),
                "NgayHenTraTruoc": _d(prev),
                "NgayHenTraMoi": _d(new),
            }
            for i, (req, sup, prev, new) in enumerate(supplements, 1)
        ],
        "XinLoi": [
            {"LanXinLoi": i, "NgayXinLoi": _d(at), "NgayHenTraMoi": _d(new)} for i, (at, new) in enumerate(apologies, 1)
        ],
        "LePhi": [{"MaPhiLePhi": "LP-1.004227", "TenPhiLePhi": "Lệ phí", "Gia": 200000}],
        "GiayToNop": [
            {"MaGiayTo": "GT01", "TenGiayTo": "Tờ khai", "DuocSoHoa": 1, "DuocTaiSuDung": 0, "DuocLayTuKhoDMQG": 0}
        ],
        "KetQua": [{"MaGiayTo": "KQ01", "TenGiayTo": "Phiếu lý lịch tư pháp", "DuongDanTep": None}]
        if 9 in times
        else [],
        "DanhGia": [{"MucDoHaiLong": level, "NgayDanhGia": _d(at)} for level, at in votes],
        "PhanAnhKienNghi": [],
    }


def received(who, t):
    return (who, t, 2), (who, t, 4)


DOSSIERS = [
    dossier(
        f"{AGENCY_A}-240304-0001",
        AGENCY_A,
        "2024-03-04 08:00",
        "2024-03-18 17:00",
        [
            *received(CLERK, "2024-03-04 08:00"),
            (HUNG, "2024-03-04 10:00", 4),
            (LONG, "2024-03-15 10:00", 9),
            (CLERK, "2024-03-15 14:00", 10),
        ],
        channel=2,
        paid=1,
        votes=[(1, "2024-03-16 09:00")],
    ),
    dossier(
        f"{AGENCY_A}-240305-0001",
        AGENCY_A,
        "2024-03-05 09:00",
        "2024-03-19 17:00",
        [
            *received(CLERK, "2024-03-05 09:00"),
            (HUNG, "2024-03-05 10:00", 4),
            (LONG, "2024-03-21 10:00", 9),
            (CLERK, "2024-03-21 15:00", 10),
        ],
        apologies=[("2024-03-19 09:00", "2024-03-21 17:00")],
        votes=[(3, "2024-03-22 09:00")],
    ),
    dossier(
        f"{AGENCY_A}-240306-0001",
        AGENCY_A,
        "2024-03-06 09:00",
        "2024-03-20 17:00",
        [
            *received(CLERK, "2024-03-06 09:00"),
            (HUNG, "2024-03-06 10:00", 4),
            (HUNG, "2024-03-08 09:00", 5),
            (HUNG, "2024-03-12 09:00", 4),
            (LONG, "2024-03-22 16:00", 9),
            (CLERK, "2024-03-22 16:30", 10),
        ],
        channel=2,
        supplements=[("2024-03-08 09:00", "2024-03-12 09:00", "2024-03-20 17:00", "2024-03-22 17:00")],
        votes=[(2, "2024-03-23 09:00")],
    ),
    dossier(
        f"{AGENCY_A}-240325-0001",
        AGENCY_A,
        "2024-03-25 09:00",
        "2024-04-08 17:00",
        [*received(CLERK, "2024-03-25 09:00"), (TAM, "2024-03-25 10:00", 4)],
    ),
    dossier(
        f"{AGENCY_A}-240311-0001",
        AGENCY_A,
        "2024-03-11 09:00",
        "2024-03-25 17:00",
        [*received(CLERK, "2024-03-11 09:00"), (TAM, "2024-03-11 10:00", 4), (CLERK, "2024-03-13 10:00", 7)],
    ),
    dossier(
        f"{AGENCY_A}-240312-0001",
        AGENCY_A,
        "2024-03-12 09:00",
        "2024-03-26 17:00",
        [*received(CLERK, "2024-03-12 09:00"), (TAM, "2024-03-12 10:00", 4), (LONG, "2024-03-27 09:00", 9)],
        channel=2,
        paid=2,
    ),
    dossier(
        f"{AGENCY_A}-240426-0001",
        AGENCY_A,
        "2024-04-26 09:00",
        None,
        [*received(CLERK, "2024-04-26 09:00"), (TAM, "2024-04-26 10:00", 4), (TAM, "2024-05-14 16:00", 9)],
    ),
    dossier(
        f"{AGENCY_A}-250106-0001",
        AGENCY_A,
        "2025-01-06 09:00",
        "2025-01-20 17:00",
        [("Ngô Gia Linh", "2025-01-06 09:00", 2), (HUNG, "2025-01-06 10:00", 4), (HUNG, "2025-01-10 09:00", 9)],
        channel=2,
    ),
    *[
        dossier(
            f"{AGENCY_B}-240603-000{i}",
            AGENCY_B,
            "2024-06-03 09:00",
            "2024-06-17 17:00",
            [*received(CLERK_B, "2024-06-03 09:00"), (EXPERT_B, "2024-06-05 09:00", 9)],
        )
        for i in (1, 2, 3)
    ],
]


def write_export(path: Path) -> Path:
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in DOSSIERS), encoding="utf-8")
    return path
