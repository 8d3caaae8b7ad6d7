"""The applicant's unit and population-registry flag: sandbox, connector, GX gate.

MaDonViHanhChinhChuHoSo is the applicant's commune-level unit in force on the submission day;
DuocXacThucCSDLDanCu is 1/0 for a citizen (verified against the population database or not)
and null for anyone else (docs/one_stop_shop_landing.md).
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pyarrow as pa
import pytest

from connectors import admin_units
from connectors.one_stop_shop import RecordError, flatten
from connectors.pseudonymise import SANDBOX_KEY, Pseudonymiser
from connectors.sandbox import applicants, one_stop_shop_data, reference
from connectors.sandbox.one_stop_shop_data import OneStopShopSandbox, SandboxConfig
from expectations.one_stop_shop import (
    APPLICANT_UNIT_IN_FORCE,
    TOLERANCES,
    UnitVersion,
    commune_versions,
    validate_one_stop_shop_batch,
    with_applicant_unit_check,
)
from tests.support.one_stop_shop_rows import LOAD_ID, dossier

IN_SET = "expect_column_values_to_be_in_set"
REFORM = date(2025, 7, 1)


@pytest.fixture(scope="module")
def across_the_reform():
    return OneStopShopSandbox(SandboxConfig(start=date(2025, 6, 23), end=date(2025, 7, 8), scale=0.5, defect_rate=0.01))


def _units_by_code():
    by_code: dict[str, list[reference.AdminUnit]] = {}
    for u in reference.admin_units():
        by_code.setdefault(u.code, []).append(u)
    return by_code


# --------------------------------------------------------------------------- sandbox


def test_each_applicant_lives_in_a_commune_in_force_on_the_submission_day(across_the_reform):
    by_code = _units_by_code()
    seen_old = seen_new = 0
    for d in across_the_reform.dossiers:
        if "unknown_applicant_unit" in d.defects:
            assert d.applicant_unit_code == applicants.UNKNOWN_UNIT_CODE and d.applicant_unit_code not in by_code
            continue
        day = d.submitted.date()
        versions = [u for u in by_code[d.applicant_unit_code] if u.active_on(day)]
        assert [u.level for u in versions] == ["commune"], d.code
        if day < REFORM:
            assert versions[0].valid_to == date(2025, 6, 30)
            seen_old += 1
        else:
            assert versions[0].valid_from == REFORM
            seen_new += 1
    assert seen_old > 100 and seen_new > 100
    defective = [d for d in across_the_reform.dossiers if "unknown_applicant_unit" in d.defects]
    assert 0 < len(defective) < 0.06 * len(across_the_reform.dossiers)


def test_the_flag_is_for_citizens_only(across_the_reform):
    for d in across_the_reform.dossiers:
        payload = d.payload(across_the_reform.config.clock)
        if d.applicant_type == applicants.CITIZEN:
            assert payload["DuocXacThucCSDLDanCu"] in (0, 1)
        else:
            assert payload["DuocXacThucCSDLDanCu"] is None
        assert payload["MaDonViHanhChinhChuHoSo"] == d.applicant_unit_code


def test_the_verified_share_rises_over_the_years():
    def share(year: int) -> float:
        sandbox = OneStopShopSandbox(SandboxConfig(start=date(year, 3, 1), end=date(year, 3, 20), scale=0.5))
        flags = [d.applicant_verified for d in sandbox.dossiers if d.applicant_type == applicants.CITIZEN]
        return sum(flags) / len(flags)

    early, late = share(2022), share(2025)
    assert early == pytest.approx(applicants.VERIFIED_SHARE[2022], abs=0.06)
    assert late == pytest.approx(applicants.VERIFIED_SHARE[2025], abs=0.06)


def test_a_district_agencys_applicants_mostly_live_in_its_district(across_the_reform):
    nha_trang = "568"  # seed agency_district_units
    district_of = {u.code: u.parent_code for u in reference.admin_units() if u.level == "commune"}
    before = [
        d
        for d in across_the_reform.dossiers
        if d.agency.district_name_vi == "Nha Trang"
        and d.submitted.date() < REFORM
        and "unknown_applicant_unit" not in d.defects
    ]
    home = sum(district_of[d.applicant_unit_code] == nha_trang for d in before)
    # HOME_DISTRICT_SHARE of them live in the district, against ~1 in 5 by chance (22-27 of the
    # province's 132-139 units); over a few dozen dossiers the share is noisy, hence the margin
    assert len(before) >= 25 and home / len(before) > 0.6, (home, len(before))
    # after the reorganisation the district committees are gone: a new commune committee's
    # applicants mostly live in its own unit (which succeeded some of the old communes)
    successors = {s.successor_code for s in reference.successions() if district_of.get(s.predecessor_code) == nha_trang}
    after = [
        d
        for d in across_the_reform.dossiers
        if d.agency.level == "commune" and d.submitted.date() >= REFORM and "unknown_applicant_unit" not in d.defects
    ]
    home = sum(d.applicant_unit_code == d.agency.unit_code for d in after)
    assert len(after) > 30 and home / len(after) > 0.75 and 0 < len(successors) < 20


def test_the_units_to_choose_from_are_the_provinces_on_the_day():
    """By version, not code: 22759 is Ninh Thuận's Kinh Dinh until 2025-06-30, then Khánh Hòa's Phường Phan Rang."""
    units = applicants.ApplicantUnits()
    assert (
        len(units.choices("", date(2024, 10, 31))[1]) == 139 and "22759" not in units.choices("", date(2024, 10, 31))[1]
    )
    assert len(units.choices("", date(2024, 11, 1))[1]) == 132
    home, everywhere = units.choices("Nha Trang", date(2025, 6, 30))
    assert len(home) == 22 and len(everywhere) == 132
    home, everywhere = units.choices("Nha Trang", date(2025, 7, 1))
    assert len(everywhere) == 65 and "22759" in everywhere
    # Nha Trang's 22 communes and wards went into four wards (Resolution 1667/NQ-UBTVQH15, items 49-52)
    assert home == ["22333", "22366", "22390", "22402"]


def test_the_applicant_fields_leave_every_other_field_as_it_was(monkeypatch):
    """They come from their own random stream: without them, every other field is identical."""
    config = SandboxConfig(start=date(2025, 6, 28), end=date(2025, 7, 3), scale=0.3)
    with_them = OneStopShopSandbox(config)
    monkeypatch.setattr(one_stop_shop_data, "applicant_unit_and_verification", lambda *args, **kwargs: (None, None))
    without_them = OneStopShopSandbox(config)

    def others(sandbox):
        out = []
        for d in sandbox.dossiers:
            payload = d.payload(config.clock)
            del payload["MaDonViHanhChinhChuHoSo"], payload["DuocXacThucCSDLDanCu"]
            out.append(payload)
        return out

    assert len(with_them.dossiers) > 50
    assert others(with_them) == others(without_them)


# --------------------------------------------------------------------------- connector


def test_the_fields_land_typed_and_are_not_hashed(across_the_reform):
    pseudonymise = Pseudonymiser(SANDBOX_KEY)
    citizen = next(d for d in across_the_reform.dossiers if d.applicant_type == 1 and d.applicant_verified == 1)
    company = next(d for d in across_the_reform.dossiers if d.applicant_type == 2)
    payloads = [d.payload(across_the_reform.config.clock) for d in (citizen, company)]
    table = flatten(payloads, pseudonymise)["dossiers"]
    assert table.schema.field("MaDonViHanhChinhChuHoSo").type == pa.string()
    assert table.schema.field("DuocXacThucCSDLDanCu").type == pa.int32()
    assert table.column("MaDonViHanhChinhChuHoSo").to_pylist() == [
        citizen.applicant_unit_code,
        company.applicant_unit_code,
    ]
    assert table.column("DuocXacThucCSDLDanCu").to_pylist() == [1, None]
    # a source that does not send them yet still lands both columns (null), so staging can read them
    older = {k: v for k, v in payloads[0].items() if k not in ("MaDonViHanhChinhChuHoSo", "DuocXacThucCSDLDanCu")}
    table = flatten([older], pseudonymise)["dossiers"]
    assert table.column("MaDonViHanhChinhChuHoSo").to_pylist() == [None]
    assert table.column("DuocXacThucCSDLDanCu").to_pylist() == [None]
    with pytest.raises(RecordError, match=f"dossier '{citizen.code}': field DuocXacThucCSDLDanCu = 'có'"):
        flatten([{**payloads[0], "DuocXacThucCSDLDanCu": "có"}], pseudonymise)


# --------------------------------------------------------------------------- GX gate

UNITS = (
    UnitVersion("22327", date(2022, 1, 1), date(2025, 6, 30)),  # Phường Vĩnh Hòa
    UnitVersion("22333", date(2025, 7, 1), None),
)  # Phường Bắc Nha Trang


def test_the_unit_check_reads_the_submission_day():
    frame = pd.DataFrame(
        [
            {"MaDonViHanhChinhChuHoSo": "22327", "NgayNopHoSo": "20250630235959"},  # old unit, its last day
            {"MaDonViHanhChinhChuHoSo": "22327", "NgayNopHoSo": "20250701000000"},  # old unit, ended
            {"MaDonViHanhChinhChuHoSo": "22333", "NgayNopHoSo": "20250701000000"},  # new unit, first day
            {"MaDonViHanhChinhChuHoSo": "22333", "NgayNopHoSo": "20250630120000"},  # new unit, not yet
            {"MaDonViHanhChinhChuHoSo": "99999", "NgayNopHoSo": "20250630120000"},  # no such unit
            {"MaDonViHanhChinhChuHoSo": None, "NgayNopHoSo": "20250630120000"},  # no code: not judged
            {"MaDonViHanhChinhChuHoSo": "22327", "NgayNopHoSo": "30/06/2025"},  # unreadable day: the date rule's
        ]
    )
    assert with_applicant_unit_check(frame, UNITS)[APPLICANT_UNIT_IN_FORCE].tolist() == [
        True,
        False,
        True,
        False,
        False,
        None,
        None,
    ]


def test_commune_versions_come_from_the_reference_file():
    versions = commune_versions(admin_units.read_reference(reference.REFERENCE_DIR)["units"])
    # 204 from 2022, 7 from the 2024-11-01 arrangement, 65 from 2025-07-01 (docs/admin_units.md)
    assert len(versions) == sum(u.level == "commune" for u in reference.admin_units()) == 276
    assert UnitVersion("22366", date(2025, 7, 1), None) in versions  # Phường Nha Trang
    assert UnitVersion("22366", date(2024, 11, 1), date(2025, 6, 30)) in versions  # Phường Tân Tiến


def test_a_batch_with_unknown_units_and_bad_flags_is_rejected():
    # 50 dossiers submitted 2024-01-05 (dossier() in test_expectations) from unit 22327, verified
    rows = [dossier(i) for i in range(50)]
    rows[0]["MaDonViHanhChinhChuHoSo"] = "99999"  # unknown code
    rows[1]["MaDonViHanhChinhChuHoSo"] = "22333"  # a new unit, 18 months before it existed
    rows[2]["DuocXacThucCSDLDanCu"] = 2  # not a flag
    rows[3]["DuocXacThucCSDLDanCu"] = None  # not a citizen: fine
    rows[3]["LoaiDoiTuong"] = 2
    rows[4]["MaDonViHanhChinhChuHoSo"] = "99999"
    rows[5]["DuocXacThucCSDLDanCu"] = 7
    rows[6]["DuocXacThucCSDLDanCu"] = 9  # an enterprise's dossier: the flag is a citizen's, not judged
    rows[6]["LoaiDoiTuong"] = 2
    result = validate_one_stop_shop_batch({"dossiers": pd.DataFrame(rows)}, LOAD_ID, units=UNITS)
    failed = {(r.column, r.unexpected_count) for r in result.failed()}
    # unit: 3 of 50 judged = 6%, whose 95% lower bound (Wilson) is 2.4% > the 2% tolerance;
    # flag: 2 of the 48 citizens' dossiers = 4.2%, lower bound 1.4% > 1%
    assert TOLERANCES["applicant_unit"].mostly == 0.98 and TOLERANCES["value_domain"].mostly == 0.99
    assert failed == {(APPLICANT_UNIT_IN_FORCE, 3), ("DuocXacThucCSDLDanCu", 2)}
    assert result.verdict == "rejected"
    unit_rule = next(r for r in result.results if r.column == APPLICANT_UNIT_IN_FORCE)
    assert unit_rule.expectation == IN_SET and unit_rule.unexpected_percent == pytest.approx(6.0)
    flag_rule = next(r for r in result.results if r.column == "DuocXacThucCSDLDanCu" and r.expectation == IN_SET)
    assert flag_rule.unexpected_percent == pytest.approx(100 * 2 / 48)


def test_two_unknown_units_in_fifty_are_counted_not_a_rejection():
    """2 of 50 (4%) is over 2% as a bare share, but fifty dossiers do not show with any confidence that
    the source uses another code list (lower bound 1.3%): the two are quarantined, the load passes."""
    rows = [dossier(i) for i in range(50)]
    rows[0]["MaDonViHanhChinhChuHoSo"] = "99999"
    rows[1]["MaDonViHanhChinhChuHoSo"] = "80001"
    result = validate_one_stop_shop_batch({"dossiers": pd.DataFrame(rows)}, LOAD_ID, units=UNITS)
    assert result.verdict == "accepted", result.summary()
    assert result.rows_affected == 2


def test_one_unknown_unit_in_a_hundred_passes_and_is_counted():
    rows = [dossier(i) for i in range(100)]
    rows[7]["MaDonViHanhChinhChuHoSo"] = "99999"
    rows[8]["MaDonViHanhChinhChuHoSo"] = None  # a source that left it empty: not judged by this rule
    result = validate_one_stop_shop_batch({"dossiers": pd.DataFrame(rows)}, LOAD_ID, units=UNITS)
    assert result.verdict == "accepted", result.summary()
    unit_rule = next(r for r in result.results if r.column == APPLICANT_UNIT_IN_FORCE)
    # 1 of the 99 rows with a code = 1.01% <= 2%
    assert unit_rule.success and unit_rule.unexpected_count == 1
    assert unit_rule.unexpected_percent == pytest.approx(100 / 99)
    assert result.rows_affected == 1


def test_without_the_reference_the_unit_is_not_judged_but_the_flag_is():
    rows = [dossier(i) for i in range(10)]
    rows[0]["MaDonViHanhChinhChuHoSo"] = "99999"
    rows[1]["DuocXacThucCSDLDanCu"] = 7
    result = validate_one_stop_shop_batch({"dossiers": pd.DataFrame(rows)}, LOAD_ID)
    assert {r.column for r in result.failed()} == {"DuocXacThucCSDLDanCu"}
    assert all(r.column != APPLICANT_UNIT_IN_FORCE for r in result.results)


def test_the_sandbox_batch_passes_the_gate(across_the_reform):
    """Its defect rate (1% per kind here, half the 2% tolerance: a rate at the tolerance itself would pass or
    fail by the luck of the draw) stays within the tolerances, the unknown units counted."""
    pseudonymise = Pseudonymiser(SANDBOX_KEY)
    clock = across_the_reform.config.clock
    table = flatten([d.payload(clock) for d in across_the_reform.dossiers], pseudonymise)["dossiers"]
    frame = table.to_pandas().assign(
        _load_id=LOAD_ID,
        _source="sandbox://one_stop_shop",
        _loaded_at=pd.Timestamp(datetime(2025, 7, 9), tz="UTC"),
        _page=0,
    )
    units = commune_versions(admin_units.read_reference(reference.REFERENCE_DIR)["units"])
    result = validate_one_stop_shop_batch({"dossiers": frame}, LOAD_ID, units=units)
    unit_rule = next(r for r in result.results if r.column == APPLICANT_UNIT_IN_FORCE)
    unknown = sum("unknown_applicant_unit" in d.defects for d in across_the_reform.dossiers)
    assert unit_rule.unexpected_count == unknown > 0
    assert unit_rule.success


def test_a_dossier_still_in_progress_when_its_agency_ends_is_handed_to_the_successor(across_the_reform):
    """docs/agencies.md (the same sandbox as above, across 1 July 2025): a district committee's dossier
    still open on 1 July gets a new version at 00:00 under its successor's code, MaHoSo unchanged; one
    finished by 30 June keeps its agency; no district committee receives anything from 1 July."""
    agencies = reference.agency_by_code()
    district = [d for d in across_the_reform.dossiers if d.agency.level == "district"]
    assert district and all(d.submitted.date() < REFORM for d in district)
    handed = [d for d in district if d.handovers]
    assert handed and any(not d.handovers for d in district)
    for d in handed:
        ((moment, successor),) = d.handovers
        assert moment == datetime(2025, 7, 1) and successor.code == d.agency.successor_code
        assert agencies[successor.code].level == "commune" and agencies[successor.code].active_on(REFORM)
        before, after = d.payload(datetime(2025, 6, 30, 23, 59, 59)), d.payload(datetime(2025, 7, 1))
        assert (before["DonViXuLy"].upper(), after["DonViXuLy"].upper()) == (d.agency.code, successor.code)
        assert before["MaHoSo"] == after["MaHoSo"] == d.code and after["NgayCapNhat"] == "20250701000000"
    for d in district:
        if not d.handovers:  # ended (processed, stopped, withdrawn, refused) by the end of 30 June
            ends = [t for t, s, _ in d.steps if s in (3, 7, 8, 9)]
            assert ends and min(ends) < datetime(2025, 7, 1)
