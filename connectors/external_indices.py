"""Connector for the external indices a ministry publishes (PAR Index, PCI, PAPI, ICT Index, DTI,
SIPAS): one CSV or XLSX file, one row per province, index and edition.

The file's layout (the one place that knows it): title rows may sit above the header; the header
names these columns (Vietnamese, any case or spacing):

    Tỉnh, thành phố | Chỉ số | Năm | Giá trị | Xếp hạng | Số tỉnh xếp hạng | Ngày công bố | Nguồn công bố

`Chỉ số` is the index's short name (PAR Index, PCI, PAPI, ICT Index, DTI, SIPAS); `Năm` the year
the edition measures; `Giá trị` a Vietnamese number (`90,49`), blank when only the rank is
published; `Xếp hạng` a rank (`10`) or "outside the top N" written `>30` / `ngoài top 30`;
`Ngày công bố` dd/MM/yyyy. The last three columns are optional. Every row of the file lands
(all provinces, as the ministry published them); the warehouse picks the province's rows.
A cell that cannot be read stops the load with an error naming the file, sheet and cell:
nothing of a bad file lands.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pyarrow as pa

from connectors.spreadsheet import (
    CellLocation,
    SpreadsheetError,
    find_header_row,
    is_blank,
    iter_records,
    normalise_header,
    parse_vn_date,
    parse_vn_number,
    sheet_rows,
)

SOURCE = "external_indices"
DATASET = "published_values"
DATASETS = (DATASET,)

# our field -> the file's header
REQUIRED_COLUMNS = {
    "province_name": "Tỉnh, thành phố",
    "index_label": "Chỉ số",
    "edition_year": "Năm",
    "index_value": "Giá trị",
    "rank_text": "Xếp hạng",
}
OPTIONAL_COLUMNS = {
    "provinces_ranked": "Số tỉnh xếp hạng",
    "published_on": "Ngày công bố",
    "published_in": "Nguồn công bố",
}
HEADER = [*REQUIRED_COLUMNS.values(), *OPTIONAL_COLUMNS.values()]

INDEX_CODES = {
    "par index": "par_index",
    "pci": "pci",
    "papi": "papi",
    "ict index": "ict_index",
    "dti": "dti",
    "sipas": "sipas",
}

SCHEMA = pa.schema(
    [
        ("province_name", pa.string()),
        ("index_code", pa.string()),
        ("index_label", pa.string()),
        ("edition_year", pa.int32()),
        ("index_value", pa.string()),
        ("province_rank", pa.int32()),
        ("rank_outside_top", pa.int32()),
        ("provinces_ranked", pa.int32()),
        ("published_on", pa.date32()),
        ("published_in", pa.string()),
        ("file_sheet", pa.string()),
        ("file_row", pa.int32()),
    ]
)

_OUTSIDE_TOP = re.compile(r"^(?:>\s*|ngoài\s+top\s+|outside\s+(?:the\s+)?top\s+)(\d+)$", re.IGNORECASE)


def content_digest(records: list[dict[str, Any]]) -> str:
    """sha256 of what the file says (not of its bytes: a workbook saved again differs byte-wise):
    the same content is landed once."""
    return hashlib.sha256(json.dumps(records, sort_keys=True, default=str).encode()).hexdigest()


def _csv_rows(path: Path) -> tuple[str, list[tuple[Any, ...]]]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            sample = f.read(4096)
            f.seek(0)
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample else csv.excel
            return "csv", [tuple(row) for row in csv.reader(f, dialect)]
    except (UnicodeDecodeError, csv.Error) as exc:
        raise SpreadsheetError(path, f"not a readable UTF-8 CSV file ({type(exc).__name__}: {exc})") from exc


def _whole_number(value: Any, where: CellLocation, field: str) -> int | None:
    number = parse_vn_number(value, where)
    if number is None:
        return None
    if number != number.to_integral_value() or number < 1:
        raise where.error(f"{field} '{value}' is not a positive whole number")
    return int(number)


def _rank(value: Any, where: CellLocation) -> tuple[int | None, int | None]:
    """(rank, outside_top_n) from `10`, `>30` or `ngoài top 30`."""
    if is_blank(value):
        return None, None
    match = _OUTSIDE_TOP.match(" ".join(str(value).split()))
    if match:
        return None, int(match.group(1))
    return _whole_number(value, where, "rank (Xếp hạng)"), None


def _index_code(value: Any, where: CellLocation) -> str:
    code = INDEX_CODES.get(normalise_header(value)) or (
        normalise_header(value) if normalise_header(value) in INDEX_CODES.values() else None
    )
    if code is None:
        raise where.error(f"'{value}' is not a known index (Chỉ số): one of {', '.join(sorted(set(INDEX_CODES)))}")
    return code


def read_published_indices(path: str | Path) -> list[dict[str, Any]]:
    """Every data row of the file as a record of SCHEMA's fields; SpreadsheetError on a bad cell."""
    path = Path(path)
    if not path.exists():
        raise SpreadsheetError(path, "file not found (PAR_EXTERNAL_INDICES_FILE)")
    sheet, rows = _csv_rows(path) if path.suffix.lower() == ".csv" else sheet_rows(path)
    header_row, columns = find_header_row(path, sheet, rows, REQUIRED_COLUMNS.values())
    fields = dict(REQUIRED_COLUMNS)
    fields.update({name: header for name, header in OPTIONAL_COLUMNS.items() if normalise_header(header) in columns})
    records = []
    for row_number, cells in iter_records(path, sheet, rows, header_row, columns, fields):

        def cell(name, cells=cells):
            return cells.get(name, (None, None))

        province, where = cell("province_name")
        if is_blank(province):
            raise where.error("the province (Tỉnh, thành phố) is blank")
        year_value, year_where = cell("edition_year")
        year = _whole_number(year_value, year_where, "year (Năm)")
        if year is None or not 2000 <= year <= 2100:
            raise year_where.error(f"year (Năm) '{year_value}' is not a year")
        value, value_where = cell("index_value")
        number = parse_vn_number(value, value_where)
        rank, outside = _rank(*cell("rank_text"))
        provinces_value, provinces_where = cell("provinces_ranked")
        published_value, published_where = cell("published_on")
        published_in, _ = cell("published_in")
        records.append(
            {
                "province_name": " ".join(str(province).split()),
                "index_code": _index_code(*cell("index_label")),
                "index_label": str(cell("index_label")[0]).strip(),
                "edition_year": year,
                "index_value": None if number is None else str(number),
                "province_rank": rank,
                "rank_outside_top": outside,
                "provinces_ranked": _whole_number(
                    provinces_value, provinces_where, "provinces ranked (Số tỉnh xếp hạng)"
                )
                if provinces_where
                else None,
                "published_on": parse_vn_date(published_value, published_where) if published_where else None,
                "published_in": None if is_blank(published_in) else str(published_in).strip(),
                "file_sheet": sheet,
                "file_row": row_number,
            }
        )
    return records


def to_table(records: list[dict[str, Any]]) -> dict[str, pa.Table]:
    """The landed dataset (land_pull's flattener)."""
    return {DATASET: pa.Table.from_pylist(records, schema=SCHEMA)}
