"""The sandbox province's officials: one deterministic list that every sandbox source draws from.

The one-stop-shop names them as handlers of process steps (NguoiXuLy) with their account in the
system (TaiKhoanXuLy); the cadre management system holds their employment records, appraisals and
that account. Both are generated from `agency_profiles(seed)`, so the same person has the same
account, hence the same pseudonymous account key, in both sources.

As in a real province, full names repeat: a few officials of different agencies share a name (one of
them often in an agency with many late dossiers), so only the account tells them apart. Older
exports of the one-stop-shop named the handler only (`name_only_steps`).
"""

from __future__ import annotations

import hashlib
import random
import unicodedata
from dataclasses import dataclass

from connectors.sandbox import reference

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Đức", "Quốc", "Thu", "Gia", "Xuân", "Hoài"]
GIVEN = [
    "An",
    "Bình",
    "Châu",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hiếu",
    "Hoa",
    "Hùng",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Phương",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Trung",
    "Tú",
    "Vy",
    "Yến",
]

CLERK, SPECIALIST, LEADER = "Cán bộ tiếp nhận", "Chuyên viên", "Lãnh đạo"


# Share of dossiers, by year of reception, whose steps name the handler without the account: the
# exports of those years predate the account field (synthetic shares).
NAME_ONLY_SHARE = {2022: 0.5, 2023: 0.2}
# Share of officials (not leaders) renamed to the name of an official of another agency.
NAMESAKE_SHARE = 0.04


@dataclass
class Official:
    name: str
    title: str
    late_rate: float
    account: str = ""


def name_only_steps(seed: int, dossier_code: str, year: int) -> bool:
    """Whether a dossier's steps carry the handler's name but no account (an older export)."""
    share = NAME_ONLY_SHARE.get(year, 0.0)
    if not share:
        return False
    digest = hashlib.blake2b(f"{seed}|name_only|{dossier_code}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64 < share


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in folded if not unicodedata.combining(c)).lower()


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
    """Vietnamese full names not given twice (namesakes are made on purpose: `_give_namesakes`)."""

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
        profiles.append(
            AgencyProfile(
                agency=agency,
                late_rate=late,
                dissatisfied_rate=dissatisfied,
                clerks=[person(CLERK, 0.0) for _ in range(max(1, size // 2))],
                specialists=specialists,
                leaders=[person(LEADER, 0.0)],
            )
        )
    _give_namesakes(random.Random(seed + 29), profiles)
    _give_accounts(profiles)
    return profiles


def _give_namesakes(rng: random.Random, profiles: list[AgencyProfile]) -> None:
    """Rename a few officials to the name of an official of another agency: first each late-prone
    agency's first specialist's name goes to a specialist of an agency that is not, then a random share."""
    late = [p for p in profiles if p.late_rate > 0.05]
    calm = [p for p in profiles if p.late_rate <= 0.05 and p.specialists]
    for source in late:
        if source.specialists and calm:
            target = rng.choice(calm)
            target.specialists[-1].name = source.specialists[0].name
    staff = [(p, o) for p in profiles for o in p.clerks + p.specialists]
    for profile, official in staff:
        if rng.random() < NAMESAKE_SHARE:
            other = rng.choice([o for p, o in staff if p is not profile])
            official.name = other.name


def _give_accounts(profiles: list[AgencyProfile]) -> None:
    """Each official's one-stop-shop account: given name, initials, the agency's code tail (unique)."""
    used: set[str] = set()
    for profile in profiles:
        tail = _ascii(profile.agency.code.split(".")[-1] + profile.agency.code.split(".")[-2])
        for o in profile.officials:
            words = _ascii(o.name).split()
            base = f"{words[-1]}{''.join(w[0] for w in words[:-1])}.{tail}"
            account, n = base, 1
            while account in used:
                n += 1
                account = f"{base}{n}"
            used.add(account)
            o.account = account
