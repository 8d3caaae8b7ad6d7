"""Where a sandbox dossier's applicant lives, and whether the population registry verified them.

The applicant's commune-level unit (`MaDonViHanhChinhChuHoSo`) is one in force on the day the
dossier was submitted, from the administrative-unit reference file: an old commune before
1 July 2025, a new one from then on. Most applicants of a district or commune agency live in
that agency's (old) district, or after the reorganisation in one of its communes' successors;
a provincial department's applicants come from anywhere in the province. The population-registry
flag (`DuocXacThucCSDLDanCu`: 1 verified against the national population database, 0 not) only
exists for citizens; for an enterprise, agency or other applicant it is null.

Both are drawn from their own random stream per dossier, so adding them left every other field
of every generated dossier as it was.
"""

from __future__ import annotations

import bisect
import random
from datetime import date, timedelta
from pathlib import Path

from connectors.sandbox import reference

# Share of citizens' dossiers whose applicant was verified against the population database.
VERIFIED_SHARE = {2022: 0.30, 2023: 0.55, 2024: 0.74, 2025: 0.87, 2026: 0.92}
HOME_DISTRICT_SHARE = 0.85  # applicants of a local agency living in its own area
CITIZEN = 1
UNKNOWN_UNIT_CODE = "99999"  # the defect: a code no reference version has
PROVINCE_UNIT_CODE = "56"  # Khánh Hòa's GSO code, before and after the merger (domain §4)


class ApplicantUnits:
    """The commune-level units an agency's applicants come from, on a given day."""

    def __init__(self, province_code: str = PROVINCE_UNIT_CODE, units_dir: Path = reference.REFERENCE_DIR):
        # Versions, not codes: the GSO gives a later unit an old unit's code (22366 was Phước Tiến, then
        # Tân Tiến from 2024-11-01, then Phường Nha Trang from 2025-07-01), so a code alone does not say
        # which district or province a unit belongs to.
        self.units = [u for u in reference.admin_units(units_dir) if u.level == "commune"]
        self.successors: dict[tuple[str, date], list[str]] = {}
        for s in reference.successions(units_dir):
            self.successors.setdefault((s.predecessor_code, s.effective_date), []).append(s.successor_code)
        districts = {u.code: u.parent_code for u in reference.admin_units(units_dir) if u.level == "district"}
        # the days the set of communes in force changes: between two of them, one set of choices
        self.changes = sorted(
            {u.valid_from for u in self.units} | {u.valid_to + timedelta(days=1) for u in self.units if u.valid_to}
        )
        self.in_province = [
            u for u in self.units if u.parent_code == province_code or districts.get(u.parent_code) == province_code
        ]
        self._cache: dict[tuple[str | None, int], tuple[list[str], list[str]]] = {}

    def choices(self, district_name_vi: str, day: date, unit_code: str | None = None) -> tuple[list[str], list[str]]:
        """(home units, all units of the province) in force on `day`; home is empty for a provincial agency.
        A commune committee outside any old district (those from 2025-07-01) has its own unit as home."""
        if district_name_vi:
            unit_code = None
        key = (district_name_vi or unit_code or None, bisect.bisect_right(self.changes, day))
        if key not in self._cache:
            everywhere = sorted(u.code for u in self.in_province if u.active_on(day))
            district = reference.agency_district_units().get(district_name_vi) if district_name_vi else None
            in_district = [u for u in self.units if district is not None and u.parent_code == district]
            home = {u.code for u in in_district if u.active_on(day)}
            if not home and in_district:  # the district's communes ended: their successors are home now
                home = {
                    s
                    for u in in_district
                    if u.valid_to
                    for s in self.successors.get((u.code, u.valid_to + timedelta(days=1)), [])
                    if s in everywhere
                }
            if unit_code and unit_code in everywhere:
                home = {unit_code}
            self._cache[key] = (sorted(home), everywhere)
        return self._cache[key]


def applicant_unit_and_verification(
    seed: int,
    dossier_code: str,
    submitted: date,
    applicant_type: int,
    district_name_vi: str,
    units: ApplicantUnits,
    unknown_unit: bool,
    unit_code: str | None = None,
) -> tuple[str | None, int | None]:
    """(MaDonViHanhChinhChuHoSo, DuocXacThucCSDLDanCu) of one dossier, from its own random stream."""
    rng = random.Random(f"{seed}-applicant-{dossier_code}")
    home, everywhere = units.choices(district_name_vi, submitted, unit_code)
    pool = home if home and rng.random() < HOME_DISTRICT_SHARE else everywhere
    unit_code = UNKNOWN_UNIT_CODE if unknown_unit else (rng.choice(pool) if pool else None)
    verified = None
    if applicant_type == CITIZEN:
        verified = int(rng.random() < VERIFIED_SHARE.get(submitted.year, max(VERIFIED_SHARE.values())))
    return unit_code, verified
