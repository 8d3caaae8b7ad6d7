"""The GX gate: a blocking check on each source's landing asset. A failed check stops every mart
built from that source (the dbt models are split per source family in orchestration/warehouse.py,
so a bad cadre export stops the workforce marts and leaves the one-stop-shop's marts to build).

The check validates the load that the landing asset wrote in this run (the `load_id` of its
latest materialization) with one suite per landed dataset. If any suite fails, the load is
rejected: the verdict goes to the landing zone's audit tables, the warehouse never reads the
load, and the check fails, so no model downstream runs.
"""
import pyarrow as pa
from dagster import (AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, AssetKey, MetadataValue,
                     ResourceParam, asset_check)

from connectors import budget, cadre
from connectors.admin_units import DATASETS as ADMIN_UNITS_DATASETS
from connectors.admin_units import SOURCE as ADMIN_UNITS
from connectors.admin_units import ReferenceFileError, read_reference
from connectors.business_registry import DATASETS as BUSINESS_REGISTRY_DATASETS
from connectors.business_registry import SOURCE as BUSINESS_REGISTRY
from connectors.landing import LandingZone
from connectors.one_stop_shop import DATASETS as ONE_STOP_SHOP_DATASETS
from connectors.one_stop_shop import SOURCE as ONE_STOP_SHOP
from connectors.population_registry import DATASETS as POPULATION_REGISTRY_DATASETS
from connectors.population_registry import SOURCE as POPULATION_REGISTRY
from orchestration.ingestion import (BUDGET_LANDING, CADRE_LANDING, ONE_STOP_SHOP_LANDING, PAR_RANKING_LANDING,
                                     landing_key)
from orchestration.sources import AdminUnitsSource


class NoLoadToCheckError(RuntimeError):
    pass


def latest_load_id(context: AssetCheckExecutionContext, asset_key: AssetKey) -> str:
    event = context.instance.get_latest_materialization_event(asset_key)
    if event is None or event.asset_materialization is None:
        raise NoLoadToCheckError(f"{asset_key.to_user_string()} has never been materialized: nothing to check")
    return event.asset_materialization.metadata["load_id"].value


def run_gate(context: AssetCheckExecutionContext, landing: LandingZone, source: str, datasets: tuple[str, ...],
             validate) -> AssetCheckResult:
    """Validate the latest load of `source` with `validate(frames, load_id)`, record the verdict, report it."""
    from expectations.gx_runner import audit_frames

    load_id = latest_load_id(context, AssetKey(["landing", source]))
    frames = {}
    for dataset in datasets:
        table = landing.read_load(source, dataset, load_id)
        if table is not None:
            frames[dataset] = table.to_pandas()
    result = validate(frames, load_id)
    results_df, verdict_df = audit_frames(result)
    landing.write_audit("gx_results", load_id, pa.Table.from_pandas(results_df, preserve_index=False), result.checked_at)
    landing.write_audit("gx_batch_verdicts", load_id, pa.Table.from_pandas(verdict_df, preserve_index=False),
                        result.checked_at)
    context.log.info(result.summary())
    return AssetCheckResult(
        passed=result.success,
        severity=AssetCheckSeverity.ERROR,
        description=result.summary(),
        metadata={
            "load_id": load_id,
            "verdict": result.verdict,
            "rows_checked": sum(d.row_count for d in result.datasets),
            "expectations_evaluated": result.expectations_evaluated,
            "expectations_failed": result.expectations_failed,
            "rows_affected": result.rows_affected,
            "failed_expectations": MetadataValue.json(
                {f"{r.dataset}: {r.expectation}({r.column or ''})": r.unexpected_count for r in result.failed()}),
            "per_dataset": MetadataValue.json({
                d.dataset: {"rows": d.row_count, "expectations_failed": d.expectations_failed,
                            "rows_affected": d.rows_affected} for d in result.datasets}),
        },
    )


@asset_check(asset=ONE_STOP_SHOP_LANDING, name="gx_suites", blocking=True,
             description="Great Expectations, one suite per landed one-stop-shop dataset, on the newly landed load "
                         "(each applicant's unit checked against the administrative-unit reference file). "
                         "Failing rejects the load (never read by the warehouse) and stops every mart.")
def gx_one_stop_shop(context: AssetCheckExecutionContext, landing: ResourceParam[LandingZone],
                     admin_units_source: ResourceParam[AdminUnitsSource]) -> AssetCheckResult:
    from expectations.one_stop_shop import commune_versions, validate_one_stop_shop_batch

    try:
        units = commune_versions(read_reference(admin_units_source.folder)["units"])
    except ReferenceFileError as exc:
        # The unit file's own gate fails and stops the registries' marts (the applicant-unit series
        # among them); the one-stop-shop's other marts do not stand on it.
        context.log.warning(f"applicants' units not checked: {exc}")
        units = None
    return run_gate(context, landing, ONE_STOP_SHOP, ONE_STOP_SHOP_DATASETS,
                    lambda frames, load_id: validate_one_stop_shop_batch(frames, load_id, units=units))


@asset_check(asset=CADRE_LANDING, name="gx_suites", blocking=True,
             description="Great Expectations, one suite per landed cadre dataset, on the newly landed snapshot. "
                         "Failing rejects the snapshot (never read by the warehouse) and stops the workforce marts.")
def gx_cadre(context: AssetCheckExecutionContext, landing: ResourceParam[LandingZone]) -> AssetCheckResult:
    from expectations.cadre import validate_cadre_batch

    return run_gate(context, landing, cadre.SOURCE, cadre.DATASETS, validate_cadre_batch)


@asset_check(asset=PAR_RANKING_LANDING, name="gx_suites", blocking=True,
             description="Great Expectations on the landed PAR ranking files. Failing rejects the load and stops "
                         "the workforce marts.")
def gx_par_ranking(context: AssetCheckExecutionContext, landing: ResourceParam[LandingZone]) -> AssetCheckResult:
    from expectations.cadre import validate_ranking_batch

    return run_gate(context, landing, cadre.RANKING_SOURCE, (cadre.RANKING_DATASET,), validate_ranking_batch)


@asset_check(asset=BUDGET_LANDING, name="gx_suites", blocking=True,
             description="Great Expectations on the newly landed budget disclosures: required lines present, children "
                         "summing to their parent within rounding, no negative value where none can be. Failing "
                         "rejects the load (never read by the warehouse) and stops the budget marts.")
def gx_budget(context: AssetCheckExecutionContext, landing: ResourceParam[LandingZone]) -> AssetCheckResult:
    from expectations.budget import validate_budget_batch

    return run_gate(context, landing, budget.SOURCE, budget.DATASETS, validate_budget_batch)


def registry_gate(source: str, datasets: tuple[str, ...]):
    """The blocking GX check of one registry's landing asset."""

    @asset_check(asset=landing_key(source), name="gx_suites", blocking=True,
                 description=f"Great Expectations on the newly landed {source} load (every rule exact). "
                             "Failing rejects the load (never read by the warehouse) and stops the registries' marts.")
    def _gate(context: AssetCheckExecutionContext, landing: ResourceParam[LandingZone]) -> AssetCheckResult:
        from expectations.registries import validate_registry_batch

        return run_gate(context, landing, source, datasets,
                        lambda frames, load_id: validate_registry_batch(source, frames, load_id))

    return _gate


gx_population_registry = registry_gate(POPULATION_REGISTRY, POPULATION_REGISTRY_DATASETS)
gx_business_registry = registry_gate(BUSINESS_REGISTRY, BUSINESS_REGISTRY_DATASETS)


@asset_check(asset=landing_key(ADMIN_UNITS), name="gx_suites", blocking=True,
             description="Great Expectations on the administrative-unit reference file: no overlapping validity, "
                         "every unit that ended mapped to its successors, weights summing to 1, parents known. "
                         "Failing rejects the file and stops every mart built on the units.")
def gx_admin_units(context: AssetCheckExecutionContext, landing: ResourceParam[LandingZone]) -> AssetCheckResult:
    from expectations.admin_units import validate_admin_units_batch

    return run_gate(context, landing, ADMIN_UNITS, ADMIN_UNITS_DATASETS, validate_admin_units_batch)
