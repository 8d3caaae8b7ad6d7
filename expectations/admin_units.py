"""Expectation suite of the administrative-unit reference file (connectors/admin_units.py).

Reference data has no tolerance: one wrong row mis-assigns a unit's residents or enterprises for
every month, so every rule must hold for every row (`mostly` 1.0) or the load is rejected and
every mart built on the units stops. The rules that look across rows (a unit's versions must not
overlap, every unit that ended must be mapped, the weights of a unit's successors must sum to 1)
are computed here as columns of the frames and then judged by GX like any other column, so
their failures are counted and recorded per row (docs/admin_units.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING

from expectations import rules
from expectations.gx_runner import BatchResult, DatasetCheck, validate_frames

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

SOURCE_SYSTEM = "admin_units"
DATASETS = ("units", "successors")
LEVELS = ["province", "district", "commune"]
UNIT_TYPES = ["province", "city", "town", "district", "ward", "commune", "township", "special_zone"]
# A level whose units end without successors: the district level was abolished on 2025-07-01;
# its figures stop, its communes carry the mapping.
ABOLISHED_LEVELS = {"district"}
WEIGHT_SUM_TOLERANCE = 1e-6

_TEXT = rules.TEXT
UNIT_COLUMNS = {
    c: _TEXT for c in ("unit_code", "unit_name_vi", "unit_type", "unit_level", "valid_from", "valid_to", "is_synthetic")
}
SUCCESSOR_COLUMNS = {c: _TEXT for c in ("effective_date", "predecessor_code", "successor_code", "weight")}


def _text(value) -> str | None:
    """A cell as text, or None for a blank (pandas reads a missing string as NaN)."""
    return value if isinstance(value, str) and value else None


def _column(frame: pd.DataFrame, name: str) -> list[str | None]:
    return [_text(v) for v in frame[name]] if name in frame else [None] * len(frame)


def _date(text) -> date | None:
    try:
        return date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def _number(text) -> float | None:
    try:
        return float(text) if isinstance(text, str) else None
    except ValueError:
        return None


def with_cross_row_columns(units: pd.DataFrame, successors: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The frames with the columns the cross-row rules judge (null where a rule does not apply):

    units: overlaps_other_version, parent_is_known, is_mapped, successor_weight_sum
    successors: weight_value, predecessor_ends_the_day_before, successor_starts_that_day
    """
    units, successors = units.copy(), successors.copy()
    starts = [_date(v) for v in _column(units, "valid_from")]
    ends = [_date(v) for v in _column(units, "valid_to")]
    codes = _column(units, "unit_code")
    far = date.max
    versions: dict[str, list[tuple[int, date, date]]] = {}
    for i, (code, start, end) in enumerate(zip(codes, starts, ends)):
        if code is not None and start is not None:
            versions.setdefault(code, []).append((i, start, end or far))

    overlaps = []
    for i, (code, start, end) in enumerate(zip(codes, starts, ends)):
        if code is None or start is None:
            overlaps.append(None)
            continue
        overlaps.append(any(j != i and s <= (end or far) and start <= e for j, s, e in versions[code]))
    units["overlaps_other_version"] = overlaps

    parents = _column(units, "parent_unit_code")
    units["parent_is_known"] = [
        None if not parent or start is None else any(s <= start <= e for _, s, e in versions.get(parent, []))
        for parent, start in zip(parents, starts)
    ]

    weights: dict[tuple[str, date], float] = {}
    ends_before: list[bool | None] = []
    starts_on: list[bool | None] = []
    weight_values = [_number(w) for w in _column(successors, "weight")]
    for pred, succ, eff, w in zip(
        _column(successors, "predecessor_code"),
        _column(successors, "successor_code"),
        [_date(v) for v in _column(successors, "effective_date")],
        weight_values,
    ):
        if eff is None:
            ends_before.append(None)
            starts_on.append(None)
            continue
        day_before = eff - timedelta(days=1)
        ends_before.append(any(e == day_before for _, _, e in versions.get(pred, [])))
        starts_on.append(any(s == eff for _, s, _ in versions.get(succ, [])))
        if pred is not None and w is not None:
            weights[(pred, eff)] = weights.get((pred, eff), 0.0) + w
    successors["weight_value"] = weight_values
    successors["predecessor_ends_the_day_before"] = ends_before
    successors["successor_starts_that_day"] = starts_on

    levels = _column(units, "unit_level")
    mapped, sums = [], []
    for code, end, level in zip(codes, ends, levels):
        if end is None or level in ABOLISHED_LEVELS:
            mapped.append(None)
            sums.append(None)
            continue
        total = weights.get((code, end + timedelta(days=1)))
        mapped.append(total is not None)
        sums.append(total)
    units["is_mapped"] = mapped
    units["successor_weight_sum"] = sums
    return units, successors


def build_suites() -> dict[str, list]:
    r = rules
    units = r.structure(UNIT_COLUMNS)
    units += r.not_null(
        ["unit_code", "unit_name_vi", "unit_type", "unit_level", "valid_from", "is_synthetic"],
        rules.exact("every unit needs its code, name, type, level, start and synthetic flag"),
    )
    units += [
        r.regex("valid_from", rules.ISO_DATE_REGEX, rules.exact("dates are YYYY-MM-DD")),
        r.regex("valid_to", rules.ISO_DATE_REGEX, rules.exact("dates are YYYY-MM-DD (empty: still in force)")),
        r.not_before("valid_to", "valid_from", rules.exact("a unit cannot end before it starts")),
        r.in_set("unit_level", LEVELS, rules.exact("levels are province, district or commune")),
        r.in_set("unit_type", UNIT_TYPES, rules.exact("the unit types of the 2025 law on local government")),
        r.in_set("is_synthetic", ["true", "false"], rules.exact("is_synthetic says whether the row is a stand-in")),
        r.unique(["unit_code", "valid_from"], rules.exact("one row per unit version")),
        r.in_set(
            "overlaps_other_version",
            [False],
            rules.exact("two versions of one unit code valid on the same day would count its people twice"),
        ),
        r.in_set("parent_is_known", [True], rules.exact("a unit's parent must exist on the day the unit starts")),
        r.in_set(
            "is_mapped",
            [True],
            rules.exact("every unit that ended (except an abolished level) must say which units succeed it"),
        ),
        r.between(
            "successor_weight_sum",
            rules.exact("the shares of a unit's successors must sum to 1"),
            minimum=1 - WEIGHT_SUM_TOLERANCE,
            maximum=1 + WEIGHT_SUM_TOLERANCE,
        ),
    ]
    successors = r.structure(SUCCESSOR_COLUMNS)
    successors += r.not_null(
        ["effective_date", "predecessor_code", "successor_code", "weight"],
        rules.exact("a mapping row needs its date, both units and the weight"),
    )
    successors += [
        r.regex("effective_date", rules.ISO_DATE_REGEX, rules.exact("dates are YYYY-MM-DD")),
        r.not_null(["weight_value"], rules.exact("the weight must be a number (decimal point, e.g. 0.35)"))[0],
        r.between("weight_value", rules.exact("a weight is a share in (0, 1]"), minimum=1e-9, maximum=1),
        r.unique(["effective_date", "predecessor_code", "successor_code"], rules.exact("one row per pair")),
        r.in_set(
            "predecessor_ends_the_day_before",
            [True],
            rules.exact("the old unit must have a version ending the day before the change"),
        ),
        r.in_set(
            "successor_starts_that_day",
            [True],
            rules.exact("the new unit must have a version starting on the day of the change"),
        ),
    ]
    return {"units": units, "successors": successors}


SUITES = build_suites()


def validate_admin_units_batch(
    frames: Mapping[str, pd.DataFrame], load_id: str, *, source_system: str = SOURCE_SYSTEM
) -> BatchResult:
    import pandas as pd

    units = frames.get("units", pd.DataFrame(columns=list(UNIT_COLUMNS)))
    successors = frames.get("successors", pd.DataFrame(columns=list(SUCCESSOR_COLUMNS)))
    units, successors = with_cross_row_columns(units, successors)
    load_rule = rules.same_load(load_id)
    checks = [
        DatasetCheck(
            name, f"{SOURCE_SYSTEM}.{name}", frame, SUITES[name] + ([load_rule] if "_load_id" in frame else [])
        )
        for name, frame in (("units", units), ("successors", successors))
    ]
    return validate_frames(checks, load_id=load_id, source_system=source_system)
