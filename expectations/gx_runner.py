"""Run declarative expectation lists through Great Expectations (GX Core 1.x) on pandas frames.

Source-agnostic: a caller hands in, per dataset, a pandas DataFrame and a list of
`ExpectationDef` (GX expectation type in snake_case plus its keyword arguments); this module
builds one ephemeral GX context per call, one suite per dataset, validates, and returns plain
Python dataclasses (`BatchResult` > `DatasetResult` > `ExpectationResult`) that carry no GX
object. `gx_results_rows` / `gx_batch_verdict_row` / `audit_frames` turn a `BatchResult` into
the two audit tables of the landing contract (docs/one_stop_shop_landing.md); writing them is
the caller's job.

Importing this module is cheap: GX (about 3-7 s to import) is imported inside the functions
that need it, after `GX_ANALYTICS_ENABLED=false` is set.

Counting conventions (they matter to whoever reads the audit rows):
- `unexpected_percent` is GX's: the share of *non-missing* values (rows ignored by the
  expectation, e.g. nulls, are not in the denominator) among the rows the rule applies to (an
  `ExpectationDef.applies_to` filter: a due date is not required of a dossier refused at the
  counter). A row-level rule with a tolerance (`mostly` < 1) fails only when the batch shows,
  with 95% confidence, a defect rate above `1 - mostly` (`within_tolerance`: the Wilson score
  bound), so that a share over ten rows is judged as fairly as one over a million; a rule with no
  tolerance fails on one defect.
- `rows_affected` counts distinct rows flagged by any row-level expectation, whether that
  expectation passed within its tolerance or not: these are the rows staging quarantines.
  When GX cannot list the flagged rows of some expectation (it raised, e.g. on a missing column)
  the count falls back to the largest `unexpected_count` and `rows_affected_exact` is False.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from framework_internals.gx import DTYPE_EXPECTATION, register_dtype_expectation

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "ExpectationDef",
    "RowFilter",
    "within_tolerance",
    "defect_rate_lower_bound",
    "DatasetCheck",
    "ExpectationResult",
    "DatasetResult",
    "BatchResult",
    "validate_frames",
    "validate_dataframe",
    "gx_results_rows",
    "gx_batch_verdict_row",
    "audit_frames",
    "GX_RESULTS_COLUMNS",
    "GX_BATCH_VERDICTS_COLUMNS",
    "DTYPE_EXPECTATION",
]


GX_RESULTS_COLUMNS = (
    "load_id",
    "source_system",
    "dataset",
    "suite_name",
    "expectation",
    "column_name",
    "success",
    "element_count",
    "unexpected_count",
    "unexpected_percent",
    "checked_at",
)
GX_BATCH_VERDICTS_COLUMNS = (
    "load_id",
    "source_system",
    "verdict",
    "expectations_evaluated",
    "expectations_failed",
    "rows_affected",
    "checked_at",
    # the load's range of source update times (orchestration/update_ranges.py `update_time_range`); null for a
    # source whose warehouse tables do not window on one
    "updated_at_min",
    "updated_at_max",
    "rows_without_updated_at",
)
NO_UPDATE_RANGE = {"updated_at_min": None, "updated_at_max": None, "rows_without_updated_at": None}

_DEF_INDEX_META = "par_def_index"


# --------------------------------------------------------------------------- definitions


@dataclass(frozen=True)
class RowFilter:
    """The rows a rule applies to: those whose `column` is (`keep` True) or is not (`keep` False)
    one of `values`. A null in `column` is "not one of them"."""

    column: str
    values: tuple
    keep: bool = True

    def condition(self):
        """GX's row condition (GX imported by the caller)."""
        from great_expectations.expectations.row_conditions import Column

        column = Column(self.column)
        return column.is_in(list(self.values)) if self.keep else column.is_not_in(list(self.values))


@dataclass(frozen=True)
class ExpectationDef:
    """One expectation, declaratively: GX type (snake_case) and its keyword arguments.

    `why` is a human note kept with the definition (and passed to GX as the expectation's notes).
    `applies_to` limits the rule to the rows it concerns; the others are neither checked nor counted.
    `sampled`: the batch's rows are a sample of what the source produces (a day of dossiers), so a
    tolerance is judged on the defect rate's confidence bound (`within_tolerance`); False when the
    batch is the whole thing judged (one published form's lines), and its share itself is compared.
    """

    expectation: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    why: str = ""
    applies_to: RowFilter | None = None
    sampled: bool = True

    @property
    def column(self) -> str | None:
        """The column(s) this expectation looks at, as one string (pairs/lists joined by ',')."""
        kw = self.kwargs
        if "column" in kw:
            return kw["column"]
        if "column_A" in kw:
            return f"{kw['column_A']},{kw['column_B']}"
        if "column_list" in kw:
            return ",".join(kw["column_list"])
        return None

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column this expectation needs (for telling a missing column apart)."""
        kw = self.kwargs
        cols = [kw[k] for k in ("column", "column_A", "column_B") if k in kw]
        cols.extend(kw.get("column_list") or ())
        if self.applies_to is not None:
            cols.append(self.applies_to.column)
        return tuple(cols)


# One-sided 95% confidence: a tolerance is exceeded when even the optimistic end of the defect
# rate's confidence interval lies above it.
TOLERANCE_CONFIDENCE_Z = 1.645


def defect_rate_lower_bound(defects: int, checked: int, z: float = TOLERANCE_CONFIDENCE_Z) -> float:
    """The lower end of the Wilson score interval of `defects / checked`: the smallest defect rate
    the batch is still consistent with (0 for an empty batch)."""
    if checked <= 0 or defects <= 0:
        return 0.0
    p = defects / checked
    z2 = z * z
    centre = p + z2 / (2 * checked)
    spread = z * math.sqrt(p * (1 - p) / checked + z2 / (4 * checked * checked))
    return max(0.0, (centre - spread) / (1 + z2 / checked))


def within_tolerance(defects: int, checked: int, mostly: float | None) -> bool:
    """A row-level rule's verdict from its counts. No tolerance (`mostly` None or 1): no defect at
    all. Otherwise the batch fails only when its defect rate is above `1 - mostly` with 95%
    confidence: 2 gaps in 18 rows (11%) pass a 10% tolerance, 8 in 10 fail it, and over thousands
    of rows the bound is the observed share."""
    if mostly is None or mostly >= 1:
        return defects == 0
    return defect_rate_lower_bound(defects, checked) <= 1 - mostly


@dataclass(frozen=True)
class DatasetCheck:
    """A frame to validate and the expectations to validate it against."""

    dataset: str
    suite_name: str
    frame: Any  # pandas.DataFrame
    expectations: Sequence[ExpectationDef]


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ExpectationResult:
    dataset: str
    suite_name: str
    expectation: str
    column: str | None
    success: bool
    element_count: int | None
    unexpected_count: int | None
    unexpected_percent: float | None
    sample_unexpected: tuple = ()
    observed_value: Any = None
    details: Any = None
    mostly: float | None = None
    row_level: bool = False
    exception: str | None = None
    kwargs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DatasetResult:
    dataset: str
    suite_name: str
    row_count: int
    success: bool
    expectations_evaluated: int
    expectations_failed: int
    rows_affected: int
    rows_affected_exact: bool
    results: tuple[ExpectationResult, ...]


@dataclass(frozen=True)
class BatchResult:
    load_id: str
    source_system: str
    checked_at: dt.datetime  # UTC, timezone-aware
    success: bool
    expectations_evaluated: int
    expectations_failed: int
    rows_affected: int
    rows_affected_exact: bool
    datasets: tuple[DatasetResult, ...]
    duration_seconds: float

    @property
    def verdict(self) -> str:
        return "accepted" if self.success else "rejected"

    @property
    def results(self) -> list[ExpectationResult]:
        return [r for d in self.datasets for r in d.results]

    def failed(self) -> list[ExpectationResult]:
        return [r for r in self.results if not r.success]

    def dataset(self, name: str) -> DatasetResult:
        for d in self.datasets:
            if d.dataset == name:
                return d
        raise KeyError(name)

    def summary(self) -> str:
        """A few lines a human can read in a log or a Dagster check description."""
        lines = [
            f"{self.verdict}: {self.expectations_failed}/{self.expectations_evaluated} "
            f"expectations failed, {self.rows_affected} rows affected "
            f"({'exact' if self.rows_affected_exact else 'lower bound'})"
        ]
        for r in self.failed():
            detail = (
                r.exception
                if r.exception
                else f"{r.unexpected_count} unexpected ({_fmt_pct(r.unexpected_percent)})"
                if r.unexpected_count is not None
                else f"details {r.details!r}"
                if r.details
                else f"observed {r.observed_value!r}"
            )
            lines.append(f"  FAIL {r.dataset}: {r.expectation}({r.column}): {detail}")
        return "\n".join(lines)


def _fmt_pct(p: float | None) -> str:
    return "n/a" if p is None else f"{p:.2f}%"


# --------------------------------------------------------------------------- GX plumbing


def _import_gx():
    """Import GX with analytics off; register this project's dtype expectation once."""
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    import great_expectations as gx

    register_dtype_expectation()
    return gx


def _ephemeral_context(gx):
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    # TQDM_DISABLE is ignored by GX; this setting is what the validator reads.
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


def _build_suite(gx, context, suite_name: str, defs: Sequence[ExpectationDef]):
    from great_expectations.expectations.registry import get_expectation_impl

    suite = gx.ExpectationSuite(name=suite_name)
    for i, d in enumerate(defs):
        impl = get_expectation_impl(d.expectation)
        kwargs = dict(d.kwargs)
        if d.applies_to is not None:
            kwargs["row_condition"] = d.applies_to.condition()
        exp = impl(**kwargs, meta={_DEF_INDEX_META: i}, notes=d.why or None)
        suite.add_expectation(exp)
    return context.suites.add(suite)


def _jsonable_sample(values: Iterable[Any], n: int) -> tuple:
    out = []
    for v in values:
        if len(out) >= n:
            break
        if isinstance(v, float) and math.isnan(v):
            v = None
        elif hasattr(v, "item") and not isinstance(v, (str, bytes)):
            try:
                v = v.item()
            except (ValueError, AttributeError):
                pass
        out.append(v)
    return tuple(out)


def _exception_message(exc_info: Any) -> str | None:
    """GX reports exceptions either flat or keyed by metric id; return the first message."""
    if not exc_info:
        return None
    if exc_info.get("raised_exception"):
        return str(exc_info.get("exception_message"))
    for v in exc_info.values():
        if isinstance(v, Mapping) and v.get("raised_exception"):
            return str(v.get("exception_message"))
    return None


def _to_int(v: Any) -> int | None:
    return None if v is None else int(v)


def _to_float(v: Any) -> float | None:
    if v is None:
        return None
    f = float(v)
    return None if math.isnan(f) else f


def _validate_one(gx, context, datasource, check: DatasetCheck, sample_size: int) -> DatasetResult:
    import pandas as pd

    df = check.frame
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{check.dataset}: expected a pandas DataFrame, got {type(df).__name__}")
    if not df.index.is_unique:
        # Distinct flagged rows are counted by index label: make labels unique.
        df = df.reset_index(drop=True)

    defs = list(check.expectations)
    present = set(df.columns)
    suite = _build_suite(gx, context, check.suite_name, defs)
    asset = datasource.add_dataframe_asset(name=check.dataset)
    batch_def = asset.add_batch_definition_whole_dataframe(name=f"{check.dataset}_whole")
    batch = batch_def.get_batch(batch_parameters={"dataframe": df})
    validation = batch.validate(
        suite,
        result_format={
            # COMPLETE gives the full index list of flagged rows (for rows_affected);
            # the index *query* string is costly on large frames and not needed.
            "result_format": "COMPLETE",
            "partial_unexpected_count": sample_size,
            "return_unexpected_index_query": False,
        },
    )

    by_index: dict[int, Any] = {}
    for r in validation.results:
        by_index[int(r.expectation_config.meta[_DEF_INDEX_META])] = r

    results: list[ExpectationResult] = []
    flagged_rows: set = set()
    exact = True
    max_unexpected = 0
    for i, d in enumerate(defs):
        r = by_index.get(i)
        if r is None:  # pragma: no cover - GX returns one result per expectation
            results.append(
                ExpectationResult(
                    dataset=check.dataset,
                    suite_name=check.suite_name,
                    expectation=d.expectation,
                    column=d.column,
                    success=False,
                    element_count=None,
                    unexpected_count=None,
                    unexpected_percent=None,
                    exception="no result returned by GX",
                    kwargs=dict(d.kwargs),
                )
            )
            exact = False
            continue
        res = r.result or {}
        exc = _exception_message(r.exception_info)
        if exc:
            missing = [c for c in d.columns if c not in present]
            if missing:
                exc = f"missing column(s): {', '.join(missing)}"
        row_level = "unexpected_index_list" in res or "partial_unexpected_list" in res
        if exc and _is_row_level_type(d.expectation):
            row_level = True
        unexpected_count = _to_int(res.get("unexpected_count"))
        if row_level:
            idx = res.get("unexpected_index_list")
            if idx is not None and not exc:
                flagged_rows.update(idx)
            else:
                exact = False
            max_unexpected = max(max_unexpected, unexpected_count or 0)
        sample = res.get("partial_unexpected_list") or ()
        unexpected_percent = _to_float(res.get("unexpected_percent"))
        success = bool(r.success) and not exc
        mostly = d.kwargs.get("mostly")
        if d.sampled and row_level and not exc and mostly is not None and unexpected_count is not None:
            success = within_tolerance(unexpected_count, _checked_rows(unexpected_count, unexpected_percent), mostly)
        results.append(
            ExpectationResult(
                dataset=check.dataset,
                suite_name=check.suite_name,
                expectation=d.expectation,
                column=d.column,
                success=success,
                element_count=_to_int(res.get("element_count")),
                unexpected_count=unexpected_count,
                unexpected_percent=unexpected_percent,
                sample_unexpected=_jsonable_sample(sample, sample_size),
                observed_value=res.get("observed_value"),
                details=res.get("details"),
                mostly=mostly,
                row_level=row_level,
                exception=exc,
                kwargs=dict(d.kwargs),
            )
        )

    rows_affected = len(flagged_rows) if exact else max(len(flagged_rows), max_unexpected)
    failed = sum(1 for r in results if not r.success)
    return DatasetResult(
        dataset=check.dataset,
        suite_name=check.suite_name,
        row_count=len(df),
        success=failed == 0,
        expectations_evaluated=len(results),
        expectations_failed=failed,
        rows_affected=rows_affected,
        rows_affected_exact=exact,
        results=tuple(results),
    )


def _checked_rows(unexpected_count: int, unexpected_percent: float | None) -> int:
    """The rows a rule judged, from GX's share (whose denominator already leaves out the rows the
    rule ignores: nulls for a format rule, rows outside `applies_to`)."""
    if not unexpected_count or not unexpected_percent:
        return unexpected_count  # nothing flagged: the verdict does not depend on the count
    return max(unexpected_count, round(unexpected_count * 100 / unexpected_percent))


def _is_row_level_type(expectation: str) -> bool:
    return expectation.startswith(
        (
            "expect_column_values_",
            "expect_column_pair_values_",
            "expect_compound_columns_",
            "expect_multicolumn_values_",
            "expect_select_column_values_",
        )
    )


# --------------------------------------------------------------------------- public API


def validate_frames(
    checks: Iterable[DatasetCheck],
    *,
    load_id: str,
    source_system: str,
    sample_size: int = 5,
) -> BatchResult:
    """Validate each frame against its expectations in one ephemeral GX context.

    The batch succeeds when every expectation of every dataset succeeds. A missing column makes
    the expectations on it fail (with `exception` set), it does not raise.
    """
    checks = list(checks)
    names = [c.dataset for c in checks]
    if len(set(names)) != len(names):
        raise ValueError(f"dataset names must be unique in one batch: {names}")
    started = time.perf_counter()
    checked_at = dt.datetime.now(dt.UTC)
    datasets: list[DatasetResult] = []
    if checks:
        gx = _import_gx()
        context = _ephemeral_context(gx)
        datasource = context.data_sources.add_pandas(name=f"{source_system or 'batch'}_frames")
        for check in checks:
            datasets.append(_validate_one(gx, context, datasource, check, sample_size))
    failed = sum(d.expectations_failed for d in datasets)
    return BatchResult(
        load_id=load_id,
        source_system=source_system,
        checked_at=checked_at,
        success=failed == 0,
        expectations_evaluated=sum(d.expectations_evaluated for d in datasets),
        expectations_failed=failed,
        rows_affected=sum(d.rows_affected for d in datasets),
        rows_affected_exact=all(d.rows_affected_exact for d in datasets),
        datasets=tuple(datasets),
        duration_seconds=time.perf_counter() - started,
    )


def validate_dataframe(
    frame: pd.DataFrame,
    expectations: Sequence[ExpectationDef],
    *,
    dataset: str,
    suite_name: str | None = None,
    load_id: str = "",
    source_system: str = "",
    sample_size: int = 5,
) -> BatchResult:
    """Validate a single frame; a one-dataset `validate_frames`."""
    return validate_frames(
        [DatasetCheck(dataset, suite_name or dataset, frame, expectations)],
        load_id=load_id,
        source_system=source_system,
        sample_size=sample_size,
    )


# --------------------------------------------------------------------------- audit rows


def gx_results_rows(result: BatchResult) -> list[dict[str, Any]]:
    """One `gx_results` row per expectation run (columns: GX_RESULTS_COLUMNS)."""
    return [
        {
            "load_id": result.load_id,
            "source_system": result.source_system,
            "dataset": r.dataset,
            "suite_name": r.suite_name,
            "expectation": r.expectation,
            "column_name": r.column,
            "success": r.success,
            "element_count": r.element_count,
            "unexpected_count": r.unexpected_count,
            "unexpected_percent": r.unexpected_percent,
            "checked_at": result.checked_at,
        }
        for r in result.results
    ]


def gx_batch_verdict_row(result: BatchResult, update_range: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The one `gx_batch_verdicts` row of this check run (columns: GX_BATCH_VERDICTS_COLUMNS), with the load's
    range of update times (`update_range`) when its source has one."""
    return {
        **NO_UPDATE_RANGE,
        **(update_range or {}),
        "load_id": result.load_id,
        "source_system": result.source_system,
        "verdict": result.verdict,
        "expectations_evaluated": result.expectations_evaluated,
        "expectations_failed": result.expectations_failed,
        "rows_affected": result.rows_affected,
        "checked_at": result.checked_at,
    }


def audit_frames(
    result: BatchResult, update_range: Mapping[str, Any] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(gx_results, gx_batch_verdicts) as typed pandas frames, ready to be written to Parquet.

    Counts are nullable Int64 (null when GX could not compute them, e.g. a missing column),
    `unexpected_percent` float64, `checked_at` a UTC timestamp.
    """
    import pandas as pd

    results = pd.DataFrame(gx_results_rows(result), columns=list(GX_RESULTS_COLUMNS))
    results = results.astype(
        {
            "load_id": "string",
            "source_system": "string",
            "dataset": "string",
            "suite_name": "string",
            "expectation": "string",
            "column_name": "string",
            "success": "bool",
            "element_count": "Int64",
            "unexpected_count": "Int64",
            "unexpected_percent": "float64",
        }
    )
    results["checked_at"] = pd.to_datetime(results["checked_at"], utc=True)

    verdicts = pd.DataFrame([gx_batch_verdict_row(result, update_range)], columns=list(GX_BATCH_VERDICTS_COLUMNS))
    verdicts = verdicts.astype(
        {
            "load_id": "string",
            "source_system": "string",
            "verdict": "string",
            "expectations_evaluated": "int64",
            "expectations_failed": "int64",
            "rows_affected": "int64",
            "updated_at_min": "datetime64[us]",
            "updated_at_max": "datetime64[us]",
            "rows_without_updated_at": "Int64",
        }
    )
    verdicts["checked_at"] = pd.to_datetime(verdicts["checked_at"], utc=True)
    return results, verdicts
