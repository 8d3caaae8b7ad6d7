"""What analysts read has one set of types and one period convention, checked on every mart's contract in
the dbt manifest (no build: the contracts are enforced, so a built mart has exactly these types on
every engine). Counts are bigint; rates, shares and thresholds decimal(9,6); money decimal(22,2); a
mart of periods names them by period_type and period_key (text)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

MANIFEST = Path(__file__).resolve().parents[1] / "dbt_project" / "target" / "manifest.json"

# Whole numbers that are not counts: calendar years, ranks, orders, codes, points, day limits.
NOT_COUNTS = re.compile(
    r"^(year|fiscal_year|edition_year|target_year|province_rank|rank_outside_top|provinces_ranked|t12_top_rank"
    r"|group_order|outline_level|deadline_days|autonomy_group|consecutive_years_required|[a-z_]*max_points)$"
)
RATES = re.compile(r"(_rate|_share|_threshold|_coverage|_progress|reduction|reduction_target|^rate)$")
OTHER_DECIMALS = [  # (name pattern, type): what is neither a count nor a rate in [0, 1], checked first
    (re.compile(r"^self_financing_rate$"), "decimal(12,6)"),  # revenue / spending: may be far above 1
    (re.compile(r"_vnd$"), "decimal(22,2)"),  # money, VND
    (re.compile(r"_per_1000_residents$"), "decimal(12,6)"),  # a ratio per 1,000 residents, not a share
    (re.compile(r"(^|_)points$"), "decimal(9,4)"),  # 766 index points
    (re.compile(r"^(actual_value|previous_actual_value|goal_value)$"), "decimal(18,6)"),  # in the target's unit
    (re.compile(r"^index_value$"), "decimal(12,4)"),  # a national index's published score
    (re.compile(r"^score$"), "decimal(7,2)"),  # PAR ranking score out of 100
]
# History rebased onto today's administrative units: a split unit's counts are shared out by weight, so
# these marts' counts are weighted estimates (decimal(18,6), the rates computed from them), not rounded:
# rounding each unit's share would break the sums analysts roll rates up with.
WEIGHTED_MARTS = ("_current_units",)


def marts() -> list[dict]:
    manifest = json.loads(MANIFEST.read_text())
    return [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"].get("schema") == "marts"
    ]


def type_problems(model: dict) -> list[str]:
    problems = []
    for name, column in model["columns"].items():
        declared = (column.get("data_type") or "").lower().replace(" ", "")
        where = f"{model['name']}.{name} ({declared})"
        if declared in ("integer", "int", "smallint", "hugeint", "int128", "numeric"):
            if not NOT_COUNTS.match(name):
                problems.append(f"{where}: a count is bigint")
        elif declared.startswith("decimal"):
            expected = next((t for pattern, t in OTHER_DECIMALS if pattern.search(name)), None)
            if expected is not None:
                if declared != expected:
                    problems.append(f"{where}: expected {expected}")
            elif RATES.search(name):
                if declared != "decimal(9,6)":
                    problems.append(f"{where}: a rate, share or threshold is decimal(9,6)")
            elif not (model["name"].endswith(WEIGHTED_MARTS) and declared == "decimal(18,6)"):
                problems.append(f"{where}: a count is bigint")
        elif declared in ("double", "float", "real", "doubleprecision"):
            problems.append(f"{where}: rates are decimal(9,6), counts bigint")
    return problems


def test_every_mart_has_an_enforced_contract_with_a_type_for_each_column():
    found = marts()
    assert len(found) >= 20
    for model in found:
        assert model["config"]["contract"]["enforced"], model["name"]
        assert all(c.get("data_type") for c in model["columns"].values()), model["name"]


def test_counts_are_bigint_and_rates_one_decimal_type():
    problems = [p for model in marts() for p in type_problems(model)]
    assert problems == []


def test_the_type_rules_catch_what_they_are_for():
    """A count typed integer or decimal(18,6), a rate typed decimal(9,4) or double are caught."""
    model = {
        "name": "m",
        "columns": {
            "units_in_force": {"data_type": "integer"},
            "dossiers_received": {"data_type": "decimal(18,6)"},
            "late_rate_threshold": {"data_type": "decimal(9,4)"},
            "online_share": {"data_type": "double"},
            "year": {"data_type": "integer"},
            "late_rate": {"data_type": "decimal(9,6)"},
            "estimate_vnd": {"data_type": "decimal(22,2)"},
        },
    }
    assert [p.split(" ")[0] for p in type_problems(model)] == [
        "m.units_in_force",
        "m.dossiers_received",
        "m.late_rate_threshold",
        "m.online_share",
    ]


@pytest.mark.parametrize("model", [m for m in marts() if not m["name"].startswith("dim_")], ids=lambda m: m["name"])
def test_every_periodic_mart_names_its_period_by_type_and_key(model):
    columns = model["columns"]
    assert columns.get("period_type", {}).get("data_type") == "varchar", model["name"]
    assert columns.get("period_key", {}).get("data_type") == "varchar", model["name"]
