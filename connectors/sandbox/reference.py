"""Reference lists the sandbox draws from: the warehouse's own dbt seeds, so both sides agree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from connectors.seeds import read_seed


@dataclass(frozen=True)
class Agency:
    code: str
    name_vi: str
    level: str  # province / district / commune
    district_name_vi: str
    valid_from: date
    valid_to: date | None
    successor_code: str | None = None  # takes over the dossiers still pending after valid_to
    unit_code: str | None = None  # the administrative unit of a district or commune committee
    # the agencies that took over its staff the day after valid_to, with the share of the staff each
    # took (one place for the staff transfers: the seed's successor, or the unit file's successors)
    successors: tuple[tuple[str, float], ...] = ()
    # a committee that started with a merger: the share of its unit that came from another province
    # (Ninh Thuận, absorbed on 2025-07-01); its staff came from that province's cadre software
    absorbed_share: float = 0.0

    def active_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Procedure:
    code: str
    field_code: str
    level: str
    name_vi: str
    statutory_days: int
    fee_vnd: int
    full_online_eligible: bool
    has_result_document: bool


def _date_or_none(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


PROVINCE_UNIT_CODE = "56"  # dbt var province_unit_code
PROVINCE_PC = "000.00.00.H34"


def commune_agency_code(unit_code: str, generation: int = 0) -> str:
    """The one-stop-shop code of a commune-level unit's People's Committee (dbt macro commune_agency_code):
    `generation` counts the earlier units the GSO gave the same code to."""
    digits = unit_code.zfill(7)
    return f"{generation}{digits[1:3]}.{digits[3:5]}.{digits[5:7]}.H34"


@lru_cache(maxsize=4)
def agencies(folder: Path | None = None) -> tuple[Agency, ...]:
    """The dated agency catalogue, as dbt's int_agencies builds it: the seed's province and district
    agencies, and a People's Committee for each commune-level unit of the reference file the province's
    one-stop-shop serves (under one of its old districts, or under the province), with successors."""
    units = admin_units(folder or REFERENCE_DIR)
    successors: dict[tuple[str, date], list[Succession]] = {}
    for s in successions(folder or REFERENCE_DIR):
        successors.setdefault((s.predecessor_code, s.effective_date), []).append(s)

    def largest(weights: dict[str, float]) -> str | None:
        return min(weights, key=lambda code: (-weights[code], code)) if weights else None

    def shares(weights: dict[str, float]) -> tuple[tuple[str, float], ...]:
        total = sum(weights.values())
        return tuple(sorted((code, w / total) for code, w in weights.items())) if total else ()

    def province_of(code: str, day: date) -> str | None:
        """The province a unit belonged to on a day (its parent chain as it stood then)."""
        for _ in range(3):
            unit = next((u for u in units if u.code == code and u.active_on(day)), None)
            if unit is None or unit.level == "province":
                return unit.code if unit else None
            code = unit.parent_code or ""
        return None

    seed = read_seed("agencies.csv")
    district_agency = {
        u: r["agency_code"]
        for r in seed
        for name, u in agency_district_units().items()
        if r["agency_level"] == "district" and r["district_name_vi"] == name
    }
    district_name = {r["agency_code"]: r["district_name_vi"] for r in seed}
    # one committee per unit: its code and name (versions of one name are one unit; a code given to
    # a later unit under another name is another), numbered by generation under the code
    versions: dict[tuple[str, str], list[AdminUnit]] = {}
    for u in units:
        if u.level == "commune" and (u.parent_code in district_agency or u.parent_code == PROVINCE_UNIT_CODE):
            versions.setdefault((u.code, u.name_vi), []).append(u)
    first_day = {key: min(u.valid_from for u in vs) for key, vs in versions.items()}
    last_day = {
        key: None if any(u.valid_to is None for u in vs) else max(u.valid_to for u in vs)
        for key, vs in versions.items()
    }
    generation = {
        key: sum(1 for other in versions if other[0] == key[0] and first_day[other] < first_day[key])
        for key in versions
    }

    def committee_on(code: str, day: date) -> str | None:
        for key in versions:
            if key[0] == code and first_day[key] <= day and (last_day[key] is None or day <= last_day[key]):
                return commune_agency_code(code, generation[key])
        return None

    out = []
    for r in seed:
        successor = r["successor_agency_code"] or None
        unit = next((u for u, a in district_agency.items() if a == r["agency_code"]), None)
        valid_to = _date_or_none(r["valid_to"])
        staff_to: dict[str, float] = {successor: 1.0} if successor else {}
        if unit and not successor and valid_to:
            weights: dict[str, float] = {}
            for commune in units:
                if commune.parent_code == unit and commune.valid_to == valid_to:
                    for s in successors.get((commune.code, valid_to + timedelta(days=1)), ()):
                        weights[s.successor_code] = weights.get(s.successor_code, 0.0) + s.weight
            code = largest(weights)
            successor = committee_on(code, valid_to + timedelta(days=1)) if code else None
            for unit_code, weight in weights.items():
                committee = committee_on(unit_code, valid_to + timedelta(days=1))
                if committee:
                    staff_to[committee] = staff_to.get(committee, 0.0) + weight
        out.append(
            Agency(
                code=r["agency_code"],
                name_vi=r["agency_name_vi"],
                level=r["agency_level"],
                district_name_vi=r["district_name_vi"],
                valid_from=date.fromisoformat(r["valid_from"]),
                valid_to=valid_to,
                successor_code=successor,
                unit_code=unit,
                successors=shares(staff_to),
            )
        )
    for key, vs in versions.items():
        code = key[0]
        latest = max(vs, key=lambda u: u.valid_from)
        valid_to = last_day[key]
        successor = None
        staff_to = {}
        if valid_to:
            weights = {s.successor_code: s.weight for s in successors.get((code, valid_to + timedelta(days=1)), ())}
            unit = largest(weights)
            successor = committee_on(unit, valid_to + timedelta(days=1)) if unit else None
            for unit_code, weight in weights.items():
                committee = committee_on(unit_code, valid_to + timedelta(days=1))
                if committee:
                    staff_to[committee] = staff_to.get(committee, 0.0) + weight
        start = first_day[key]
        came_from = [
            (s.predecessor_code, s.weight)
            for s in successions(folder or REFERENCE_DIR)
            if s.successor_code == code and s.effective_date == start
        ]
        foreign = sum(
            w for p, w in came_from if province_of(p, start - timedelta(days=1)) not in (None, PROVINCE_UNIT_CODE)
        )
        parent = district_agency.get(latest.parent_code)
        out.append(
            Agency(
                code=commune_agency_code(code, generation[key]),
                name_vi=f"Ủy ban nhân dân {latest.name_vi}",
                level="commune",
                district_name_vi=district_name.get(parent, "") if parent else "",
                valid_from=first_day[key],
                valid_to=valid_to,
                successor_code=successor,
                unit_code=code,
                successors=shares(staff_to),
                absorbed_share=foreign / sum(w for _, w in came_from) if came_from else 0.0,
            )
        )
    return tuple(out)


def agency_by_code() -> dict[str, Agency]:
    return {a.code: a for a in agencies()}


@lru_cache(maxsize=1)
def procedures() -> tuple[Procedure, ...]:
    return tuple(
        Procedure(
            code=r["procedure_code"],
            field_code=r["field_code"],
            level=r["procedure_level"],
            name_vi=r["procedure_name_vi"],
            statutory_days=int(r["statutory_days"]),
            fee_vnd=int(r["fee_vnd"]),
            full_online_eligible=r["full_online_eligible"] == "true",
            has_result_document=r["has_result_document"] == "true",
        )
        for r in read_seed("procedures.csv")
    )


@lru_cache(maxsize=1)
def agency_district_units() -> dict[str, str]:
    """Old district name (the agencies seed's district_name_vi) -> its unit code (seed agency_district_units)."""
    return {r["district_name_vi"]: r["unit_code"] for r in read_seed("agency_district_units.csv")}


@dataclass(frozen=True)
class CalendarExceptions:
    """The seed working_calendar_exceptions: weekdays off and Saturdays worked (làm bù)."""

    days_off: frozenset[date]
    working_days: frozenset[date]


@lru_cache(maxsize=1)
def calendar_exceptions() -> CalendarExceptions:
    """The warehouse's own list (the seed int_working_days reads), so both calendars agree."""
    rows = read_seed("working_calendar_exceptions.csv")
    return CalendarExceptions(
        days_off=frozenset(date.fromisoformat(r["exception_date"]) for r in rows if r["is_working_day"] == "false"),
        working_days=frozenset(date.fromisoformat(r["exception_date"]) for r in rows if r["is_working_day"] == "true"),
    )


# -- administrative units: the reference file the warehouse loads (connectors/admin_units.py) --------
REFERENCE_DIR = Path(__file__).resolve().parents[2] / "reference"


@dataclass(frozen=True)
class AdminUnit:
    code: str
    name_vi: str
    level: str  # province / district / commune
    unit_type: str
    parent_code: str | None
    valid_from: date
    valid_to: date | None

    def active_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Succession:
    effective_date: date
    predecessor_code: str
    successor_code: str
    weight: float


@lru_cache(maxsize=4)
def admin_units(folder: Path = REFERENCE_DIR) -> tuple[AdminUnit, ...]:
    from connectors.admin_units import read_reference

    return tuple(
        AdminUnit(
            code=r["unit_code"],
            name_vi=r["unit_name_vi"],
            level=r["unit_level"],
            unit_type=r["unit_type"],
            parent_code=r.get("parent_unit_code"),
            valid_from=date.fromisoformat(r["valid_from"]),
            valid_to=_date_or_none(r.get("valid_to") or ""),
        )
        for r in read_reference(folder)["units"]
    )


@lru_cache(maxsize=4)
def successions(folder: Path = REFERENCE_DIR) -> tuple[Succession, ...]:
    from connectors.admin_units import read_reference

    return tuple(
        Succession(
            effective_date=date.fromisoformat(r["effective_date"]),
            predecessor_code=r["predecessor_code"],
            successor_code=r["successor_code"],
            weight=float(r["weight"]),
        )
        for r in read_reference(folder)["successors"]
    )


@lru_cache(maxsize=1)
def published_external_indices() -> tuple[dict[str, str], ...]:
    """The province's published index values (seed external_indices_published), as text."""
    return tuple(read_seed("external_indices_published.csv"))
