"""The administrative-unit reference file: reading it, and the GX gate on good and broken files."""
from __future__ import annotations

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
        "Thành phố Nha Trang", "Thành phố Cam Ranh", "Thị xã Ninh Hòa", "Huyện Vạn Ninh", "Huyện Diên Khánh",
        "Huyện Cam Lâm", "Huyện Khánh Vĩnh", "Huyện Khánh Sơn", "Huyện Trường Sa"}
    synthetic = units[units.is_synthetic == "true"]
    assert (synthetic.unit_level == "commune").all() and len(synthetic) > 200  # labelled in the data


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
    units = UNITS + [("Z", "commune", "commune", "NOPE", "2025-07-01", ""), ("W", "commune", "commune", "P",
                                                                           "01/07/2025", "")]
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
