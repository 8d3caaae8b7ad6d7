"""A ministry-style file of external index results, for the sandbox run: the province's published
values (from the warehouse's seed, so both sides agree) beside two clearly fictitious provinces,
laid out the way connectors/external_indices.py reads it (title rows, Vietnamese numbers and dates)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from connectors.external_indices import HEADER
from connectors.sandbox.reference import published_external_indices
from connectors.spreadsheet import format_vn_date, format_vn_number, write_workbook

PROVINCE_NAME = "Khánh Hòa"
LABELS = {
    "par_index": "PAR Index",
    "pci": "PCI",
    "papi": "PAPI",
    "ict_index": "ICT Index",
    "dti": "DTI",
    "sipas": "SIPAS",
}


def _row(province: str, seed: dict[str, str], rank: str | None, value: Decimal | None) -> list:
    decimals = max(0, -value.as_tuple().exponent) if value is not None else 0
    published = date.fromisoformat(seed["published_on"]) if seed["published_on"] else None
    return [
        province,
        LABELS[seed["index_code"]],
        int(seed["edition_year"]),
        format_vn_number(value, decimals),
        rank,
        seed["provinces_ranked"] or None,
        format_vn_date(published),
        seed["published_in"],
    ]


def sandbox_rows() -> list[list]:
    rows = []
    for seed in published_external_indices():
        value = Decimal(seed["index_value"]) if seed["index_value"] else None
        rank = seed["province_rank"] or (f">{seed['rank_outside_top']}" if seed["rank_outside_top"] else None)
        rows.append(_row(PROVINCE_NAME, seed, rank, value))
        for offset, name in ((1, "Tỉnh mẫu A (sandbox)"), (2, "Tỉnh mẫu B (sandbox)")):
            other_rank = str(int(seed["province_rank"]) + offset) if seed["province_rank"] else None
            rows.append(_row(name, seed, other_rank, None if value is None else value - offset))
    return rows


def write_ministry_file(path: str | Path) -> Path:
    return write_workbook(
        path,
        {"Kết quả": ([["KẾT QUẢ CÁC CHỈ SỐ ĐÁNH GIÁ CẤP TỈNH (dữ liệu mẫu, sandbox)"], []], HEADER, sandbox_rows())},
    )
