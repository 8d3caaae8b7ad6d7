"""A seeded population registry (CSDL quốc gia về dân cư): residents per commune-level unit and month.

Each month's counts, by sex and age band, are published on the 1st of the next month at 06:00;
a few are revised two weeks later (the registry's own corrections), so a pull sees them again.
Units come from the administrative-unit reference file: before 1 July 2025 the old communes,
from then on the new ones, whose first counts are their predecessors' June counts shared out
with the file's weights (so the province's total does not jump at the reorganisation).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from connectors.sandbox import reference
from connectors.sandbox.one_stop_shop_data import SandboxConfig
from connectors.sandbox.versioned_api import ISO_FORMAT

SEXES = (1, 2)  # 1 male (nam), 2 female (nữ)
AGE_BANDS = ("0-14", "15-24", "25-39", "40-59", "60+")
AGE_SHARES = (0.235, 0.145, 0.235, 0.245, 0.14)
MALE_SHARE = 0.497
# Residents of each old province in January 2022: Khánh Hòa's published 2022 population (domain §4,
# H); Ninh Thuận's is an order of magnitude (L).
PROVINCE_POPULATION_2022 = {"56": 1_253_970, "58": 590_000}
WARD_FACTOR = 1.8  # wards are denser than communes
PUBLISH_HOUR = time(6, 0)
REVISION_DELAY = timedelta(days=14)


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def months_between(first: date, last: date) -> list[date]:
    months, m = [], month_start(first)
    while m <= last:
        months.append(m)
        m = next_month(m)
    return months


@dataclass
class PopulationCell:
    """One (unit, month, sex, age band) count and its published versions [(time, count)]."""

    unit_code: str
    month: date
    sex: int
    age_band: str
    versions: list[tuple[datetime, int]] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.unit_code}|{self.month:%Y-%m}|{self.sex}|{self.age_band}"

    @property
    def change_times(self) -> list[datetime]:
        return [t for t, _ in self.versions]

    def payload(self, as_of: datetime) -> dict | None:
        shown = [(t, n) for t, n in self.versions if t <= as_of]
        if not shown:
            return None
        published, count = shown[-1]
        return {
            "MaDonVi": self.unit_code,
            "ThangBaoCao": f"{self.month:%Y-%m}",
            "GioiTinh": self.sex,
            "NhomTuoi": self.age_band,
            "SoNguoi": count,
            "NgayCapNhat": published.strftime(ISO_FORMAT),
        }


def province_of(unit: reference.AdminUnit, units: dict[str, list[reference.AdminUnit]]) -> str:
    while unit.parent_code:
        unit = next(u for u in units[unit.parent_code] if u.active_on(unit.valid_from))
    return unit.code


class PopulationRegistrySandbox:
    def __init__(self, config: SandboxConfig | None = None, units_dir: Path = reference.REFERENCE_DIR):
        self.config = config or SandboxConfig()
        rng = random.Random(f"population|{self.config.seed}")
        all_units = reference.admin_units(units_dir)
        by_code: dict[str, list[reference.AdminUnit]] = {}
        for u in all_units:
            by_code.setdefault(u.code, []).append(u)
        communes = [u for u in all_units if u.level == "commune"]
        last_month = month_start(self.config.end.replace(day=1) - timedelta(days=1))  # the last complete month
        months = months_between(self.config.start, last_month)
        self.cells: list[PopulationCell] = []
        if not months:  # the clock is still in the first month: nothing is published yet
            return

        # Residents per unit version and month (totals), then shared out into cells. A version, not a
        # code: the GSO gives a later unit an old unit's code (docs/admin_units.md).
        def key(u: reference.AdminUnit) -> tuple[str, date]:
            return u.code, u.valid_from

        # Anchored on the file's first day, whatever the window: a month's figures do not depend on it.
        anchor = min(u.valid_from for u in communes)
        first_month = {key(u): month_start(u.valid_from) for u in communes}
        ending = {(u.code, u.valid_to): u for u in communes if u.valid_to}
        base: dict[tuple[str, date], float] = {}
        growth: dict[tuple[str, date], float] = {}

        def total(k: tuple[str, date], month: date) -> float:
            return base[k] * (1 + growth[k]) ** self._months(first_month[k], month)

        first = [u for u in communes if u.valid_from == anchor]
        weights = {key(u): rng.lognormvariate(0, 0.45) * (WARD_FACTOR if u.unit_type == "ward" else 1.0) for u in first}
        for province, people in PROVINCE_POPULATION_2022.items():
            members = [u for u in first if province_of(u, by_code) == province]
            scale = people / sum(weights[key(u)] for u in members) if members else 0
            for u in members:
                base[key(u)] = weights[key(u)] * scale
                growth[key(u)] = rng.uniform(0.0002, 0.0014)
        later = sorted((u for u in communes if key(u) not in base), key=lambda u: u.valid_from)
        for u in later:  # units that start later take their predecessors' shares of the month before
            before = month_start(u.valid_from - timedelta(days=1))
            shares = [
                (key(ending[(s.predecessor_code, u.valid_from - timedelta(days=1))]), s.weight)
                for s in reference.successions(units_dir)
                if s.successor_code == u.code and s.effective_date == u.valid_from
            ]
            base[key(u)] = sum(w * total(k, before) for k, w in shares)
            growth[key(u)] = sum(w * growth[k] for k, w in shares) / max(sum(w for _, w in shares), 1e-9)

        for u in communes:
            unit_rng = random.Random(f"population|{self.config.seed}|{u.code}|{u.valid_from}")
            ages = [s * unit_rng.uniform(0.85, 1.15) for s in AGE_SHARES]
            ages = [a / sum(ages) for a in ages]
            for m in months:
                if not u.active_on(m):
                    continue
                people = total(key(u), m)
                published = datetime.combine(next_month(m), PUBLISH_HOUR)
                for sex in SEXES:
                    sex_share = MALE_SHARE if sex == 1 else 1 - MALE_SHARE
                    for band, share in zip(AGE_BANDS, ages):
                        cell = PopulationCell(u.code, m, sex, band)
                        count = round(people * sex_share * share)
                        cell.versions.append((published, count))
                        revised = published + REVISION_DELAY
                        if unit_rng.random() < self.config.defect_rate * 5 and revised <= self.config.clock:
                            cell.versions.append((revised, max(0, count + unit_rng.randint(-20, 20))))
                        if published <= self.config.clock:
                            self.cells.append(cell)

    @staticmethod
    def _months(first: date, month: date) -> int:
        return (month.year - first.year) * 12 + month.month - first.month

    def residents(self, unit_code: str, month: date) -> int:
        """The latest published count of a unit's residents in a month (for tests)."""
        return sum(c.versions[-1][1] for c in self.cells if c.unit_code == unit_code and c.month == month)
