"""Building blocks of the expectation suites: one GX rule each, with its tolerance and its reason.

Every suite module (one per source system) writes its rules with these, so a rule means the same
thing for every source. `mostly` is the share of checked values that must conform (1.0: none may
fail); `why` travels with the rule into GX's notes and the audit rows.
"""
from __future__ import annotations

from collections.abc import Mapping

from expectations.gx_runner import DTYPE_EXPECTATION, ExpectationDef

# Column kinds and the pandas dtype names accepted for each (compared with str(dtype)).
TEXT, INT, FLOAT, BOOL, TS = "text", "int", "float", "bool", "ts"
DTYPES: dict[str, list[str]] = {
    # pandas 3 reads Parquet strings as `str`; `string` is the NA-backed variant; `object` is what a
    # hand-built or all-null column may carry.
    TEXT: ["str", "string", "object"],
    # pandas turns an integer column holding a null into float64 when reading Parquet.
    INT: ["int8", "int16", "int32", "int64", "Int8", "Int16", "Int32", "Int64", "float64"],
    FLOAT: ["float32", "float64", "Float64"],
    BOOL: ["bool", "boolean", "object"],
    TS: [f"datetime64[{u}, UTC]" for u in ("s", "ms", "us", "ns")],
}
BATCH_COLUMNS: dict[str, str] = {"_load_id": TEXT, "_source": TEXT, "_loaded_at": TS, "_page": INT}
ISO_DATE_REGEX = r"^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$"
ISO_DATE_TIME_REGEX = r"^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d$"


def rule(expectation: str, why: str, **kwargs) -> ExpectationDef:
    return ExpectationDef(expectation=expectation, kwargs=kwargs, why=why)


def structure(columns: Mapping[str, str]) -> list[ExpectationDef]:
    """Required columns present (extra columns are schema drift: kept, not an error), each of its kind."""
    defs = [rule("expect_table_columns_to_match_set", "required columns present", column_set=sorted(columns),
                 exact_match=False)]
    defs += [rule(DTYPE_EXPECTATION, f"{col} is {kind}", column=col, type_list=DTYPES[kind])
             for col, kind in columns.items()]
    return defs


def not_null(columns: list[str], mostly: float, why: str) -> list[ExpectationDef]:
    return [rule("expect_column_values_to_not_be_null", why, column=c, mostly=mostly) for c in columns]


def matches(column: str, regex: str, mostly: float, why: str) -> ExpectationDef:
    return rule("expect_column_values_to_match_regex", why, column=column, regex=regex, mostly=mostly)


def in_set(column: str, values: list, mostly: float, why: str) -> ExpectationDef:
    return rule("expect_column_values_to_be_in_set", why, column=column, value_set=values, mostly=mostly)


def between(column: str, mostly: float, why: str, min_value=None, max_value=None) -> ExpectationDef:
    return rule("expect_column_values_to_be_between", why, column=column, min_value=min_value,
                max_value=max_value, mostly=mostly)


def unique(columns: list[str], mostly: float, why: str) -> ExpectationDef:
    return rule("expect_compound_columns_to_be_unique", why, column_list=columns, mostly=mostly)


def not_before(later: str, earlier: str, mostly: float, why: str) -> ExpectationDef:
    """`earlier <= later` (ISO dates and yyyyMMddHHmmss strings compare like the instants); nulls ignored."""
    return rule("expect_column_pair_values_a_to_be_greater_than_b", why, column_A=later, column_B=earlier,
                or_equal=True, ignore_row_if="either_value_is_missing", mostly=mostly)
