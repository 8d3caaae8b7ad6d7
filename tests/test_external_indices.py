"""The external indices source: a ministry's CSV or XLSX read cell by cell, landed once per file,
and a bad file refused naming the cell, with nothing landed."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pyarrow.parquet as pq
import pytest
from dagster import materialize

from connectors.external_indices import HEADER, SOURCE, read_published_indices
from connectors.landing import LandingZone
from connectors.sandbox.external_indices import write_ministry_file
from connectors.spreadsheet import SpreadsheetError
from orchestration.external_indices import ExternalIndicesSource, external_indices_landing
from orchestration.settings import load_settings

CSV_HEADER = ";".join(f'"{h}"' for h in HEADER)


def write_csv(path, *rows):
    path.write_text("\n".join(["KẾT QUẢ CHỈ SỐ NĂM 2024;;;;", "", CSV_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_the_ministry_workbook_reads_as_published(tmp_path):
    records = read_published_indices(write_ministry_file(tmp_path / "chi-so.xlsx"))
    khanh_hoa = {(r["index_code"], r["edition_year"]): r for r in records if r["province_name"] == "Khánh Hòa"}
    par = khanh_hoa[("par_index", 2024)]
    assert (par["index_value"], par["province_rank"], par["provinces_ranked"]) == ("90.49", 10, 63)
    assert par["file_sheet"] == "Kết quả" and par["file_row"] == 4  # two title rows, then the header
    pci = khanh_hoa[("pci", 2023)]
    assert (pci["province_rank"], pci["rank_outside_top"]) == (None, 30)
    assert khanh_hoa[("par_index", 2023)]["index_value"] is None  # rank only: missing, never zero


def test_a_csv_with_vietnamese_numbers_dates_and_ranks(tmp_path):
    path = write_csv(
        tmp_path / "pci.csv",
        '"Khánh Hòa";"PCI";"2024";"68,05";"ngoài top 30";"63";"05/05/2025";"VCCI"',
        '"Tỉnh mẫu";"pci";"2024";"1.234,5";"3";"";"";""',
    )
    first, second = read_published_indices(path)
    assert (first["index_value"], first["province_rank"], first["rank_outside_top"]) == ("68.05", None, 30)
    assert first["published_on"].isoformat() == "2025-05-05" and first["file_row"] == 4
    assert Decimal(second["index_value"]) == Decimal("1234.5") and second["provinces_ranked"] is None


@pytest.mark.parametrize(
    "row, message",
    [
        ('"Khánh Hòa";"PCI";"2024";"68,05";"hạng mười";"63";"";""', r"pci.csv, sheet 'csv', cell E4 .*'hạng mười'"),
        ('"Khánh Hòa";"VNI";"2024";"68,05";"10";"63";"";""', r"cell B4 .*'VNI' is not a known index"),
        ('"Khánh Hòa";"PCI";"24";"68,05";"10";"63";"";""', r"cell C4 .*year \(Năm\) '24' is not a year"),
        ('"Khánh Hòa";"PCI";"2024";"68.05.1";"10";"63";"";""', r"cell D4 .*'68.05.1' is not a number"),
    ],
)
def test_a_bad_cell_is_named(tmp_path, row, message):
    with pytest.raises(SpreadsheetError, match=message):
        read_published_indices(write_csv(tmp_path / "pci.csv", row))


def _materialize(settings, landing):
    return materialize(
        [external_indices_landing],
        raise_on_error=False,
        resources={"external_indices_source": ExternalIndicesSource(settings), "landing": landing},
    )


def _landed_rows(landing):
    return sum(pq.read_table(f).num_rows for f in (landing.root / SOURCE).rglob("*.parquet"))


def test_a_file_lands_once_and_a_bad_file_lands_nothing(tmp_path):
    landing = LandingZone(tmp_path / "landing")
    good = write_csv(tmp_path / "good.csv", '"Khánh Hòa";"PCI";"2024";"68,05";"20";"63";"";""')
    settings = dataclasses.replace(load_settings(), data_dir=tmp_path, external_indices_file=good)
    first = _materialize(settings, landing)
    assert first.success and _landed_rows(landing) == 1
    load_id = first.asset_materializations_for_node("landing__external_indices")[0].metadata["load_id"].value

    again = _materialize(settings, landing)  # the same file: nothing new, the same load reported
    metadata = again.asset_materializations_for_node("landing__external_indices")[0].metadata
    assert (metadata["load_id"].value, metadata["new_rows"].value, _landed_rows(landing)) == (load_id, 0, 1)

    bad = write_csv(tmp_path / "bad.csv", '"Khánh Hòa";"PCI";"2025";"70";"x";"63";"";""')
    failed = _materialize(dataclasses.replace(settings, external_indices_file=bad), landing)
    assert not failed.success and _landed_rows(landing) == 1


def test_production_without_a_file_lands_an_empty_load_once(tmp_path):
    landing = LandingZone(tmp_path / "landing")
    settings = dataclasses.replace(
        load_settings(), data_dir=tmp_path, environment="production", external_indices_file=None
    )
    assert _materialize(settings, landing).success
    files = list((landing.root / SOURCE).rglob("*.parquet"))
    assert len(files) == 1 and pq.read_table(files[0]).num_rows == 0
    assert _materialize(settings, landing).success
    assert len(list((landing.root / SOURCE).rglob("*.parquet"))) == 1
