"""A hand-made administrative-unit file: one merge and one split on 2025-07-01.

Before: province P > district D > communes A, B, C.  After: province P (same code) > X, Y.
  A -> X (1), B -> X (1): a merge.  C -> X (0.6), C -> Y (0.4): a split by population share.
  P -> P (1).  D has no successor: the district level is abolished.
"""

from __future__ import annotations

import csv
from pathlib import Path

UNITS = [
    # unit_code, unit_level, unit_type, parent, valid_from, valid_to
    ("P", "province", "province", "", "2022-01-01", "2025-06-30"),
    ("D", "district", "district", "P", "2022-01-01", "2025-06-30"),
    ("A", "commune", "ward", "D", "2022-01-01", "2025-06-30"),
    ("B", "commune", "commune", "D", "2022-01-01", "2025-06-30"),
    ("C", "commune", "commune", "D", "2022-01-01", "2025-06-30"),
    ("P", "province", "province", "", "2025-07-01", ""),
    ("X", "commune", "ward", "P", "2025-07-01", ""),
    ("Y", "commune", "commune", "P", "2025-07-01", ""),
]
SUCCESSORS = [
    ("2025-07-01", "A", "X", "1"),
    ("2025-07-01", "B", "X", "1"),
    ("2025-07-01", "C", "X", "0.6"),
    ("2025-07-01", "C", "Y", "0.4"),
    ("2025-07-01", "P", "P", "1"),
]


def write_units(folder: Path, units=UNITS, successors=SUCCESSORS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "admin_units.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(
            [
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
            ]
        )
        for code, level, kind, parent, start, end in units:
            w.writerow([code, "", f"Đơn vị {code}", f"Unit {code}", kind, level, parent, start, end, "true", "test"])
    with open(folder / "admin_unit_successors.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["effective_date", "predecessor_code", "successor_code", "weight", "weight_basis"])
        for row in successors:
            w.writerow([*row, "population share"])
    return folder
