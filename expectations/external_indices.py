"""The GX suite of the external indices file (connectors/external_indices.py): the connector has
already refused unreadable cells; the gate judges the load as a whole: one row per province,
index and edition, ranks within the number of provinces ranked, an edition year that exists."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from expectations.gx_runner import BatchResult, DatasetCheck, ExpectationDef, validate_frames

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

SOURCE_SYSTEM = "external_indices"
DATASET = "published_values"
INDEX_CODES = ["par_index", "pci", "papi", "ict_index", "dti", "sipas"]


def _e(expectation: str, why: str, **kwargs) -> ExpectationDef:
    return ExpectationDef(expectation=expectation, kwargs=kwargs, why=why)


def suite(load_id: str) -> list[ExpectationDef]:
    return [
        _e(
            "expect_table_columns_to_match_set",
            "the connector's columns are there",
            column_set=["province_name", "index_code", "edition_year", "province_rank", "provinces_ranked"],
            exact_match=False,
        ),
        _e("expect_column_values_to_not_be_null", "every row names its province", column="province_name"),
        _e("expect_column_values_to_be_in_set", "a known index", column="index_code", value_set=INDEX_CODES),
        _e(
            "expect_column_values_to_be_between",
            "an edition year the program can use",
            column="edition_year",
            min_value=2015,
            max_value=2100,
        ),
        _e(
            "expect_compound_columns_to_be_unique",
            "one row per province, index and edition",
            column_list=["province_name", "index_code", "edition_year"],
        ),
        _e(
            "expect_column_pair_values_a_to_be_greater_than_b",
            "a rank is within the provinces ranked",
            column_A="provinces_ranked",
            column_B="province_rank",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
        _e(
            "expect_column_values_to_be_in_set",
            "every row belongs to the load being judged",
            column="_load_id",
            value_set=[load_id],
        ),
    ]


def validate_external_indices_batch(frames: Mapping[str, pd.DataFrame], load_id: str) -> BatchResult:
    checks = []
    if DATASET in frames:
        checks.append(DatasetCheck(DATASET, f"{SOURCE_SYSTEM}.{DATASET}", frames[DATASET], suite(load_id)))
    return validate_frames(checks, load_id=load_id, source_system=SOURCE_SYSTEM)
