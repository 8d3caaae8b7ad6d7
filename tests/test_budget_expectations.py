"""The GX gate of the budget disclosures on a good load and on loads with each defect it must catch.

The load is the hand-made estimate form of tests/test_budget_parser.py: 6 parent lines (A, A.II,
B, B.I, B.I.1, B.I.1.a), each the sum of its children; every required line of form 46/CK-NSNN;
the deficit C negative (a surplus, allowed).
"""

from decimal import Decimal

import pandas as pd
import pytest

from connectors.budget import flatten, parse_balance_form
from expectations.budget import validate_budget_batch
from tests.support.budget_forms import ESTIMATE_LINES, TITLE, doc, form

LOAD = "20240105T000000Z-abcdef"


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    path = form(tmp_path_factory.mktemp("gx"), TITLE + [["STT", "Nội dung", "Dự toán năm 2024"]] + ESTIMATE_LINES)
    rows = parse_balance_form(path, doc())
    for row in rows:
        row.update(_dataset="lines", file_sha256="f" * 64)
    lines = flatten(rows)["lines"].to_pandas()
    lines["_load_id"] = LOAD
    return lines


def verdict(lines: pd.DataFrame):
    result = validate_budget_batch({"lines": lines}, LOAD)
    return result, {f"{r.dataset}:{r.column}" for r in result.failed()}


def test_a_good_load_is_accepted(good):
    result, failed = verdict(good)
    assert result.success, result.summary()
    assert result.dataset("required_lines").row_count == 8 and result.dataset("parent_lines").row_count == 6


def test_a_missing_required_line_rejects_the_load(good):
    result, failed = verdict(good[good["line_code"] != "C"])
    assert not result.success and failed == {"required_lines:is_present"}


def test_a_negative_revenue_rejects_the_load_but_a_negative_deficit_does_not(good):
    lines = good.copy()
    lines.loc[lines["line_code"] == "A.I", "value_vnd"] = Decimal(-1)
    result, failed = verdict(lines)
    assert not result.success and failed == {"lines:value_vnd_that_cannot_be_negative"}
    assert (good.loc[good["line_code"] == "C", "value_vnd"] < 0).all()


def test_one_parent_off_its_children_in_six_is_tolerated_two_are_not(good):
    # within rounding: A off by 1.5 triệu is exactly the allowed (2 children + the parent) x 0.5 triệu
    lines = good.copy()
    lines.loc[lines["line_code"] == "A", "value_vnd"] += Decimal(1_500_000)
    assert verdict(lines)[0].success
    lines.loc[lines["line_code"] == "B.I", "value_vnd"] += Decimal(1_250_000_000)  # 1 of 6 parents: 16.7% < 20%
    result, _ = verdict(lines)
    assert result.success and result.dataset("parent_lines").rows_affected == 1
    lines.loc[lines["line_code"] == "A", "value_vnd"] += Decimal(1)  # now 2 of 6: 33.3% > 20%
    result, failed = verdict(lines)
    assert not result.success and failed == {"parent_lines:gap_beyond_rounding_vnd"}


def test_a_form_without_a_column_of_its_own_year_and_kind_is_rejected(good):
    """Only prior-year columns (Dự toán năm 2023 in a 2024 estimate): no line can be reported."""
    lines = good.copy()
    lines["column_fiscal_year"] = 2023
    result, failed = verdict(lines)
    assert not result.success and failed == {"required_lines:is_present"}
