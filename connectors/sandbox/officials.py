"""The sandbox province's officials: one deterministic list that every sandbox source draws from.

The one-stop-shop names them as handlers of process steps (NguoiXuLy); the cadre management
system holds their employment records and appraisals. Both are generated from `agency_profiles(seed)`
so the same person has the same name, hence the same pseudonymous key, in both sources.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from connectors.sandbox import reference

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Đức", "Quốc", "Thu", "Gia", "Xuân", "Hoài"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Khánh", "Lan", "Linh",
         "Long", "Mai", "Nam", "Nga", "Phúc", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Trung", "Tú", "Vy", "Yến"]

CLERK, SPECIALIST, LEADER = "Cán bộ tiếp nhận", "Chuyên viên", "Lãnh đạo"


@dataclass
class Official:
    name: str
    title: str
    late_rate: float


@dataclass
class AgencyProfile:
    agency: reference.Agency
    late_rate: float
    dissatisfied_rate: float
    clerks: list[Official]
    specialists: list[Official]
    leaders: list[Official]

    @property
    def officials(self) -> list[Official]:
        return self.clerks + self.specialists + self.leaders


class UniqueNames:
    """Vietnamese full names never given twice (a name is the official's identity in the one-stop-shop)."""

    def __init__(self, rng: random.Random, used: set[str] | None = None):
        self.rng = rng
        self.used = used if used is not None else set()

    def __call__(self) -> str:
        rng = self.rng
        while True:
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            if name not in self.used:
                break
            name = f"{name} {rng.choice(GIVEN)}"
            if name not in self.used:
                break
        self.used.add(name)
        return name


def agency_profiles(seed: int) -> list[AgencyProfile]:
    """Per agency of the seeds: its late and dissatisfied rates and the officials handling its dossiers."""
    rng = random.Random(seed)
    new_name = UniqueNames(rng)

    def person(title: str, late_rate: float) -> Official:
        return Official(new_name(), title, late_rate)

    profiles = []
    for agency in reference.agencies():
        # Most agencies keep late dossiers at 0-4%; about one in twelve runs well above 5%.
        late = rng.uniform(0.06, 0.12) if rng.random() < 0.08 else rng.uniform(0.0, 0.025)
        dissatisfied = rng.uniform(0.22, 0.32) if rng.random() < 0.06 else rng.uniform(0.02, 0.10)
        size = {"province": 4, "district": 4, "commune": 2}[agency.level]
        specialists = [person(SPECIALIST, min(0.6, late * rng.lognormvariate(-0.1, 0.45))) for _ in range(size)]
        profiles.append(AgencyProfile(
            agency=agency, late_rate=late, dissatisfied_rate=dissatisfied,
            clerks=[person(CLERK, 0.0) for _ in range(max(1, size // 2))],
            specialists=specialists,
            leaders=[person(LEADER, 0.0)],
        ))
    return profiles
