"""A seeded, deterministic cadre management system (phần mềm quản lý cán bộ, công chức, viên chức).

What it holds, as the real system would at its clock (`CadreConfig.end`):
- employment records of persons (a person moving unit has one record per posting), by agency of the
  seeds and unit, category (cán bộ, công chức, viên chức, contract), level, title, budget-paid flag,
  leadership position and, at commune level, the date the person met the title's standard;
- the yearly appraisals (Decree 90/2020: four ratings), staffing quotas per agency and year, the
  register of public service units with their creation and end (merged, dissolved) and autonomy group;
- the PAR ranking the province gives its departments and districts each year (a file per year).

The officials who handle one-stop-shop dossiers are persons here, with the same names and accounts
(`officials.agency_profiles`, same seed), hence the same pseudonymous account keys once landed.

Trends: staff shrinks 2022-2026 (most agencies about 2.5% a year net, a few barely); districts
are abolished on 1 July 2025 (their staff end there, most move to communes or departments); public
service units are merged or dissolved (about 12% fewer by 2025); some officials with many late
dossiers are still rated good; one department is ranked average two years running, one district weak.
Defects (rate `defect_rate` per record and kind): duplicate persons (same person under a second code),
a person active in two units at once, a rating outside the code list, an end date before the start.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from connectors.sandbox import reference
from connectors.sandbox.officials import LEADER, SPECIALIST, AgencyProfile, UniqueNames, agency_profiles

FIRST_YEAR, LAST_YEAR = 2022, 2026
REFORM_DAY = date(2025, 7, 1)  # district level abolished; Ninh Thuận absorbed (Resolution 202/2025/QH15)
# The 2025 reform's staffing (synthetic shares, sized on published orders of magnitude: docs/cadre_landing.md).
# Share of an ended agency's staff who take early retirement or resign (Decree 178/2024) on its last day
# instead of moving to its successor (a quarter of that for public employees, whose units go on):
REFORM_LEAVING = {"province": 0.03, "district": 0.05, "commune": 0.05}
# Share of the cadres and civil servants in post on 1 July 2025 who leave in July-November 2025:
REFORM_LEAVING_AFTER = {"province": 0.02, "district": 0.0, "commune": 0.03}
# Yearly leavers of the committees formed on 1 July 2025 (not in `_streamline`, which ran before them):
LEAVING_2026 = 0.03
# Ninh Thuận's department staff who join a merged department, as a share of ours:
ABSORBED_DEPARTMENT_SHARE = 0.6
PROVINCE_PC = "000.00.00.H34"  # the provincial People's Committee: ranks the others, is not ranked

RATINGS = ("HTXSNV", "HTTNV", "HTNV", "KHTNV")  # excellent, good, completed, not completed (Decree 90/2020)
GRADES = ("Tốt", "Khá", "Trung bình", "Yếu")  # good, fair, average, weak: the ranking file's words
CATEGORIES = ("CB", "CC", "VC", "HD")  # cán bộ, công chức, viên chức, hợp đồng lao động
LEVEL_CODES = {"province": "TINH", "district": "HUYEN", "commune": "XA"}
DEFECT_KINDS = ("duplicate_person", "two_units_at_once", "rating_outside_code_list", "end_before_start")

COMMUNE_CADRE_TITLES = [
    "Bí thư Đảng ủy",
    "Chủ tịch HĐND",
    "Chủ tịch UBND",
    "Phó Chủ tịch UBND",
    "Chủ tịch Ủy ban MTTQ",
    "Bí thư Đoàn TNCS",
    "Chủ tịch Hội Phụ nữ",
    "Chủ tịch Hội Nông dân",
]
COMMUNE_CIVIL_TITLES = [
    "Văn phòng - thống kê",
    "Địa chính - xây dựng",
    "Tư pháp - hộ tịch",
    "Tài chính - kế toán",
    "Văn hóa - xã hội",
    "Chỉ huy trưởng quân sự",
]
# Ninh Thuận's district-level units before the 2025 reform (a city and six districts; the names of the
# units Ninh Thuận's register hands over are built on them):
NINH_THUAN_DISTRICTS = (
    "Phan Rang - Tháp Chàm",
    "Ninh Hải",
    "Ninh Phước",
    "Ninh Sơn",
    "Thuận Bắc",
    "Thuận Nam",
    "Bác Ái",
)
UNIT_KINDS = {
    "000.00.15.H34": "Trường THPT",
    "000.00.16.H34": "Trung tâm Y tế",
    "000.00.06.H34": "Trung tâm Khuyến nông",
    "000.00.12.H34": "Trung tâm Văn hóa",
    "000.00.11.H34": "Trung tâm Bảo trợ xã hội",
}


def _after_the_merger(rng: random.Random) -> date:
    """The first day of a month from August 2025 to December 2026."""
    month = rng.randrange(8, 12 + 13)
    return date(2025 + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def _stable_unit(*parts: object) -> float:
    """A number in [0, 1) fixed by its inputs: the same defect hits the same record every run."""
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


@dataclass(frozen=True)
class CadreConfig:
    seed: int = 20220101
    end: date = field(default_factory=date.today)  # the system's clock: nothing is known after it
    scale: float = 1.0  # staff per agency and unit; about 3,500 persons at 1.0
    defect_rate: float = 0.004


@dataclass
class Employment:
    """One posting of one person (a row of the system's personnel list)."""

    person_code: str
    name: str
    id_number: str
    agency: reference.Agency
    unit: str
    category: str
    title: str
    budget_paid: bool
    start: date
    end: date | None = None
    leadership: str | None = None  # TRUONG (head) / PHO (deputy)
    standard_met_on: date | None = None  # commune level only
    late_prone: float = 0.0  # the one-stop-shop official's late propensity (0 for others)
    accounts: tuple[str, ...] = ()  # the one-stop-shop account(s) of an official who handles dossiers
    mistyped_end: date | None = None  # defect: the end date as typed when the departure was recorded

    @property
    def end_as_recorded(self) -> date | None:
        return self.mistyped_end if self.end and self.mistyped_end else self.end

    @property
    def level(self) -> str:
        return self.agency.level

    def active_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass
class PublicServiceUnit:
    code: str
    name_vi: str
    agency_code: str
    autonomy_group: int
    created: date
    ended: date | None = None
    end_kind: str | None = None  # SAP_NHAP (merged) / GIAI_THE (dissolved)
    merged_into: str | None = None

    def in_force_on(self, day: date) -> bool:
        return self.created <= day and (self.ended is None or day < self.ended)


@dataclass
class Appraisal:
    person_code: str
    year: int
    rating: str
    decided_on: date


@dataclass
class Quota:
    agency_code: str
    year: int
    civil_servants: int
    public_employees: int


@dataclass
class Ranking:
    year: int
    agency: reference.Agency
    score: float
    grade: str
    decided_on: date


class CadreSandbox:
    """Every record of the sandbox cadre system, generated on construction."""

    def __init__(self, config: CadreConfig | None = None):
        self.config = config or CadreConfig()
        self.rng = random.Random(self.config.seed * 7 + 3)
        self.profiles = agency_profiles(self.config.seed)
        self.official_names = {o.name for p in self.profiles for o in p.officials}
        self.new_name = UniqueNames(random.Random(self.config.seed + 11), set(self.official_names))
        self._codes = 0
        self.employments: list[Employment] = []
        self.units: list[PublicServiceUnit] = []
        self.quotas: list[Quota] = []
        self.appraisals: list[Appraisal] = []
        self.rankings: list[Ranking] = []
        self.off_target = {p.agency.code for p in self.profiles if self.rng.random() < 0.15}
        self._ranked_agencies = [
            a for a in reference.agencies() if a.level in ("province", "district") and a.code != PROVINCE_PC
        ]
        self._build_units()
        for profile in self.profiles:
            self._build_agency_staff(profile)
        self._build_unit_staff()
        self._streamline()
        self._reorganise()
        self._absorb_province()
        self._leave_after_reform()
        self._build_rankings()
        self._build_appraisals()
        self._build_quotas()
        self._apply_defects()
        self._absorb_units()
        clock = self.config.end
        self.employments = [e for e in self.employments if e.start <= clock]
        for e in self.employments:
            if e.end and e.end > clock:
                e.end = None  # a future departure is not known yet
            if e.standard_met_on and e.standard_met_on > clock:
                e.standard_met_on = None
        self.units = [u for u in self.units if u.created <= clock]
        for u in self.units:
            if u.ended and u.ended > clock:
                u.ended, u.end_kind, u.merged_into = None, None, None

    # -- helpers --------------------------------------------------------------------------------
    def _code(self) -> str:
        self._codes += 1
        return f"CB{self._codes:06d}"

    def _id_number(self) -> str:
        return f"056{self.rng.randrange(10**8, 10**9)}"  # citizen ID: province code 056 + 9 digits

    def _person(
        self,
        agency: reference.Agency,
        unit: str,
        category: str,
        title: str,
        start: date,
        name: str | None = None,
        budget_paid: bool = True,
        absorbed: bool = False,
        **kwargs,
    ) -> Employment:
        e = Employment(
            self._code(),
            name or self.new_name(),
            f"058{self.rng.randrange(10**8, 10**9)}" if absorbed else self._id_number(),
            agency,
            unit,
            category,
            title,
            budget_paid,
            start,
            **kwargs,
        )
        if agency.level == "commune" and category in ("CB", "CC"):
            roll = self.rng.random()
            if roll < 0.86:
                e.standard_met_on = start
            elif roll < 0.96:  # trained while in post
                e.standard_met_on = date(self.rng.randrange(2022, 2027), self.rng.randrange(1, 13), 1)
        self.employments.append(e)
        return e

    def _accounts(self, account: str) -> tuple[str, ...]:
        """The official's account; about one in eight also keeps an older account (the cadre system
        lists both), written in upper case as some agencies typed it."""
        if _stable_unit(self.config.seed, "second_account", account) < 0.125:
            return (account.upper(), f"{account}.cu")
        return (account,)

    def _old_start(self) -> date:
        return date(self.rng.randrange(1995, 2022), self.rng.randrange(1, 13), self.rng.randrange(1, 28))

    def _staff_size(self, low: int, high: int) -> int:
        return max(1, round(self.rng.randint(low, high) * self.config.scale))

    # -- public service units -------------------------------------------------------------------
    def _build_units(self) -> None:
        owners = [
            a
            for a in reference.agencies()
            if a.level in ("province", "district") and a.code != PROVINCE_PC and a.active_on(date(FIRST_YEAR, 1, 1))
        ]
        for agency in owners:
            count = (
                self.rng.randint(6, 10)
                if agency.code in ("000.00.15.H34", "000.00.16.H34")
                else (self.rng.randint(2, 5) if agency.level == "district" else self.rng.randint(0, 3))
            )
            kind = UNIT_KINDS.get(agency.code, "Trường THCS" if agency.level == "district" else "Trung tâm Dịch vụ")
            for n in range(1, count + 1):
                group = self.rng.choices([1, 2, 3, 4], [0.03, 0.12, 0.35, 0.50])[0]
                self.units.append(
                    PublicServiceUnit(
                        f"DVSN.{agency.code[4:9]}.{n:02d}",
                        f"{kind} {agency.district_name_vi or 'tỉnh'} số {n}",
                        agency.code,
                        group,
                        self._old_start(),
                    )
                )
        # 2022-2025: about one unit in eight merged into a sibling or dissolved; two new ones.
        self._end_some(self.rng, self.units, 0.13, lambda rng: date(rng.randrange(2022, 2026), rng.randrange(1, 13), 1))
        for n, (owner, year) in enumerate((("000.00.10.H34", 2023), ("000.00.13.H34", 2024)), start=1):
            self.units.append(
                PublicServiceUnit(f"DVSN.{owner[4:9]}.9{n}", f"Trung tâm Chuyển đổi số {n}", owner, 2, date(year, 4, 1))
            )

    @staticmethod
    def _end_some(
        rng: random.Random,
        units: list[PublicServiceUnit],
        share: float,
        end_day,
        pool: list[PublicServiceUnit] | None = None,
    ) -> None:
        """About `share` of `units` end on `end_day(rng)`: seven in ten merged into a sibling (a unit of
        `pool`, default `units`, with the same owner, not ended yet), the others dissolved."""
        for u in rng.sample(units, round(len(units) * share)):
            siblings = [s for s in (pool or units) if s.agency_code == u.agency_code and s is not u and s.ended is None]
            u.ended = end_day(rng)
            if siblings and rng.random() < 0.7:
                u.end_kind, u.merged_into = "SAP_NHAP", rng.choice(siblings).code
            else:
                u.end_kind = "GIAI_THE"

    def _absorb_units(self) -> None:
        """1 July 2025: the merged register lists Ninh Thuận's public service units from that day, their
        record here starting then (their earlier life is in Ninh Thuận's register, as its people's
        postings are): schools and centres of the merged departments (health centres and upper
        secondary schools named after Ninh Thuận's old districts) and the lower secondary schools of
        the commune committees on its territory. How many per owner is synthetic (about 60% of ours, as
        its department staff); about one in eight is merged into a sibling or dissolved by the end of
        2026. Their staff are not modelled. A random stream of its own: nothing else of the sandbox
        changes with it."""
        rng = random.Random(self.config.seed * 13 + 58)
        absorbed: list[PublicServiceUnit] = []
        used = {u.code for u in self.units}

        def add(owner: reference.Agency, kind: str, place: str, n: int) -> None:
            prefix = f"DVSN.{owner.code[4:9]}."
            number = 1 + max((int(c[len(prefix) :]) for c in used if c.startswith(prefix) and c[-2] != "9"), default=0)
            code = f"{prefix}{number:02d}"
            used.add(code)
            group = rng.choices([1, 2, 3, 4], [0.03, 0.12, 0.35, 0.50])[0]
            absorbed.append(PublicServiceUnit(code, f"{kind} {place} số {n}", owner.code, group, REFORM_DAY))

        for agency in reference.agencies():
            if not agency.active_on(REFORM_DAY):
                continue
            if agency.valid_from == REFORM_DAY and agency.absorbed_share > 0:  # a commune of Ninh Thuận's territory
                place = agency.name_vi.removeprefix("Ủy ban nhân dân ").removeprefix("Phường ").removeprefix("Xã ")
                for n in range(1, rng.randint(1, 2) + 1):
                    add(agency, "Trường THCS", place, n)
            elif agency.level == "province" and agency.code != PROVINCE_PC:
                ours = sum(u.agency_code == agency.code and u.in_force_on(REFORM_DAY) for u in self.units)
                kind = UNIT_KINDS.get(agency.code, "Trung tâm Dịch vụ")
                count = round(ours * ABSORBED_DEPARTMENT_SHARE) if ours else rng.randint(0, 2)
                for n in range(1, count + 1):
                    add(agency, kind, NINH_THUAN_DISTRICTS[(n - 1) % len(NINH_THUAN_DISTRICTS)], n)
        self._end_some(rng, absorbed, 0.12, _after_the_merger, pool=self.units + absorbed)
        self.units.extend(absorbed)

    # -- staff ----------------------------------------------------------------------------------
    def _predecessor(self, agency: reference.Agency) -> reference.Agency | None:
        """An agency that handed staff to `agency` when it started (one in force since 2022 if any)."""
        before = [
            a
            for a in reference.agencies()
            if a.valid_to == agency.valid_from - timedelta(days=1) and agency.code in dict(a.successors)
        ]
        before.sort(key=lambda a: (a.valid_from, a.code))
        return before[0] if before else None

    def _build_agency_staff(self, profile: AgencyProfile) -> None:
        """An agency in force in 2022 gets its staff; one that starts later only its one-stop-shop
        officials, from its first day: transferred from an agency that handed it staff (their earlier
        posting is there), or, on the absorbed province's territory, joining from its software. Its
        other staff come from `_reorganise` and `_absorb_province`."""
        agency = profile.agency
        level = agency.level
        late = agency.valid_from > date(FIRST_YEAR, 1, 1)
        start = max(agency.valid_from - timedelta(days=self.rng.randrange(400, 6000)), date(1995, 1, 1))
        head_category = "CC" if level == "province" else "CB"
        predecessor = self._predecessor(agency) if late and agency.absorbed_share < 0.5 else None
        for o in profile.officials:
            leader = o.title == LEADER
            category = head_category if leader else "CC"
            title = (
                {"province": "Giám đốc", "district": "Chủ tịch UBND", "commune": "Chủ tịch UBND"}[level]
                if leader
                else (COMMUNE_CIVIL_TITLES[0] if level == "commune" else o.title)
            )
            official = {
                "name": o.name,
                "late_prone": o.late_rate if o.title == SPECIALIST else 0.0,
                "accounts": self._accounts(o.account),
            }
            unit = "Văn phòng" if not leader else "Ban Giám đốc"
            if predecessor:
                earlier = self._person(
                    predecessor,
                    "Văn phòng",
                    "CC",
                    COMMUNE_CIVIL_TITLES[0] if predecessor.level == "commune" else "Chuyên viên",
                    max(predecessor.valid_from, self._old_start()),
                    **official,
                )
                earlier.end = predecessor.valid_to
                moved = self._move(earlier, agency.valid_from, agency=agency, category=category, title=title, unit=unit)
                moved.leadership = "TRUONG" if leader else None
                continue
            self._person(
                agency,
                unit,
                category,
                title,
                agency.valid_from if late else start,
                absorbed=late,
                leadership="TRUONG" if leader else None,
                **official,
            )
        if late:
            return
        if level == "commune":
            for title in COMMUNE_CADRE_TITLES[1:]:
                if self.rng.random() < 0.9 * min(1.0, self.config.scale + 0.3):
                    self._person(
                        agency,
                        "UBND xã",
                        "CB",
                        title,
                        self._old_start(),
                        leadership="PHO" if title == "Phó Chủ tịch UBND" else None,
                    )
            for title in COMMUNE_CIVIL_TITLES:
                for _ in range(self._staff_size(1, 2)):
                    self._person(agency, "UBND xã", "CC", title, self._old_start())
            contracts = self._staff_size(1, 2)
        else:
            for _n in range(2):
                self._person(
                    agency,
                    "Ban Giám đốc",
                    "CC" if level == "province" else "CB",
                    "Phó Giám đốc" if level == "province" else "Phó Chủ tịch UBND",
                    self._old_start(),
                    leadership="PHO",
                )
            divisions = ["Văn phòng", "Phòng Tổ chức", "Phòng Nghiệp vụ", "Thanh tra"]
            for _ in range(self._staff_size(25, 45)):
                self._person(agency, self.rng.choice(divisions), "CC", "Chuyên viên", self._old_start())
            contracts = self._staff_size(3, 6)
        for _ in range(contracts):
            self._person(
                agency, "Văn phòng", "HD", "Nhân viên hợp đồng", self._old_start(), budget_paid=self.rng.random() < 0.5
            )

    def _build_unit_staff(self) -> None:
        agencies = {a.code: a for a in reference.agencies()}
        for unit in self.units:
            agency = agencies[unit.agency_code]
            budget = unit.autonomy_group >= 3  # groups 1-2 pay salaries from their own revenue
            for n in range(self._staff_size(8, 24)):
                e = self._person(
                    agency,
                    unit.code,
                    "VC",
                    "Giám đốc" if n == 0 else "Viên chức",
                    max(unit.created, self._old_start()),
                    budget_paid=budget,
                    leadership="TRUONG" if n == 0 else None,
                )
                if unit.ended:
                    self._leave_unit(e, unit)

    def _leave_unit(self, e: Employment, unit: PublicServiceUnit) -> None:
        e.end = unit.ended - timedelta(days=1)
        target = unit.merged_into if unit.end_kind == "SAP_NHAP" else None
        if target and self.rng.random() < 0.8:  # a merger keeps most staff
            self._move(e, unit=target, start=unit.ended)

    def _move(
        self,
        e: Employment,
        start: date,
        unit: str | None = None,
        agency: reference.Agency | None = None,
        category: str | None = None,
        title: str | None = None,
        end: date | None = None,
    ) -> Employment:
        moved = Employment(
            e.person_code,
            e.name,
            e.id_number,
            agency or e.agency,
            unit or e.unit,
            category or e.category,
            title or e.title,
            e.budget_paid,
            start,
            end,
            leadership=None if agency else e.leadership,
            standard_met_on=e.standard_met_on,
            late_prone=e.late_prone,
            accounts=e.accounts,
        )
        if moved.level == "commune" and moved.category in ("CB", "CC") and moved.standard_met_on is None:
            moved.standard_met_on = start if self.rng.random() < 0.9 else None
        self.employments.append(moved)
        return moved

    def _streamline(self) -> None:
        """Each year people leave (retirement, streamlining) and fewer are hired: net cuts 2022-2026."""
        by_agency: dict[str, list[Employment]] = {}
        for e in self.employments:
            by_agency.setdefault(e.agency.code, []).append(e)
        for code, staff in by_agency.items():
            leave, hire = (0.03, 0.028) if code in self.off_target else (0.05, 0.022)
            template = staff[0]
            last_day = template.agency.valid_to or date(LAST_YEAR, 12, 31)
            for year in range(FIRST_YEAR, min(LAST_YEAR, last_day.year) + 1):
                active = [
                    e
                    for e in staff
                    if e.active_on(date(year, 1, 1))
                    and e.end is None
                    and e.leadership is None
                    and e.late_prone == 0.0
                    and e.name not in self.official_names
                ]
                for e in active:
                    if self.rng.random() < leave:
                        e.end = date(year, self.rng.randrange(1, 13), self.rng.randrange(1, 28))
                for _ in range(sum(self.rng.random() < hire for _ in active)):
                    pick = self.rng.choice(active) if active else template
                    start = date(year, self.rng.randrange(1, 13), self.rng.randrange(1, 28))
                    if start < last_day:
                        staff.append(
                            self._person(
                                pick.agency, pick.unit, pick.category, pick.title, start, budget_paid=pick.budget_paid
                            )
                        )

    def _reorganise(self) -> None:
        """Agencies that end hand their staff over the next day, as the reorganisations did (the staff of
        a merged department to the department that absorbed it, of an ended commune committee to the
        committees of its unit's successors, of a district committee to the committees that took its
        communes: `reference.Agency.successors`, shares drawn per person), less those who took the
        reform's early retirement or resignation (Decree 178/2024, amended by Decree 67/2025) on the
        agency's last day. A moved posting is judged in turn: a commune of 2024-11-01 may move again on
        2025-07-01. A leaver of `_streamline` after the agency's end leaves from the successor."""
        by_code = {a.code: a for a in reference.agencies()}
        i = 0
        while i < len(self.employments):  # moved employments are appended, and judged in turn
            e = self.employments[i]
            i += 1
            ended = e.agency.valid_to
            if not ended or not e.active_on(ended) or (e.end is not None and e.end <= ended):
                continue
            later_end, e.end = e.end, ended
            if not e.agency.successors or self.rng.random() < REFORM_LEAVING[e.agency.level] * (
                0.25 if e.category == "VC" else 1.0
            ):
                continue
            codes, shares = zip(*e.agency.successors, strict=True)
            successor = by_code[self.rng.choices(codes, shares)[0]]
            to_commune = e.agency.level == "district" and successor.level == "commune" and e.category in ("CC", "CB")
            self._move(
                e,
                ended + timedelta(days=1),
                agency=successor,
                category="CC" if to_commune else None,
                title=COMMUNE_CIVIL_TITLES[self.rng.randrange(len(COMMUNE_CIVIL_TITLES))] if to_commune else None,
                end=later_end,
            )

    def _absorb_province(self) -> None:
        """1 July 2025: Khánh Hòa absorbs Ninh Thuận (Resolution 202/2025/QH15), whose cadre software's
        people join this one from that day: the staff of the commune-level committees on its territory
        (`reference.Agency.absorbed_share`) and of its departments, merged into ours (about
        `ABSORBED_DEPARTMENT_SHARE` of our department's size). Their earlier postings stay in the other
        province's software: here they start on 1 July 2025. Their public service units are not modelled."""
        for agency in reference.agencies():
            if agency.valid_from == REFORM_DAY and agency.absorbed_share > 0:
                share = agency.absorbed_share
                for title in COMMUNE_CADRE_TITLES:
                    if self.rng.random() < 0.9 * share:
                        self._person(agency, "UBND xã", "CB", title, REFORM_DAY, absorbed=True)
                for title in COMMUNE_CIVIL_TITLES:
                    for _ in range(round(self._staff_size(2, 4) * share)):
                        self._person(agency, "UBND xã", "CC", title, REFORM_DAY, absorbed=True)
                for _ in range(round(self._staff_size(1, 3) * share)):
                    self._person(
                        agency,
                        "UBND xã",
                        "HD",
                        "Nhân viên hợp đồng",
                        REFORM_DAY,
                        absorbed=True,
                        budget_paid=self.rng.random() < 0.5,
                    )
            elif agency.level == "province" and agency.code != PROVINCE_PC and agency.active_on(REFORM_DAY):
                ours = [
                    e
                    for e in self.employments
                    if e.agency is agency and e.category == "CC" and e.active_on(REFORM_DAY - timedelta(days=1))
                ]
                for _ in range(round(len(ours) * ABSORBED_DEPARTMENT_SHARE)):
                    self._person(
                        agency,
                        self.rng.choice(["Văn phòng", "Phòng Nghiệp vụ"]),
                        "CC",
                        "Chuyên viên",
                        REFORM_DAY,
                        absorbed=True,
                    )

    def _leave_after_reform(self) -> None:
        """The reform's early retirements and resignations after the switch (decided by 31 August
        2025, Conclusion 183-KL/TW; effective on the first day of a month, the posting ending the day
        before): a share of the commune-level cadres and civil servants and of the departments' civil
        servants in post on 1 July 2025 leave in July-November 2025."""
        for e in self.employments:
            if e.category not in ("CB", "CC") or e.end is not None or not e.active_on(REFORM_DAY):
                continue
            if e.leadership is not None or e.name in self.official_names:
                continue
            if self.rng.random() < REFORM_LEAVING_AFTER[e.agency.level]:
                e.end = date(2025, self.rng.randrange(8, 13), 1) - timedelta(days=1)
            elif e.agency.valid_from == REFORM_DAY and self.rng.random() < LEAVING_2026:
                e.end = date(LAST_YEAR, self.rng.randrange(1, 13), self.rng.randrange(1, 28))

    # -- PAR ranking and appraisals ---------------------------------------------------------------
    def _published_years(self) -> list[int]:
        """A year's ranking is decided in February of the next year."""
        return [y for y in range(FIRST_YEAR, LAST_YEAR + 1) if date(y + 1, 2, 15) <= self.config.end]

    def _build_rankings(self) -> None:
        late = {p.agency.code: p.late_rate for p in self.profiles}
        departments = [a for a in self._ranked_agencies if a.level == "province"]
        districts = [a for a in self._ranked_agencies if a.level == "district"]
        # Designed cases: the department with the most late dossiers is average in 2023 and 2024
        # (T03: two years running); one district is weak in 2022; another average once.
        twice_average = max(departments, key=lambda a: late[a.code])
        weak_district = districts[1] if len(districts) > 1 else None
        once_average = districts[3] if len(districts) > 3 else None
        for year in self._published_years():
            for agency in self._ranked_agencies:
                if not agency.active_on(date(year, 12, 31)):
                    continue
                score = min(98.5, max(80.5, self.rng.gauss(89 - 60 * late[agency.code], 3.5)))
                if agency is twice_average and year in (2023, 2024):
                    score = self.rng.uniform(72, 79)
                elif agency is weak_district and year == 2022:
                    score = self.rng.uniform(60, 69)
                elif agency is once_average and year == 2023:
                    score = self.rng.uniform(74, 79)
                score = round(score, 2)
                grade = (
                    GRADES[0] if score >= 90 else GRADES[1] if score >= 80 else GRADES[2] if score >= 70 else GRADES[3]
                )
                self.rankings.append(Ranking(year, agency, score, grade, date(year + 1, 2, self.rng.randrange(1, 15))))

    def _build_appraisals(self) -> None:
        """Appraised in December for the year, when employed at least six months of it (Decree 90/2020)."""
        grade = {(r.year, r.agency.code): r.grade for r in self.rankings}
        thresholds = {y: 0.10 if y < 2025 else 0.05 for y in range(FIRST_YEAR, LAST_YEAR + 1)}
        for e in self.employments:
            for year in range(FIRST_YEAR, LAST_YEAR + 1):
                decided = date(year, 12, self.rng.randrange(10, 28))
                if decided > self.config.end:
                    break
                if not (e.start <= date(year, 6, 30) and e.active_on(date(year, 12, 1))):
                    continue
                if e.late_prone >= thresholds[year]:
                    # Many late dossiers: the council usually rates "completed", sometimes still "good".
                    rating = "HTTNV" if self.rng.random() < 0.35 else "HTNV"
                elif (
                    e.leadership == "TRUONG"
                    and e.category != "VC"
                    and grade.get((year, e.agency.code)) in ("Trung bình", "Yếu")
                ):
                    rating = "HTTNV" if e.agency.level == "district" else "HTNV"
                else:
                    rating = self.rng.choices(RATINGS, [0.12, 0.70, 0.15, 0.03])[0]
                self.appraisals.append(Appraisal(e.person_code, year, rating, decided))

    def _build_quotas(self) -> None:
        base: dict[str, list[int]] = {}
        for e in self.employments:
            if e.active_on(date(2022, 1, 1)) and e.category in ("CC", "CB", "VC"):
                counts = base.setdefault(e.agency.code, [0, 0])
                counts[0 if e.category != "VC" else 1] += 1
        for code, (civil, public) in sorted(base.items()):
            agency = next(a for a in reference.agencies() if a.code == code)
            for year in range(FIRST_YEAR, LAST_YEAR + 1):
                if date(year, 1, 1) > self.config.end or not agency.active_on(date(year, 1, 1)):
                    break
                factor = (1 - 0.012) ** (year - FIRST_YEAR)
                self.quotas.append(
                    Quota(code, year, round(civil * 1.03 * factor), round(public * 1.02 * factor * factor))
                )

    # -- defects --------------------------------------------------------------------------------
    def _defective(self, kind: str, key: object) -> bool:
        return _stable_unit(self.config.seed, kind, key) < self.config.defect_rate

    def _apply_defects(self) -> None:
        names = self.official_names
        for e in list(self.employments):
            if e.name in names:
                continue  # keep the one-stop-shop's officials clean: their joins are the point
            if self._defective("duplicate_person", e.person_code):
                twin = Employment(**{**e.__dict__, "person_code": self._code()})
                self.employments.append(twin)
            if self._defective("two_units_at_once", e.person_code) and e.end is None:
                other = next(a for a in reference.agencies() if a.level == e.agency.level and a is not e.agency)
                self.employments.append(
                    Employment(
                        **{
                            **e.__dict__,
                            "agency": other,
                            "unit": "Văn phòng",
                            "start": max(e.start + timedelta(days=1), date(2023, 3, 1)),
                        }
                    )
                )
            if e.end is not None and self._defective("end_before_start", e.person_code):
                e.mistyped_end = e.start - timedelta(days=self.rng.randrange(30, 400))
        for a in self.appraisals:
            if self._defective("rating_outside_code_list", (a.person_code, a.year)):
                a.rating = self.rng.choice(["HTT", "XUAT_SAC", "5"])
