"""The GX gate: a blocking check on every landed dataset. A failed check stops every mart downstream.

The checks validate the load that the landing assets wrote in this run (the `load_id` of their
latest materialization), one suite per dataset. The verdict is for the whole load: if any
dataset fails, every dataset's check fails, the load is recorded as rejected in the landing
zone's audit tables, and the warehouse never reads it.
"""
import pyarrow as pa
from dagster import (AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, AssetKey,
                     MetadataValue, ResourceParam, multi_asset_check)

from connectors.landing import LandingZone
from connectors.one_stop_shop import SOURCE as ONE_STOP_SHOP
from orchestration.ingestion import ONE_STOP_SHOP_KEYS

CHECK_NAME = "gx_suite"


class NoLoadToCheckError(RuntimeError):
    pass


def latest_load_id(context: AssetCheckExecutionContext, asset_key: AssetKey) -> str:
    event = context.instance.get_latest_materialization_event(asset_key)
    if event is None or event.asset_materialization is None:
        raise NoLoadToCheckError(f"{asset_key.to_user_string()} has never been materialized: nothing to check")
    return event.asset_materialization.metadata["load_id"].value


def run_gate(context: AssetCheckExecutionContext, landing: LandingZone, source: str, keys: dict[str, AssetKey],
             validate):
    """Validate one load of `source` with `validate(frames, load_id)`, record the verdict, report per dataset."""
    from expectations.gx_runner import audit_frames

    load_id = latest_load_id(context, next(iter(keys.values())))
    frames = {}
    for dataset in keys:
        table = landing.read_load(source, dataset, load_id)
        if table is not None:
            frames[dataset] = table.to_pandas()
    result = validate(frames, load_id)
    results_df, verdict_df = audit_frames(result)
    landing.write_audit("gx_results", load_id, pa.Table.from_pandas(results_df, preserve_index=False), result.checked_at)
    landing.write_audit("gx_batch_verdicts", load_id, pa.Table.from_pandas(verdict_df, preserve_index=False),
                        result.checked_at)
    context.log.info(result.summary())
    failing = sorted({r.dataset for r in result.failed()})
    for dataset, key in keys.items():
        own = next((d for d in result.datasets if d.dataset == dataset), None)
        failed = {f"{r.expectation}({r.column or ''})": r.unexpected_count
                  for r in (own.results if own else ()) if not r.success}
        yield AssetCheckResult(
            asset_key=key,
            check_name=CHECK_NAME,
            passed=result.success,
            severity=AssetCheckSeverity.ERROR,
            description=(f"load {load_id} {result.verdict}"
                         + (f": failing datasets {', '.join(failing)}" if failing else "")),
            metadata={
                "load_id": load_id,
                "load_verdict": result.verdict,
                "rows_checked": own.row_count if own else 0,
                "expectations_evaluated": own.expectations_evaluated if own else 0,
                "expectations_failed": own.expectations_failed if own else 0,
                "rows_affected": own.rows_affected if own else 0,
                "failed_expectations": MetadataValue.json(failed),
                "load_summary": MetadataValue.md(f"```\n{result.summary()}\n```"),
            },
        )


@multi_asset_check(
    name="gx_one_stop_shop",
    specs=[AssetCheckSpec(CHECK_NAME, asset=key, blocking=True,
                          description=f"Great Expectations suite for raw one-stop-shop {dataset}; the load is "
                                      "rejected (and never read by the warehouse) if any dataset's suite fails.")
           for dataset, key in ONE_STOP_SHOP_KEYS.items()],
)
def gx_one_stop_shop(context: AssetCheckExecutionContext, landing: ResourceParam[LandingZone]):
    from expectations.one_stop_shop import validate_one_stop_shop_batch

    yield from run_gate(context, landing, ONE_STOP_SHOP, ONE_STOP_SHOP_KEYS, validate_one_stop_shop_batch)
