"""Rule builders every source's suites are written with: one `ExpectationDef` per rule.

A source module (expectations/one_stop_shop.py, expectations/cadre.py) keeps its own table of
`Tolerance`s and column contracts; these builders turn them into GX expectations the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from expectations.gx_runner import DTYPE_EXPECTATION, ExpectationDef, RowFilter

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa


@dataclass(frozen=True)
class Tolerance:
    mostly: float
    why: str


def exact(why: str) -> Tolerance:
    """A rule no row may break."""
    return Tolerance(1.0, why)


# Column kinds of landing contracts: text (str), int, date as source text (yyyyMMddHHmmss),
# ts (UTC timestamp), day (a typed date), decimal.
TEXT, INT, DATE, TS, DAY, DECIMAL, FLOAT, BOOL = "text", "int", "date", "ts", "day", "decimal", "float", "bool"
ISO_DATE_REGEX = r"^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$"
ISO_DATE_TIME_REGEX = r"^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d$"

# Accepted pandas dtype names per kind (compared with str(dtype)).
DTYPES: dict[str, list[str]] = {
    # pandas 3 reads Parquet strings as `str`; `string` is the NA-backed variant; `object` is
    # what a hand-built or all-null column may carry.
    TEXT: ["str", "string", "object"],
    DATE: ["str", "string", "object"],
    # pandas turns an integer column holding a null into float64 when reading Parquet, so float64
    # is accepted and the values are checked by the code rules.
    INT: ["int8", "int16", "int32", "int64", "Int8", "Int16", "Int32", "Int64", "float64"],
    TS: [f"datetime64[{u}, UTC]" for u in ("s", "ms", "us", "ns")],
    # typed dates and decimals, as the caller hands them to GX (datetime64, float64)
    DAY: [f"datetime64[{u}]" for u in ("s", "ms", "us", "ns")],
    DECIMAL: ["float64"],
    FLOAT: ["float32", "float64", "Float64"],
    BOOL: ["bool", "boolean", "object"],
}

BATCH_COLUMNS: dict[str, str] = {"_load_id": TEXT, "_source": TEXT, "_loaded_at": TS, "_page": INT}


def kinds_of(fields: Mapping[str, pa.DataType]) -> dict[str, str]:
    """The column kinds of a connector's typed fields (its Arrow schema), so a suite's structure
    rules follow the connector's one list of columns instead of repeating it."""
    import pyarrow as pa

    def kind(dtype: pa.DataType) -> str:
        if pa.types.is_string(dtype) or pa.types.is_large_string(dtype):
            return TEXT
        if pa.types.is_integer(dtype):
            return INT
        if pa.types.is_date(dtype):
            return DAY
        if pa.types.is_decimal(dtype):
            return DECIMAL
        if pa.types.is_floating(dtype):
            return FLOAT
        if pa.types.is_boolean(dtype):
            return BOOL
        if pa.types.is_timestamp(dtype):
            return TS
        raise ValueError(f"no expectation kind for the Arrow type {dtype}")

    return {name: kind(dtype) for name, dtype in fields.items()}


def rule(expectation: str, why: str, **kwargs) -> ExpectationDef:
    return ExpectationDef(expectation=expectation, kwargs=kwargs, why=why)


def structure(columns: Mapping[str, str]) -> list[ExpectationDef]:
    defs = [
        rule(
            "expect_table_columns_to_match_set",
            "required columns present (extra columns are schema drift, kept, not an error)",
            column_set=sorted(columns),
            exact_match=False,
        )
    ]
    for col, kind in columns.items():
        defs.append(rule(DTYPE_EXPECTATION, f"{col} is {kind}", column=col, type_list=DTYPES[kind]))
    return defs


def not_null(cols: list[str], tol: Tolerance, applies_to: RowFilter | None = None) -> list[ExpectationDef]:
    """Each column filled, in the rows `applies_to` selects (every row by default)."""
    return [
        ExpectationDef("expect_column_values_to_not_be_null", {"column": c, "mostly": tol.mostly}, tol.why, applies_to)
        for c in cols
    ]


def regex(col: str, pattern: str, tol: Tolerance) -> ExpectationDef:
    return rule("expect_column_values_to_match_regex", tol.why, column=col, regex=pattern, mostly=tol.mostly)


def not_matching(col: str, pattern: str, tol: Tolerance) -> ExpectationDef:
    return rule("expect_column_values_to_not_match_regex", tol.why, column=col, regex=pattern, mostly=tol.mostly)


def in_set(col: str, values: list, tol: Tolerance, applies_to: RowFilter | None = None) -> ExpectationDef:
    return ExpectationDef(
        "expect_column_values_to_be_in_set",
        {"column": col, "value_set": values, "mostly": tol.mostly},
        tol.why,
        applies_to,
    )


def between(col: str, tol: Tolerance, minimum=None, maximum=None) -> ExpectationDef:
    bounds = {k: v for k, v in (("min_value", minimum), ("max_value", maximum)) if v is not None}
    return rule("expect_column_values_to_be_between", tol.why, column=col, mostly=tol.mostly, **bounds)


def not_before(later: str, earlier: str, tol: Tolerance) -> ExpectationDef:
    """`earlier <= later`; nulls ignored."""
    return rule(
        "expect_column_pair_values_a_to_be_greater_than_b",
        tol.why,
        column_A=later,
        column_B=earlier,
        or_equal=True,
        ignore_row_if="either_value_is_missing",
        mostly=tol.mostly,
    )


def unique(cols: list[str], tol: Tolerance) -> ExpectationDef:
    return rule("expect_compound_columns_to_be_unique", tol.why, column_list=cols, mostly=tol.mostly)


def same_load(load_id: str) -> ExpectationDef:
    return rule(
        "expect_column_values_to_be_in_set",
        "every row belongs to the load being judged",
        column="_load_id",
        value_set=[load_id],
    )


def typed_for_gx(frame: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    """Landed dates (Python `date` objects in pandas) as datetime64 and decimals as float64, which GX's
    type and range rules understand; a value that does not convert stays as it is and fails its rule."""
    import pandas as pd

    frame = frame.copy()
    for col, kind in columns.items():
        if col not in frame.columns or frame[col].dtype != object:
            continue
        try:
            if kind == DAY:
                frame[col] = pd.to_datetime(frame[col])
            elif kind == DECIMAL:
                frame[col] = frame[col].astype("float64")
        except (TypeError, ValueError):
            pass
    return frame
