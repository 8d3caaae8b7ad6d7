"""Expectation suite of the procedure catalogue (landing contract: docs/procedure_catalogue_landing.md;
field meanings: connectors/procedure_catalogue.py).

Within tolerance staging quarantines nothing: it trims codes and names and reads a flag outside 0/1 as
unknown (null). Beyond it the snapshot is rejected: staging keeps reading the previous accepted
snapshot, and the one-stop-shop's marts (the catalogue's family) are not built in that run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from connectors.procedure_catalogue import (
    DATASET,
    FIELDS,
    FLAG_FIELDS,
    KEY,
    LEVELS,
    ONLINE_LEVELS,
    SNAPSHOT_FIELD,
    SOURCE,
)
from expectations import rules
from expectations.gx_runner import BatchResult, DatasetCheck, ExpectationDef, validate_frames
from expectations.rules import BATCH_COLUMNS, DAY, Tolerance

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

TOLERANCES: dict[str, Tolerance] = {
    "key": rules.exact(
        "a procedure without its code, or a code listed twice, cannot be joined to the dossiers: the "
        "catalogue is a register, one such row means a broken extract"
    ),
    "snapshot": rules.exact("every row of a load stands at one date: staging reads each snapshot whole"),
    "format": Tolerance(
        0.98,
        "the national code is d.dddddd (a local suffix allowed, spaces trimmed by staging); more than 2% "
        "malformed means a shifted column",
    ),
    "value_domain": Tolerance(
        0.98,
        "levels, online levels and 0/1 flags come from short lists; more than 2% outside them means a new "
        "code list or a shifted column",
    ),
    "limits": Tolerance(
        0.98,
        "a statutory limit is 0..365 working days and a fee is not negative; more than 2% outside means "
        "a unit change (days as hours, fees in thousands)",
    ),
}
CODE_REGEX = r"^\s*[0-9]\.[0-9]{6}(?:\.[A-Za-z0-9]+)?\s*$"
COLUMNS = {**rules.kinds_of(FIELDS), SNAPSHOT_FIELD: DAY}


def build_suite() -> list[ExpectationDef]:
    t = TOLERANCES
    return (
        rules.structure({**COLUMNS, **BATCH_COLUMNS})
        + rules.not_null([KEY, "_load_id"], t["key"])
        + rules.not_null([SNAPSHOT_FIELD], t["snapshot"])
        + [
            rules.rule(
                "expect_column_unique_value_count_to_be_between", t["snapshot"].why, column=SNAPSHOT_FIELD, max_value=1
            ),
            rules.rule("expect_column_values_to_be_unique", t["key"].why, column=KEY),
            rules.regex(KEY, CODE_REGEX, t["format"]),
            rules.in_set("CapThucHien", list(LEVELS), t["value_domain"]),
            rules.in_set("MucDoDVC", list(ONLINE_LEVELS), t["value_domain"]),
            *(rules.in_set(flag, [0, 1], t["value_domain"]) for flag in FLAG_FIELDS),
            rules.between("ThoiHanGiaiQuyet", t["limits"], minimum=0, maximum=365),
            rules.between("LePhi", t["limits"], minimum=0),
        ]
    )


SUITE = build_suite()


def validate_procedure_catalogue_batch(
    frames: Mapping[str, pd.DataFrame], load_id: str, *, check_load_id: bool = True
) -> BatchResult:
    """Validate the landed catalogue snapshot (`{"procedures": frame}`)."""
    unknown = sorted(set(frames) - {DATASET})
    if unknown:
        raise ValueError(f"unknown {SOURCE} dataset(s): {unknown}; expected {DATASET!r}")
    checks = []
    if DATASET in frames:
        defs = SUITE + ([rules.same_load(load_id)] if check_load_id else [])
        checks.append(DatasetCheck(DATASET, f"{SOURCE}.{DATASET}", rules.typed_for_gx(frames[DATASET], COLUMNS), defs))
    return validate_frames(checks, load_id=load_id, source_system=SOURCE)
