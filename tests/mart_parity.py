"""Compare every mart of a warehouse built on another engine with the same marts built on DuckDB.

Used by the PostgreSQL and Spark tests: each reads its engine's marts its own way and hands the rows
here. Values are compared exactly after normalising the representations engines legitimately differ
in: floats rounded to 9 places, decimals without trailing zeros. The lineage column naming the load a
row comes from is left out (a run may land its own loads)."""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

# Lineage columns naming the load a row comes from: each run lands its own loads.
LOAD_COLUMNS = {"load_id"}


def normalise(value):
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, Decimal):
        return value.normalize() if value.is_finite() else value
    return value


def normalised_rows(rows) -> list[tuple]:
    return [tuple(normalise(v) for v in row) for row in rows]


def compared_columns(columns: list[str]) -> list[str]:
    return [c for c in columns if c not in LOAD_COLUMNS]


def ordered_select(relation: str, columns: list[str]) -> str:
    """Every compared column of `relation`, ordered by all of them (engines return rows in any order)."""
    compared = compared_columns(columns)
    return (f'select {", ".join(compared)} from {relation} order by '
            + ", ".join(str(i + 1) for i in range(len(compared))))


def mart_differences(marts: list[str], expected: Callable[[str], list[tuple]], got: Callable[[str], list[tuple]],
                     engine: str) -> dict[str, str]:
    """{mart: what differs} between DuckDB's rows (`expected(mart)`) and the other engine's (`got(mart)`),
    both ordered by every compared column; empty when every mart holds the same values."""
    differences = {}
    for mart in marts:
        want, have = normalised_rows(expected(mart)), normalised_rows(got(mart))
        if want != have:
            first = next((i for i, (e, g) in enumerate(zip(want, have)) if e != g), min(len(want), len(have)))
            differences[mart] = (f"{len(want)} rows on DuckDB, {len(have)} on {engine}; first difference at row "
                                 f"{first}: {want[first] if first < len(want) else None} != "
                                 f"{have[first] if first < len(have) else None}")
    return differences
