"""A seeded, deterministic one-stop-shop: dossier life stories from 2022 to the sandbox's clock.

Each dossier is generated once as a full timeline (`Dossier`); `Dossier.payload(as_of)` renders
what the real system would have shown at that moment in the DVCQG sync format, so an incremental
pull sees a dossier again each time it changed. Days are generated independently (one RNG per
day), so a shorter date range yields the same dossiers for the days it covers.
"""

from __future__ import annotations

import bisect
import hashlib
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from connectors.sandbox import reference
from connectors.sandbox.applicants import ApplicantUnits, applicant_unit_and_verification
from connectors.sandbox.officials import (
    FAMILY,
    GIVEN,
    MIDDLE,
    AgencyProfile,
    Official,
    agency_profiles,
    name_only_steps,
)
from connectors.sandbox.working_calendar import WorkingCalendar

DATE_FORMAT = "%Y%m%d%H%M%S"
REFORM_DAY = date(2025, 7, 1)  # district level abolished (domain: two-tier local government)

# Per-year drift of the behaviours the program wants to change.
ONLINE_SHARE = {2022: 0.22, 2023: 0.33, 2024: 0.45, 2025: 0.56, 2026: 0.63}
ONLINE_PAYMENT_SHARE = {2022: 0.30, 2023: 0.45, 2024: 0.60, 2025: 0.72, 2026: 0.80}
DIGITISED_SHARE = {2022: 0.35, 2023: 0.48, 2024: 0.60, 2025: 0.68, 2026: 0.74}
E_RESULT_SHARE = {2022: 0.45, 2023: 0.60, 2024: 0.72, 2025: 0.82, 2026: 0.88}
VNEID_SHARE = {2022: 0.10, 2023: 0.35, 2024: 0.65, 2025: 0.85, 2026: 0.90}
MONTH_FACTOR = {
    1: 1.15,
    2: 0.75,
    3: 1.05,
    4: 1.0,
    5: 1.0,
    6: 1.05,
    7: 1.0,
    8: 0.95,
    9: 0.95,
    10: 1.0,
    11: 1.05,
    12: 1.15,
}
# Dossiers per working day per agency at scale 1, by level: about 32,000 a year in all.
DAILY_VOLUME = {"province": 2.6, "district": 4.0, "commune": 0.8}
# The commune level's dossiers per working day, all committees together before the reform: shared
# among the commune committees in force that day, so that the province's volume does not depend on
# how many commune-level units the reference file holds (38 x 0.8).
COMMUNE_DAILY_TOTAL = 30.4
# From 1 July 2025 the commune level takes over the district committees' work (9 x 4.0 a day) and the
# merged province is larger (Ninh Thuận), while the departments fell from 21 to 14 (2.6 a day each):
# x3 keeps the province's daily volume at or a little above its level before (121 -> ~128 a day), as
# the published figures of the merged province suggest (about 190,000 dossiers in Q3 2025).
COMMUNE_SHARE_AFTER_REFORM = 3.0


def daily_volume(agency: reference.Agency, day: date, communes_in_force: int) -> float:
    """Expected dossiers an agency receives on a working day at scale 1, before the month's factor."""
    if agency.level != "commune":
        return DAILY_VOLUME[agency.level]
    return COMMUNE_DAILY_TOTAL * (COMMUNE_SHARE_AFTER_REFORM if day >= REFORM_DAY else 1.0) / max(communes_in_force, 1)


DEFECT_KINDS = (
    "duplicate_on_next_page",
    "missing_due_date",
    "end_before_reception",
    "unknown_procedure",
    "decomposed_unicode",
    "stray_whitespace",
    "agency_spelled_twice",
    "unknown_applicant_unit",
)


def fmt(moment: datetime | None) -> str | None:
    """`moment` in DATE_FORMAT. The same text as `strftime(DATE_FORMAT)` (seconds truncated, years of four
    digits), three times faster: the sandbox renders every date of every dossier version it serves."""
    if not moment:
        return None
    return moment.isoformat(timespec="seconds").replace("-", "").replace(":", "").replace("T", "")


def _stable_unit(*parts: object) -> float:
    """A number in [0, 1) fixed by its inputs: the same defect hits the same dossier every run."""
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


@dataclass(frozen=True)
class SandboxConfig:
    seed: int = 20220101
    start: date = date(2022, 1, 1)
    end: date = field(default_factory=date.today)  # the sandbox's clock: nothing happens after it
    scale: float = 1.0
    defect_rate: float = 0.004  # share of dossiers carrying each kind of defect

    @property
    def clock(self) -> datetime:
        return datetime.combine(self.end, time(23, 59, 59))


@dataclass
class Dossier:
    """One dossier's whole life; `payload(as_of)` shows the part that had happened by then."""

    code: str
    procedure: reference.Procedure
    agency: reference.Agency
    channel: int | None
    applicant_name: str
    applicant_id: str
    applicant_type: int
    submitted: datetime
    received: datetime | None
    due: datetime | None
    steps: list[tuple[datetime, int, Official]] = field(default_factory=list)
    supplements: list[dict] = field(default_factory=list)
    apologies: list[dict] = field(default_factory=list)
    documents: list[dict] = field(default_factory=list)
    results: list[tuple[datetime, dict]] = field(default_factory=list)
    votes: list[tuple[datetime, int]] = field(default_factory=list)
    feedback: list[dict] = field(default_factory=list)
    synced: datetime | None = None
    digitised: bool = False
    vneid: bool = False
    paid_online: int = 0
    applicant_unit_code: str | None = None  # commune-level unit in force on the submission day
    applicant_verified: int | None = None  # against the population database; citizens only
    defects: frozenset[str] = frozenset()
    name_only: bool = False  # an older export: steps name the handler without the account
    change_times: list[datetime] = field(default_factory=list)
    # (moment, agency): the dossier handed to the successor of an agency that ended while it was
    # still in progress (a new version under the successor's code; MaHoSo unchanged)
    handovers: list[tuple[datetime, reference.Agency]] = field(default_factory=list)
    # each step's own deadline (NgayKetThucTheoQuyDinh), aligned with `steps`: step_deadlines()
    step_dues: list[datetime | None] = field(default_factory=list)

    def hand_over(self, successors: dict[str, reference.Agency]) -> None:
        """Hand the dossier on while its holder ends before the dossier does (first end event 9, 8, 7
        or 3; never, if it is still in progress): from the day after the holder's last day."""
        ends = [t for t, s, _ in self.steps if s in (3, 7, 8, 9)]
        end = min(ends) if ends else None
        holder = self.agency
        while holder.valid_to and holder.successor_code in successors:
            moment = datetime.combine(holder.valid_to + timedelta(days=1), time(0, 0))
            if end is not None and end < moment:
                break
            holder = successors[holder.successor_code]
            self.handovers.append((moment, holder))

    def agency_at(self, as_of: datetime) -> reference.Agency:
        agency = self.agency
        for moment, successor in self.handovers:
            if moment <= as_of:
                agency = successor
        return agency

    def finalise(self) -> None:
        times = {
            self.submitted,
            *(t for t, _ in self.handovers),
            *(t for t, _, _ in self.steps),
            *(t for t, _ in self.results),
            *(t for t, _ in self.votes),
        }
        for s in self.supplements:
            times.update(t for t in (s["requested"], s["supplied"]) if t)
        times.update(a["at"] for a in self.apologies)
        for f in self.feedback:
            times.update(t for t in (f["received"], f["answered"]) if t)
        if self.synced:
            times.add(self.synced)
        self.change_times = sorted(times)

    def version_at(self, as_of: datetime) -> datetime | None:
        i = bisect.bisect_right(self.change_times, as_of)
        return self.change_times[i - 1] if i else None

    def payload(self, as_of: datetime) -> dict | None:
        version = self.version_at(as_of)
        if version is None:
            return None
        dues = self.step_dues or [None] * len(self.steps)
        steps = [(t, s, o) for t, s, o in self.steps if t <= as_of]
        step_dues = [due for (t, _, _), due in zip(self.steps, dues) if t <= as_of]
        status = steps[-1][1] if steps else 1
        first = {s: t for t, s, _ in reversed(steps)}
        supplements = [s for s in self.supplements if s["requested"] <= as_of]
        due = None if "missing_due_date" in self.defects else self.due
        ended = first.get(9) or first.get(8) or first.get(7)
        if ended and "end_before_reception" in self.defects and self.received:
            ended = self.received - timedelta(days=2)
        agency = self.agency_at(as_of)
        agency_code, agency_name, procedure_code = agency.code, agency.name_vi, self.procedure.code
        if "agency_spelled_twice" in self.defects:
            agency_code = agency_code.lower()
            agency_name = agency_name.replace("Ủy ban nhân dân", "UBND")
        if "unknown_procedure" in self.defects:
            procedure_code = "1.9" + procedure_code[-5:]
        if "stray_whitespace" in self.defects:
            procedure_code, agency_name = f" {procedure_code} ", f"{agency_name}  "
        if "decomposed_unicode" in self.defects:
            agency_name = unicodedata.normalize("NFD", agency_name)
        return {
            "MaHoSo": self.code,
            "MaTTHC": procedure_code,
            "MaLinhVuc": self.procedure.field_code,
            "KenhThucHien": self.channel,
            "ChuHoSo": self.applicant_name,
            "SoGiayToChuHoSo": self.applicant_id,
            "LoaiDoiTuong": self.applicant_type,
            "MaDonViHanhChinhChuHoSo": self.applicant_unit_code,
            "DuocXacThucCSDLDanCu": self.applicant_verified,
            "NgayNopHoSo": fmt(self.submitted),
            "NgayTiepNhan": fmt(self.received) if self.received and self.received <= as_of else None,
            "NgayHenTra": fmt(due) if self.received and self.received <= as_of else None,
            "NgayKetThucXuLy": fmt(ended),
            "NgayTra": fmt(first.get(10)),
            "NgayTuChoi": fmt(first.get(3)),
            "TrangThaiHoSo": status,
            "DonViXuLy": agency_code,
            "TenDonViXuLy": agency_name,
            "HoSoCoThanhPhanSoHoa": int(self.digitised),
            "TaiKhoanDuocXacThucVoiVNeID": int(self.vneid),
            "DuocThanhToanTrucTuyen": self.paid_online if (first.get(4) or first.get(9)) else 0,
            "NgayDongBo": fmt(self.synced) if self.synced and self.synced <= as_of else None,
            "NgayCapNhat": fmt(version),
            "QuaTrinhXuLy": [
                {
                    "ThuTu": i,
                    "NguoiXuLy": o.name,
                    **({} if self.name_only else {"TaiKhoanXuLy": o.account}),
                    "ChucDanh": o.title,
                    "ThoiDiemXuLy": fmt(t),
                    "TrangThai": s,
                    "NgayKetThucTheoQuyDinh": fmt(step_due),
                }
                for i, ((t, s, o), step_due) in enumerate(zip(steps, step_dues), start=1)
            ],
            "BoSung": [
                {
                    "LanBoSung": i,
                    "NgayYeuCau": fmt(s["requested"]),
                    "CoVanBanYeuCau": s["written"],
                    "NgayBoSung": fmt(s["supplied"]) if s["supplied"] and s["supplied"] <= as_of else None,
                    "NgayHenTraTruoc": fmt(s["previous_due"]),
                    "NgayHenTraMoi": fmt(s["new_due"]) if s["supplied"] and s["supplied"] <= as_of else None,
                }
                for i, s in enumerate(supplements, start=1)
            ],
            "XinLoi": [
                {"LanXinLoi": i, "NgayXinLoi": fmt(a["at"]), "NgayHenTraMoi": fmt(a["new_due"])}
                for i, a in enumerate((a for a in self.apologies if a["at"] <= as_of), start=1)
            ],
            "LePhi": (
                [
                    {
                        "MaPhiLePhi": "LP-" + self.procedure.code,
                        "TenPhiLePhi": "Lệ phí " + self.procedure.name_vi.lower(),
                        "Gia": self.procedure.fee_vnd,
                    }
                ]
                if self.procedure.fee_vnd
                else []
            ),
            "GiayToNop": self.documents,
            "KetQua": [r for t, r in self.results if t <= as_of],
            "DanhGia": [{"MucDoHaiLong": level, "NgayDanhGia": fmt(t)} for t, level in self.votes if t <= as_of],
            "PhanAnhKienNghi": [
                {
                    "MaPAKN": f["code"],
                    "NgayTiepNhanPAKN": fmt(f["received"]),
                    "NgayTraLoiPAKN": fmt(f["answered"]) if f["answered"] and f["answered"] <= as_of else None,
                }
                for f in self.feedback
                if f["received"] <= as_of
            ],
        }


class OneStopShopSandbox:
    """All dossiers of the sandbox province, generated on construction."""

    def __init__(self, config: SandboxConfig | None = None):
        self.config = config or SandboxConfig()
        self.calendar = WorkingCalendar(reference.calendar_exceptions())
        self.procedures_by_level: dict[str, list[reference.Procedure]] = {}
        for p in reference.procedures():
            self.procedures_by_level.setdefault(p.level, []).append(p)
        self.profiles = agency_profiles(self.config.seed)
        self.applicant_units = ApplicantUnits()
        self.agencies = reference.agency_by_code()
        self.dossiers: list[Dossier] = []
        day = self.config.start
        while day <= self.config.end:
            self.dossiers.extend(self._dossiers_of_day(day))
            day += timedelta(days=1)
        self.dossiers = [d for d in self.dossiers if d.submitted <= self.config.clock]

    # -- one day's dossiers -----------------------------------------------------------------
    def _dossiers_of_day(self, day: date) -> list[Dossier]:
        rng = random.Random(self.config.seed * 100_000 + day.toordinal())
        working = self.calendar.is_working_day(day)
        year_growth = 1.0 + 0.05 * (day.year - 2022)
        out: list[Dossier] = []
        sequence: dict[str, int] = {}
        communes = sum(1 for p in self.profiles if p.agency.level == "commune" and p.agency.active_on(day))
        for profile in self.profiles:
            agency = profile.agency
            if not agency.active_on(day):
                continue
            level = agency.level
            # communes take over the abolished district level's dossiers from the reform day
            volume = daily_volume(agency, day, communes) * self.config.scale * MONTH_FACTOR[day.month] * year_growth
            if not working:
                volume *= 0.08  # only online submissions arrive on days off
            count = _poisson(rng, volume)
            procedures = self.procedures_by_level[
                "district" if level == "commune" and day >= REFORM_DAY and rng.random() < 0.3 else level
            ]
            for _ in range(count):
                d = self._dossier(rng, day, profile, rng.choice(procedures), working, sequence)
                d.step_dues = step_deadlines(d, self.calendar, undated=undated_steps(self.config.seed, d))
                out.append(d)
        return out

    def _dossier(
        self,
        rng: random.Random,
        day: date,
        profile: AgencyProfile,
        procedure: reference.Procedure,
        working: bool,
        sequence: dict[str, int],
    ) -> Dossier:
        cfg, cal, year = self.config, self.calendar, day.year
        online_share = (
            ONLINE_SHARE.get(year, 0.63) if procedure.full_online_eligible else ONLINE_SHARE.get(year, 0.63) * 0.4
        )
        roll = rng.random()
        if not working or roll < online_share:
            channel: int | None = 2
        elif roll < online_share + 0.03:
            channel = 3
        elif rng.random() < 0.01:
            channel = None  # unrecorded: counts as in person
        else:
            channel = 1
        if channel == 2:
            submitted = datetime.combine(day, time(rng.randrange(0, 24), rng.randrange(60), rng.randrange(60)))
            received = cal.opening_after(submitted + timedelta(minutes=rng.randrange(20, 600)))
        else:
            submitted = datetime.combine(
                day, time(rng.choice([7, 8, 9, 10, 13, 14, 15, 16]), rng.randrange(60), rng.randrange(60))
            )
            received = submitted + timedelta(minutes=rng.randrange(1, 15))
        agency = profile.agency
        # <agency>-<YYMMDD of submission>-<NNNN within the agency's day>: the sequence restarts every
        # submission day, so the code carries that day (with the reception date, an online dossier sent
        # on a day off and one received in person on the next working day would share a code).
        seq = sequence[agency.code] = sequence.get(agency.code, 0) + 1
        code = f"{agency.code}-{day.strftime('%y%m%d')}-{seq:04d}"
        applicant_type = (
            2
            if procedure.field_code in ("G02", "G03", "G13", "G17") and rng.random() < 0.85
            else rng.choices([1, 3, 4], [0.95, 0.03, 0.02])[0]
        )
        first_name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        defects = frozenset(k for k in DEFECT_KINDS if _stable_unit(cfg.seed, code, k) < cfg.defect_rate)
        d = Dossier(
            code=code,
            procedure=procedure,
            agency=agency,
            channel=channel,
            applicant_name=first_name
            if applicant_type != 2
            else f"Công ty TNHH {rng.choice(GIVEN)} {rng.choice(GIVEN)}",
            applicant_id=(
                f"0{rng.randrange(10**10, 10**11)}" if applicant_type != 2 else f"42{rng.randrange(10**7, 10**8)}"
            ),
            applicant_type=applicant_type,
            submitted=submitted,
            received=received,
            due=cal.due_after(received, procedure.statutory_days),
            defects=defects,
            name_only=name_only_steps(cfg.seed, code, day.year),
        )
        d.applicant_unit_code, d.applicant_verified = applicant_unit_and_verification(
            cfg.seed,
            code,
            submitted.date(),
            applicant_type,
            agency.district_name_vi,
            self.applicant_units,
            unknown_unit="unknown_applicant_unit" in defects,
            unit_code=agency.unit_code,
        )
        clerk = rng.choice(profile.clerks)
        specialist = rng.choice(profile.specialists)
        leader = profile.leaders[0]
        if channel == 2:
            d.steps.append((submitted, 1, clerk))
        if rng.random() < 0.02:  # not accepted at the counter
            d.steps.append((received, 3, clerk))
            d.received = received
            d.finalise()
            return d  # never received: nothing to hand over
        d.steps.append((received, 2, clerk))
        d.steps.append((received + timedelta(minutes=rng.randrange(30, 240)), 4, specialist))
        self._decorate(rng, d, year, profile)
        due = d.due
        # Supplement rounds: the applicant's waiting time moves the due date.
        rounds = 2 if rng.random() < 0.005 else (1 if rng.random() < 0.08 else 0)
        cursor = d.steps[-1][0]
        for _ in range(rounds):
            span = max((due - cursor).total_seconds(), 3600)
            requested = cursor + timedelta(seconds=rng.uniform(0.1, 0.5) * span)
            supplied = (
                None
                if rng.random() < 0.08
                else requested + timedelta(days=rng.randrange(1, 12), hours=rng.randrange(8))
            )
            new_due = cal.shift(due, cal.working_days_between(requested.date(), supplied.date())) if supplied else None
            d.supplements.append(
                {
                    "requested": requested,
                    "supplied": supplied,
                    "previous_due": due,
                    "new_due": new_due,
                    "written": 1 if rng.random() < 0.95 else 0,
                }
            )
            d.steps.append((requested, 5, specialist))
            if supplied is None:
                d.hand_over(self.agencies)
                d.finalise()
                return d
            d.steps.append((supplied, 4, specialist))
            due, cursor = new_due, supplied
        # Outcome.
        outcome = rng.random()
        if outcome < 0.015:
            d.steps.append(
                (
                    cursor + timedelta(seconds=rng.uniform(0.1, 0.9) * max((due - cursor).total_seconds(), 3600)),
                    7,
                    clerk,
                )
            )
        elif outcome < 0.02:
            d.steps.append(
                (
                    cursor + timedelta(seconds=rng.uniform(0.1, 0.9) * max((due - cursor).total_seconds(), 3600)),
                    8,
                    leader,
                )
            )
        else:
            late = rng.random() < specialist.late_rate or len(d.supplements) > 1 and rng.random() < 0.5
            if late:
                late_by = cal.shift(due, rng.randrange(1, 9))
                finished = cal.working_moment_between(rng, late_by - timedelta(hours=12), late_by)
                if finished <= due:
                    finished = due + timedelta(hours=rng.uniform(1, 20))
                if rng.random() < 0.85:
                    at = due - timedelta(hours=rng.uniform(0, 20))
                    d.apologies.append(
                        {"at": max(at, cursor), "new_due": finished + timedelta(hours=rng.uniform(0, 6))}
                    )
            else:
                start = cursor + timedelta(minutes=30)
                finished = cal.working_moment_between(rng, start, max(due, start))
            d.steps.append((finished, 9, leader))
            returned = (
                finished
                if channel == 2 and rng.random() < 0.6
                else cal.working_moment_between(rng, finished, finished + timedelta(days=3))
            )
            d.steps.append((returned, 10, clerk))
            if procedure.has_result_document:
                link = (
                    f"https://dichvucong.khanhhoa.gov.vn/ketqua/{code}.pdf"
                    if rng.random() < E_RESULT_SHARE.get(year, 0.88)
                    else None
                )
                d.results.append(
                    (
                        finished,
                        {"MaGiayTo": "KQ-" + procedure.code, "TenGiayTo": procedure.name_vi, "DuongDanTep": link},
                    )
                )
            if rng.random() < 0.38:
                unhappy = min(0.9, profile.dissatisfied_rate * (3.5 if late else 1.0))
                level = 3 if rng.random() < unhappy else (1 if rng.random() < 0.5 else 2)
                d.votes.append((returned + timedelta(hours=rng.uniform(0, 72)), level))
        d.hand_over(self.agencies)
        d.finalise()
        return d

    def _decorate(self, rng: random.Random, d: Dossier, year: int, profile: AgencyProfile) -> None:
        """Flags that do not change the dossier's path: digitisation, VNeID, payment, sync, feedback."""
        d.digitised = rng.random() < DIGITISED_SHARE.get(year, 0.74)
        d.vneid = d.channel == 2 and rng.random() < VNEID_SHARE.get(year, 0.9)
        if d.procedure.fee_vnd and d.channel == 2 and rng.random() < ONLINE_PAYMENT_SHARE.get(year, 0.8):
            d.paid_online = 1 if rng.random() < 0.7 else 2
        for i in range(rng.choice([1, 1, 2, 3])):
            d.documents.append(
                {
                    "MaGiayTo": f"GT{i + 1:02d}",
                    "TenGiayTo": ["Đơn đề nghị", "Bản sao CCCD", "Giấy tờ chứng minh", "Bản vẽ"][i],
                    "DuocSoHoa": int(d.digitised and rng.random() < 0.8),
                    "DuocTaiSuDung": int(rng.random() < 0.25),
                    "DuocLayTuKhoDMQG": int(d.channel == 2 and rng.random() < 0.2),
                }
            )
        if rng.random() < 0.96:
            d.synced = d.received + timedelta(minutes=rng.randrange(5, 2880))
        if rng.random() < 0.007:
            received = d.received + timedelta(days=rng.randrange(1, 20))
            answered = None if rng.random() < 0.1 else self.calendar.shift(received, rng.randrange(1, 25))
            d.feedback.append({"code": f"PAKN-{d.code}", "received": received, "answered": answered})


COUNTER_STATUSES = (1, 2, 3)  # submitted online, received, not accepted: the counter's step
WAITING_STATUSES = (5, 6)  # supplement / payment requested: the applicant's time, no official's deadline
UNDATED_STEPS_SHARE = 0.05  # dossiers of a vendor system that sends no step deadlines (besides older exports)


def undated_steps(seed: int, d: Dossier) -> bool:
    """Whether the dossier's steps come without deadlines: the older exports (steps named without
    an account) and a share of the rest, as older vendor systems send them (no rng draw: the
    generator's other draws stay as they were)."""
    return d.name_only or _stable_unit(seed, d.code, "undated_steps") < UNDATED_STEPS_SHARE


def step_deadlines(d: Dossier, cal: WorkingCalendar, undated: bool = False) -> list[datetime | None]:
    """Each step's own deadline (NgayKetThucTheoQuyDinh), as one-stop-shop systems set them from the
    procedure's internal process (quy trình nội bộ: the statutory time split into timed steps, in
    sequence): the counter's steps the day of reception; a processing step the statutory time less
    the leader's approval day (the working day before the due date in force at the step: a
    supplement round moves both); the approval, stop and result steps the due date in force;
    none for a wait on the applicant, nor anywhere when `undated`."""
    if undated or d.received is None or d.due is None:
        return [None] * len(d.steps)
    counter_deadline = datetime.combine(d.received.date(), time(23, 59, 59))
    out: list[datetime | None] = []
    for t, s, _ in d.steps:
        due = d.due
        for round_ in d.supplements:
            if round_["supplied"] and round_["new_due"] and round_["supplied"] <= t:
                due = round_["new_due"]
        if s in COUNTER_STATUSES:
            out.append(counter_deadline)
        elif s in WAITING_STATUSES:
            out.append(None)
        elif s == 4 and d.procedure.statutory_days >= 2:
            day = due.date() - timedelta(days=1)
            while not cal.is_working_day(day):
                day -= timedelta(days=1)
            out.append(datetime.combine(day, due.time()))
        else:
            out.append(due)
    return out


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, mean**0.5)))
    # Knuth's method: fine for the small means of one agency-day.
    limit, k, p = pow(2.718281828459045, -mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
