"""Connector for the administrative-unit reference file: the units and the old -> new mapping.

The province keeps two UTF-8 CSV files in one folder (PAR_ADMIN_UNITS_DIR, default `reference/`):
`admin_units.csv` (one row per unit version, dated) and `admin_unit_successors.csv` (each unit
that ended at a reorganisation -> its successor(s), with the share that goes to each). Both land
as text, exactly as written, with the line number they came from; whether they make sense
(overlapping validity, unmapped units, weights not summing to 1) is the GX gate's call
(expectations/admin_units.py). Layout and meaning: docs/admin_units.md.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from connectors.ingest import Page
from connectors.records import INT, STR, build_table

SOURCE = "admin_units"
FILES = {"units": "admin_units.csv", "successors": "admin_unit_successors.csv"}
FIELDS: dict[str, tuple[str, ...]] = {
    "units": (
        "unit_code",
        "gso_code",
        "unit_name_vi",
        "unit_name_en",
        "unit_type",
        "unit_level",
        "parent_unit_code",
        "valid_from",
        "valid_to",
        "is_synthetic",
        "note",
    ),
    "successors": ("effective_date", "predecessor_code", "successor_code", "weight", "weight_basis"),
}
DATASETS = tuple(FILES)
# Columns a province's file may leave out (they are landed as null).
OPTIONAL = {"gso_code", "unit_name_en", "note", "weight_basis", "parent_unit_code", "valid_to"}


class ReferenceFileError(ValueError):
    """The reference file cannot be read at all; names the file (and line) and what to fix."""


def _read_csv(path: Path, dataset: str) -> list[dict]:
    if not path.exists():
        raise ReferenceFileError(
            f"{path}: the administrative-unit reference file is missing "
            f"(expected {FILES[dataset]} in PAR_ADMIN_UNITS_DIR)"
        )
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise ReferenceFileError(f"{path}: line {line} is not UTF-8: save the file as CSV UTF-8") from None
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [f for f in FIELDS[dataset] if f not in header and f not in OPTIONAL]
    if missing:
        raise ReferenceFileError(
            f"{path}: the header lacks column(s) {', '.join(missing)} (expected {', '.join(FIELDS[dataset])})"
        )
    reader.fieldnames = header
    rows = []
    for row in reader:
        if None in row:
            raise ReferenceFileError(f"{path}: line {reader.line_num} has more values than the header has columns")
        if not any((v or "").strip() for v in row.values()):
            continue
        rows.append(
            {
                **{k: (v.strip() if isinstance(v, str) else v) or None for k, v in row.items()},
                "source_line": reader.line_num,
            }
        )
    return rows


def read_reference(folder: Path) -> dict[str, list[dict]]:
    """Every row of both files, as text, keyed by dataset; raises ReferenceFileError."""
    return {dataset: _read_csv(Path(folder) / name, dataset) for dataset, name in FILES.items()}


def describe(folder: Path) -> str:
    """The files' URI with a content hash: two loads of the same file say so."""
    digest = hashlib.sha256()
    for name in FILES.values():
        path = Path(folder) / name
        digest.update(path.read_bytes() if path.exists() else b"")
    return f"file://{Path(folder).resolve()}?sha256={digest.hexdigest()[:16]}"


def pages(folder: Path) -> Iterator[Page]:
    """One page holding every row of both files, each tagged with its dataset."""
    records = [{"_dataset": dataset, **row} for dataset, rows in read_reference(folder).items() for row in rows]
    yield records, "complete"


def flatten(records: list[dict]) -> dict[str, pa.Table]:
    tables = {}
    for dataset in DATASETS:
        rows = [{k: v for k, v in r.items() if k != "_dataset"} for r in records if r["_dataset"] == dataset]
        tables[dataset] = build_table(rows, {**{f: STR for f in FIELDS[dataset]}, "source_line": INT})
    return tables
