"""A seeded business registry (đăng ký doanh nghiệp): enterprises and their status changes.

Volumes follow a province of about two million people: about 160 new enterprises a month in old
Khánh Hòa and 55 in Ninh Thuận before the merger (together after it), growing a few percent a
year, fewer around Tết, more in December; the online share of registrations rises every year.
Each enterprise may be suspended (tạm ngừng kinh doanh), resume, or be dissolved (giải thể).
On 1 July 2025 the registry re-codes every head office to the unit that succeeded its commune
(one version per enterprise that day). Legal forms and industries come from the warehouse's seeds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from connectors.sandbox import reference
from connectors.sandbox.one_stop_shop_data import SandboxConfig
from connectors.sandbox.population_registry_data import months_between, next_month, province_of
from connectors.sandbox.versioned_api import ISO_FORMAT

NEW_PER_MONTH_2022 = {"56": 160.0, "58": 55.0}  # at scale 1
YEARLY_GROWTH = 0.04
MONTH_FACTOR = {1: 1.05, 2: 0.6, 3: 1.05, 4: 1.0, 5: 1.0, 6: 1.0, 7: 1.0, 8: 1.0, 9: 0.95, 10: 1.0, 11: 1.05, 12: 1.25}
ONLINE_SHARE = {2022: 0.80, 2023: 0.87, 2024: 0.92, 2025: 0.95, 2026: 0.97}
TAX_CODE_PREFIX = {"56": "42", "58": "45"}  # tax codes of enterprises registered in each old province (M)
SUSPEND_PER_MONTH, DISSOLVE_PER_MONTH = 0.004, 0.002
RESUME_SHARE = 0.6  # of suspensions that end with the enterprise active again
ACTIVE, SUSPENDED, DISSOLVED = "dang_hoat_dong", "tam_ngung_kinh_doanh", "da_giai_the"
ONLINE, PAPER = "truc_tuyen", "giay"
WARD_FACTOR = 3.0  # head offices concentrate in wards
TAX_CODE_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def tax_code(prefix: str, serial: int) -> str:
    """A 10-digit enterprise code: 2-digit province prefix, 7-digit serial, check digit (M)."""
    body = f"{prefix}{serial:07d}"
    check = (10 - sum(int(d) * w for d, w in zip(body, TAX_CODE_WEIGHTS)) % 11) % 10
    return f"{body}{check}"


@dataclass
class Enterprise:
    code: str
    name: str
    legal_form: str
    industry: str
    registered_at: datetime
    channel: str
    unit_at_registration: str
    # (effective date, status, head-office unit on that date); the first is the registration
    history: list[tuple[datetime, str, str]] = field(default_factory=list)
    recoded: list[tuple[datetime, str]] = field(default_factory=list)  # (when, new unit) at a reorganisation

    @property
    def key(self) -> str:
        return self.code

    @property
    def change_times(self) -> list[datetime]:
        return sorted({t for t, _, _ in self.history} | {t for t, _ in self.recoded})

    def payload(self, as_of: datetime) -> dict | None:
        if as_of < self.registered_at:
            return None
        changes = [(t, s, u) for t, s, u in self.history[1:] if t <= as_of]
        unit, status = self.unit_at_registration, ACTIVE
        for _, new_status, new_unit in sorted(
            changes + [(t, None, u) for t, u in self.recoded if t <= as_of], key=lambda event: event[0]
        ):
            status, unit = new_status or status, new_unit
        return {
            "MaSoDoanhNghiep": self.code,
            "TenDoanhNghiep": self.name,
            "LoaiHinhDoanhNghiep": self.legal_form,
            "NganhNgheChinh": self.industry,
            "NgayDangKy": f"{self.registered_at:%Y-%m-%d}",
            "KenhDangKy": self.channel,
            "MaXaDangKy": self.unit_at_registration,
            "MaXaTruSo": unit,
            "TinhTrang": status,
            "LichSuTrangThai": [
                {"TinhTrang": s, "NgayHieuLuc": f"{t:%Y-%m-%d}", "MaXaTruSo": u} for t, s, u in changes
            ],
            "NgayCapNhat": max(t for t in self.change_times if t <= as_of).strftime(ISO_FORMAT),
        }


def _weighted(rng: random.Random, table: list[tuple[str, float]]) -> str:
    return rng.choices([c for c, _ in table], weights=[w for _, w in table])[0]


class BusinessRegistrySandbox:
    def __init__(self, config: SandboxConfig | None = None, units_dir: Path = reference.REFERENCE_DIR):
        self.config = config or SandboxConfig()
        units = reference.admin_units(units_dir)
        by_code: dict[str, list[reference.AdminUnit]] = {}
        for u in units:
            by_code.setdefault(u.code, []).append(u)
        communes = [u for u in units if u.level == "commune"]
        successors: dict[str, list[tuple[str, float, date]]] = {}
        for s in reference.successions(units_dir):
            successors.setdefault(s.predecessor_code, []).append((s.successor_code, s.weight, s.effective_date))
        legal_forms = [
            (r["legal_form_code"], float(r["sandbox_share"])) for r in reference.read_seed("enterprise_legal_forms.csv")
        ]
        industries = [(r["vsic_code"], float(r["sandbox_share"])) for r in reference.read_seed("vsic_industries.csv")]
        clock = self.config.clock
        serial: dict[str, int] = {}
        self.enterprises: list[Enterprise] = []
        for month in months_between(self.config.start, self.config.end):
            rng = random.Random(f"business|{self.config.seed}|{month:%Y-%m}")
            active = [u for u in communes if u.active_on(month)]
            provinces = {u.code: province_of(u, by_code) for u in active}
            years = (month.year - 2022) + (month.month - 1) / 12
            for province in sorted(set(provinces.values())):
                members = [u for u in active if provinces[u.code] == province]
                base = (
                    sum(NEW_PER_MONTH_2022.values())
                    if province not in NEW_PER_MONTH_2022
                    else NEW_PER_MONTH_2022[province]
                )
                mean = base * (1 + YEARLY_GROWTH) ** years * MONTH_FACTOR[month.month] * self.config.scale
                count = max(0, round(rng.gauss(mean, mean**0.5)))
                days = [
                    d
                    for d in (month + timedelta(days=i) for i in range(31))
                    if d.month == month.month and d.weekday() < 5
                ]
                for _ in range(count):
                    day = rng.choice(days)
                    registered = datetime.combine(day, time(rng.randint(7, 16), rng.randint(0, 59)))
                    if registered > clock:
                        continue
                    unit = rng.choices(members, weights=[WARD_FACTOR if u.unit_type == "ward" else 1 for u in members])[
                        0
                    ]
                    prefix = TAX_CODE_PREFIX.get(province, "42")
                    serial[prefix] = serial.get(prefix, 0) + 1
                    e = Enterprise(
                        code=tax_code(prefix, serial[prefix] + 100_000),
                        name=f"Công ty mẫu {prefix}-{serial[prefix]:05d}",
                        legal_form=_weighted(rng, legal_forms),
                        industry=_weighted(rng, industries),
                        registered_at=registered,
                        unit_at_registration=unit.code,
                        channel=ONLINE if rng.random() < ONLINE_SHARE.get(day.year, 0.97) else PAPER,
                    )
                    e.history.append((registered, ACTIVE, unit.code))
                    self._life(e, rng, successors, clock)
                    self.enterprises.append(e)

    @staticmethod
    def _life(e: Enterprise, rng: random.Random, successors: dict, clock: datetime) -> None:
        """Suspensions, resumptions and dissolution, month by month; re-coding at a reorganisation."""
        unit, status = e.unit_at_registration, ACTIVE
        month = next_month(e.registered_at.date())
        while datetime.combine(month, time(0)) <= clock and status != DISSOLVED:
            for _successor_code, _, effective in successors.get(unit, []):
                if effective == month:
                    choices = [(c, w) for c, w, d in successors[unit] if d == effective]
                    unit = _weighted(rng, choices)
                    e.recoded.append((datetime.combine(effective, time(8, 0)), unit))
                    break
            hazard = rng.random()
            day = datetime.combine(month + timedelta(days=rng.randint(0, 27)), time(9, 0))
            if status == ACTIVE and hazard < DISSOLVE_PER_MONTH:
                status = DISSOLVED
            elif status == ACTIVE and hazard < DISSOLVE_PER_MONTH + SUSPEND_PER_MONTH:
                status = SUSPENDED
            elif status == SUSPENDED and hazard < 0.15:
                status = ACTIVE if rng.random() < RESUME_SHARE else DISSOLVED
            else:
                month = next_month(month)
                continue
            if day <= clock:
                e.history.append((day, status, unit))
            month = next_month(month)
