"""The warehouse's reference lists as Python reads them: the dbt seeds (dbt_project/seeds/), one CSV
file each, so that the connectors, the gate, the sandbox and dbt hold the same facts."""

from __future__ import annotations

import csv
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds"


def read_seed(name: str) -> list[dict[str, str]]:
    """The rows of the seed file `name` (e.g. "budget_form_lines.csv"), as text."""
    with open(SEEDS_DIR / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))
