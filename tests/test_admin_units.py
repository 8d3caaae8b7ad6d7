"""The administrative-unit reference file: reading it, and the GX gate on good and broken files."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from connectors import admin_units
from connectors.admin_units import ReferenceFileError
from expectations.admin_units import validate_admin_units_batch
from tests.admin_units_case import SUCCESSORS, UNITS, write_units

REFERENCE = Path(__file__).resolve().parents[1] / "reference"


def frames_of(folder):
    return {name: table.to_pandas() for name, table in admin_units.flatten(next(admin_units.pages(folder))[0]).items()}


def failures(folder):
    result = validate_admin_units_batch(frames_of(folder), "load-1")
    return {(r.dataset, r.column): r.unexpected_count for r in result.failed()}, result


def test_the_shipped_file_passes_and_holds_the_published_totals():
    found, result = failures(REFERENCE)
    assert result.success, found
    units = frames_of(REFERENCE)["units"]
    after = units[(units.valid_from == "2025-07-01") & (units.unit_level == "commune")]
    # domain §4: 65 commune-level units from 2025-07-01, 48 communes, 16 wards, 1 special zone
    assert len(after) == 65
    assert after.unit_type.value_counts().to_dict() == {"commune": 48, "ward": 16, "special_zone": 1}
    districts = units[units.unit_level == "district"]
    assert set(districts[districts.parent_unit_code == "56"].unit_name_vi) == {
        "Thành phố Nha Trang",
        "Thành phố Cam Ranh",
        "Thị xã Ninh Hòa",
        "Huyện Vạn Ninh",
        "Huyện Diên Khánh",
        "Huyện Cam Lâm",
        "Huyện Khánh Vĩnh",
        "Huyện Khánh Sơn",
        "Huyện Trường Sa",
    }
    assert (units.is_synthetic == "false").all()  # every unit is from a public list (docs/admin_units.md)


def _shipped():
    tables = admin_units.read_reference(REFERENCE)
    for r in tables["units"]:
        r["from"], r["to"] = date.fromisoformat(r["valid_from"]), date.fromisoformat(r["valid_to"] or "9999-12-31")
    return tables["units"], tables["successors"]


def _in_force(units, day, **where):
    return [u for u in units if u["from"] <= day <= u["to"] and all(u[k] == v for k, v in where.items())]


def test_the_shipped_lists_are_consistent():
    units, successors = _shipped()
    versions = {}
    for u in units:
        versions.setdefault(u["unit_code"], []).append(u)
    for u in units:  # the parent is in force over the whole version
        if u["parent_unit_code"]:
            assert any(p["from"] <= u["from"] and u["to"] <= p["to"] for p in versions[u["parent_unit_code"]]), u
    mapped = {(s["predecessor_code"], date.fromisoformat(s["effective_date"])) for s in successors}
    for u in units:  # every unit that ended (but a district: the level was abolished) has successors
        if u["valid_to"] and u["unit_level"] != "district":
            assert (u["unit_code"], u["to"] + timedelta(days=1)) in mapped, u
    for s in successors:  # and each successor starts on the day its predecessor's version ended
        day = date.fromisoformat(s["effective_date"])
        assert any(v["from"] == day for v in versions[s["successor_code"]]), s
        assert any(v["to"] == day - timedelta(days=1) for v in versions[s["predecessor_code"]]), s


# Commune-level units per district as published: the 2024 resolution on Khanh Hoa's communes and
# 1198/NQ-UBTVQH15 (Ninh Thuan), effective 2024-11-01; the other districts unchanged (GSO list).
BEFORE_NOV_2024 = {
    "568": 27,
    "569": 15,
    "570": 14,
    "571": 13,
    "572": 27,
    "573": 14,
    "574": 18,
    "575": 8,
    "576": 3,
    "582": 16,
    "584": 9,
    "585": 8,
    "586": 9,
    "587": 9,
    "588": 6,
    "589": 8,
}
AFTER_NOV_2024 = {**BEFORE_NOV_2024, "568": 22, "572": 26, "574": 17, "582": 13}


def test_the_shipped_lists_hold_the_published_counts():
    units, successors = _shipped()
    district_of = {u["unit_code"]: u["parent_unit_code"] for u in units if u["unit_level"] == "district"}

    def per_district(day):
        return Counter(u["parent_unit_code"] for u in _in_force(units, day, unit_level="commune"))

    assert per_district(date(2022, 1, 1)) == per_district(date(2024, 10, 31)) == BEFORE_NOV_2024
    assert per_district(date(2024, 11, 1)) == per_district(date(2025, 6, 30)) == AFTER_NOV_2024
    khanh_hoa = [d for d, p in district_of.items() if p == "56"]
    assert sum(BEFORE_NOV_2024[d] for d in khanh_hoa) == 139 and sum(AFTER_NOV_2024[d] for d in khanh_hoa) == 132
    # after 2024-11-01 Khanh Hoa had 96 communes, 30 wards and 6 townships (the same resolution, as reported by VOV)
    assert Counter(
        u["unit_type"]
        for u in _in_force(units, date(2024, 11, 1), unit_level="commune")
        if district_of[u["parent_unit_code"]] == "56"
    ) == {"commune": 96, "ward": 30, "township": 6}
    new = _in_force(units, date(2025, 7, 1), unit_level="commune")
    assert len(new) == 65 and {u["parent_unit_code"] for u in new} == {"56"}
    assert Counter(u["unit_type"] for u in new) == {"commune": 48, "ward": 16, "special_zone": 1}
    # each of the 65 has predecessors, and the 194 units of 2025-06-30 all map into them
    july = [s for s in successors if s["effective_date"] == "2025-07-01"]
    assert {s["successor_code"] for s in july} == {u["unit_code"] for u in new} | {"56"}
    assert {s["predecessor_code"] for s in july} >= {
        u["unit_code"] for u in _in_force(units, date(2025, 6, 30), unit_level="commune")
    }
    special = next(u for u in new if u["unit_type"] == "special_zone")
    assert (special["unit_code"], special["unit_name_vi"]) == ("22736", "Đặc khu Trường Sa")
    assert sorted(s["predecessor_code"] for s in july if s["successor_code"] == "22736") == ["22736", "22737", "22739"]


def test_the_hand_made_file_passes(tmp_path):
    found, result = failures(write_units(tmp_path))
    assert result.success, found


def test_overlapping_validity_is_rejected(tmp_path):
    units = [u if u[0] != "A" else ("A", "commune", "ward", "D", "2022-01-01", "2025-06-30") for u in UNITS]
    units.append(("A", "commune", "ward", "D", "2025-06-01", "2025-06-30"))  # a second version overlapping June
    found, result = failures(write_units(tmp_path, units=units))
    assert not result.success
    assert found[("units", "overlaps_other_version")] == 2  # both versions are flagged


def test_an_unmapped_unit_is_rejected(tmp_path):
    found, _ = failures(write_units(tmp_path, successors=[s for s in SUCCESSORS if s[1] != "B"]))
    assert found == {("units", "is_mapped"): 1}


def test_weights_not_summing_to_one_are_rejected(tmp_path):
    successors = [s if s[1:3] != ("C", "Y") else ("2025-07-01", "C", "Y", "0.3") for s in SUCCESSORS]
    found, _ = failures(write_units(tmp_path, successors=successors))  # 0.6 + 0.3 = 0.9
    assert found == {("units", "successor_weight_sum"): 1}


def test_a_mapping_to_a_unit_that_does_not_start_that_day_is_rejected(tmp_path):
    successors = SUCCESSORS + [("2025-07-01", "X", "Y", "1")]  # X does not end the day before
    found, _ = failures(write_units(tmp_path, successors=successors))
    assert found[("successors", "predecessor_ends_the_day_before")] == 1


def test_an_unknown_parent_and_a_bad_date_are_rejected(tmp_path):
    units = UNITS + [
        ("Z", "commune", "commune", "NOPE", "2025-07-01", ""),
        ("W", "commune", "commune", "P", "01/07/2025", ""),
    ]
    found, _ = failures(write_units(tmp_path, units=units))
    assert found[("units", "parent_is_known")] == 1
    assert found[("units", "valid_from")] == 1


def test_a_file_without_a_required_column_names_it(tmp_path):
    write_units(tmp_path)
    text = (tmp_path / "admin_units.csv").read_text().replace("unit_level", "level")
    (tmp_path / "admin_units.csv").write_text(text)
    with pytest.raises(ReferenceFileError, match=r"admin_units.csv: the header lacks column\(s\) unit_level"):
        admin_units.read_reference(tmp_path)


def test_a_file_not_in_utf8_names_the_line(tmp_path):
    write_units(tmp_path)
    path = tmp_path / "admin_unit_successors.csv"
    path.write_bytes(path.read_bytes() + "2025-07-01,B,Y,1,Hòa\n".encode("latin-1"))
    with pytest.raises(ReferenceFileError, match="admin_unit_successors.csv: line 7 is not UTF-8"):
        admin_units.read_reference(tmp_path)


def test_a_missing_file_says_where_it_was_expected(tmp_path):
    with pytest.raises(ReferenceFileError, match="missing.*PAR_ADMIN_UNITS_DIR"):
        admin_units.read_reference(tmp_path)
