"""Great Expectations internals (GX Core 1.24): the dtype expectation of the GX gates.

`expect_column_dtype_to_be_in`: a column's pandas dtype is one of a list of dtype names. GX's own
`expect_column_values_to_be_in_type_list` resolves each name through numpy and pandas attributes, so
pandas 3's default string dtype (`str`, a StringDtype with NaN as its missing value), the nullable
`Int32` and a timezone-aware `datetime64[us, UTC]` never match any name: every landed text column
would fail. GX 1.x has no supported way to give an expectation new logic (its documented customisation
is a subclass with other default arguments), so this subclass overrides the pandas branch of GX's
check, `_validate_pandas(actual_column_type, expected_types_list)`: it first compares the dtype's own
name (`str(dtype)`: 'int32', 'Int32', 'str', 'float64', 'datetime64[us, UTC]') with the list, then
falls back to GX's logic. Object columns keep GX's per-value check (GX does not call this branch for
them).

tests/test_framework_internals.py fails when an upgrade of GX breaks this: the hook renamed or no longer
called, or its arguments changed.
"""

from __future__ import annotations

DTYPE_EXPECTATION = "expect_column_dtype_to_be_in"

_registered = False


def register_dtype_expectation() -> None:
    """Register `expect_column_dtype_to_be_in` with GX's expectation registry (once per process)."""
    global _registered
    if _registered:
        return
    from great_expectations.exceptions import ExpectationNotFoundError
    from great_expectations.expectations.core.expect_column_values_to_be_in_type_list import (
        ExpectColumnValuesToBeInTypeList,
    )
    from great_expectations.expectations.registry import get_expectation_impl

    try:
        get_expectation_impl(DTYPE_EXPECTATION)
    except ExpectationNotFoundError:

        class ExpectColumnDtypeToBeIn(ExpectColumnValuesToBeInTypeList):  # registered by GX under its snake_case name
            """Expect a column's pandas dtype name to be one of `type_list`."""

            def _validate_pandas(self, actual_column_type, expected_types_list):
                name = str(actual_column_type)
                if expected_types_list is not None and name in expected_types_list:
                    return {"success": True, "result": {"observed_value": name}}
                res = super()._validate_pandas(actual_column_type, expected_types_list)
                res["result"]["observed_value"] = name
                return res

    _registered = True
