"""Expectation suites of the landed budget disclosures (landing contract: docs/budget_landing.md).

Per landed dataset (`documents`, `lines`, `units`) plus two views of `lines` built here, because
their rules span rows:
- `required_lines`: one row per balance document in the load and line its form requires (seed
  budget_form_lines, by line id: the connector matched each line by its label), `is_present`
  true when the document's current column (its own fiscal year, a kind of its document kind:
  seed budget_column_kinds) has it; a document without a current column misses them all;
- `parent_lines`: one row per parent line and money column, with by how much it differs from the
  sum of its children beyond rounding (the connector lands the children's total and the rounding
  allowed: half a unit of the form per child and for the parent).
Values that cannot be negative (every catalogued line except those the seed allows, every unit
amount but the business surplus) are checked on the landed rows; a line the catalogue does not
know is landed under its own label and listed by the warehouse (audit_budget_unlisted_lines).

Tolerances are in one table; a load beyond them is rejected as a whole (the warehouse keeps the
previous accepted version of each document).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from connectors.budget import (
    COLUMN_KINDS,
    DATASETS,
    DOCUMENT_KINDS,
    FILE_STATUSES,
    PERIODS,
    SCHEMAS,
    SOURCE,
    TEXT_KINDS,
)
from connectors.spreadsheet import MONEY_UNITS
from expectations.gx_runner import BatchResult, DatasetCheck, ExpectationDef, validate_frames

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["TOLERANCES", "SUITES", "derived_frames", "validate_budget_batch"]


@dataclass(frozen=True)
class Tolerance:
    mostly: float
    why: str


TOLERANCES: dict[str, Tolerance] = {
    "structure": Tolerance(
        1.0,
        "keys, codes and the outline are what the connector built from the file: one gap "
        "means the parser misread a layout",
    ),
    "required_line": Tolerance(
        1.0,
        "a balance form without one of its required lines (total revenue, transfers, "
        "total, investment and recurrent spending, deficit) cannot be reported at all",
    ),
    "non_negative": Tolerance(
        1.0,
        "a negative revenue or spending is a sign error in the source or a misread "
        "parenthesis; it would turn a total the wrong way",
    ),
    "reconciliation": Tolerance(
        0.8,
        "published forms do contain a parent that is not the sum of its children (the "
        "mart flags it); more than one parent in five off means the outline was misread",
    ),
    "dates": Tolerance(
        0.95,
        "a decision dated after its publication is a typo on the portal; more than a few means "
        "the listing's fields moved",
    ),
}


def _rule(expectation: str, tolerance: str, **kwargs) -> ExpectationDef:
    if expectation.startswith(("expect_column_values_", "expect_column_pair_values_", "expect_compound_columns_")):
        kwargs.setdefault("mostly", TOLERANCES[tolerance].mostly)
    # A form is judged whole, not as a sample: its share of misread lines is what it is.
    return ExpectationDef(expectation, kwargs, TOLERANCES[tolerance].why, sampled=False)


def _columns_present(dataset: str) -> ExpectationDef:
    return _rule(
        "expect_table_columns_to_match_set", "structure", column_set=list(SCHEMAS[dataset].names), exact_match=False
    )


def _not_null(*columns: str) -> list[ExpectationDef]:
    return [_rule("expect_column_values_to_not_be_null", "structure", column=c) for c in columns]


SUITES: dict[str, list[ExpectationDef]] = {
    "documents": [
        _columns_present("documents"),
        *_not_null("document_id", "document_kind", "fiscal_year", "period", "published_date", "file_status"),
        _rule("expect_column_values_to_be_in_set", "structure", column="document_kind", value_set=list(DOCUMENT_KINDS)),
        _rule("expect_column_values_to_be_in_set", "structure", column="period", value_set=list(PERIODS)),
        _rule("expect_column_values_to_be_in_set", "structure", column="file_status", value_set=list(FILE_STATUSES)),
        _rule(
            "expect_column_pair_values_a_to_be_greater_than_b",
            "dates",
            column_A="published_date",
            column_B="decision_date",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
    ],
    "lines": [
        _columns_present("lines"),
        *_not_null(
            "document_id",
            "file_sha256",
            "line_code",
            "outline_level",
            "series",
            "column_fiscal_year",
            "document_kind",
            "unit",
            "unit_vnd",
        ),
        _rule("expect_column_values_to_be_in_set", "structure", column="series", value_set=list(COLUMN_KINDS)),
        _rule(
            "expect_column_values_to_be_in_set",
            "structure",
            column="line_match",
            value_set=["label", "label_and_position"],
        ),
        _rule("expect_column_values_to_be_in_set", "structure", column="unit", value_set=list(MONEY_UNITS)),
        _rule("expect_column_values_to_be_between", "structure", column="outline_level", min_value=1, max_value=6),
        _rule(
            "expect_compound_columns_to_be_unique",
            "structure",
            column_list=["document_id", "file_sha256", "line_code", "sheet_column"],
        ),
        _rule(
            "expect_column_values_to_be_between",
            "non_negative",
            column="value_vnd_that_cannot_be_negative",
            min_value=0,
        ),
    ],
    "units": [
        _columns_present("units"),
        *_not_null("document_id", "file_sha256", "unit_code", "autonomy_group"),
        _rule("expect_column_values_to_be_in_set", "structure", column="autonomy_group", value_set=[1, 2, 3, 4]),
        _rule(
            "expect_compound_columns_to_be_unique", "structure", column_list=["document_id", "file_sha256", "unit_code"]
        ),
        *[
            _rule("expect_column_values_to_be_between", "non_negative", column=c, min_value=0)
            for c in ("service_revenue_vnd", "retained_fees_vnd", "recurrent_spending_vnd")
        ],
    ],
    "form_texts": [
        _columns_present("form_texts"),
        *_not_null("document_id", "file_sha256", "sheet_row", "text_vi", "text_kind"),
        _rule("expect_column_values_to_be_in_set", "structure", column="text_kind", value_set=list(TEXT_KINDS)),
    ],
    "required_lines": [
        _rule("expect_column_values_to_be_in_set", "required_line", column="is_present", value_set=[True]),
    ],
    "parent_lines": [
        _rule(
            "expect_column_values_to_be_between",
            "reconciliation",
            column="gap_beyond_rounding_vnd",
            min_value=0,
            max_value=0,
        ),
    ],
}


def derived_frames(lines: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """`lines` with the value of lines that cannot be negative, and the required_lines and
    parent_lines views (see the module's docstring)."""
    import pandas as pd

    from connectors.budget_forms import budget_column_kinds, budget_form_lines

    catalogue = budget_form_lines()
    kinds = budget_column_kinds()
    may_be_negative = {(line.form_code, line.line_id) for line in catalogue if line.can_be_negative}
    lines = lines.copy()
    lines["value_vnd_that_cannot_be_negative"] = [
        None
        if value is None or pd.isna(value) or line_id is None or pd.isna(line_id) or (form, line_id) in may_be_negative
        else float(value)
        for form, line_id, value in zip(lines["form_code"], lines["line_id"], lines["value_vnd"])
    ]
    required = []
    documents = lines[["document_id", "file_sha256", "form_code", "document_kind", "fiscal_year"]].drop_duplicates()
    for document_id, sha, form, kind, year in documents.itertuples(index=False):
        current = lines[
            (lines["document_id"] == document_id)
            & (lines["file_sha256"] == sha)
            & (lines["column_fiscal_year"] == year)
            & lines["series"].isin(kinds.get(kind, ()))
        ]
        present = set(current["line_id"].dropna())
        required += [
            {
                "document_id": document_id,
                "form_code": form,
                "line_id": line.line_id,
                "is_present": line.line_id in present,
            }
            for line in catalogue
            if line.form_code == form and line.is_required
        ]
    parents = lines[lines["children_total_vnd"].notna() & lines["value_vnd"].notna()]
    gaps = [
        max(Decimal(0), abs(Decimal(v) - Decimal(t)) - Decimal(r))
        for v, t, r in zip(parents["value_vnd"], parents["children_total_vnd"], parents["rounding_tolerance_vnd"])
    ]
    parent_lines = parents[["document_id", "line_code", "series", "sheet_column"]].assign(
        gap_beyond_rounding_vnd=[float(g) for g in gaps]
    )
    return {
        "lines": lines,
        "required_lines": pd.DataFrame(required, columns=["document_id", "form_code", "line_id", "is_present"]),
        "parent_lines": parent_lines.reset_index(drop=True),
    }


def validate_budget_batch(
    frames: Mapping[str, pd.DataFrame], load_id: str, *, check_load_id: bool = True, sample_size: int = 5
) -> BatchResult:
    """Validate the datasets present in `frames` (keys from DATASETS); with `lines`, its two
    views too. With `check_load_id` every landed row must belong to `load_id`."""
    unknown = sorted(set(frames) - set(DATASETS))
    if unknown:
        raise ValueError(f"unknown budget dataset(s): {unknown}; expected some of {DATASETS}")
    frames = dict(frames)
    if "lines" in frames and len(frames["lines"]):
        frames.update(derived_frames(frames["lines"]))
    checks = []
    for name, frame in frames.items():
        if not len(frame):
            continue  # nothing of this kind in the load (a crawl that found no change)
        rules = list(SUITES[name])
        if check_load_id and name in DATASETS:
            rules.append(
                _rule("expect_column_values_to_be_in_set", "structure", column="_load_id", value_set=[load_id])
            )
        checks.append(DatasetCheck(name, f"{SOURCE}.{name}", frame, rules))
    return validate_frames(checks, load_id=load_id, source_system=SOURCE, sample_size=sample_size)
