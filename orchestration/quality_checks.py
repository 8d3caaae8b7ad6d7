"""The GX gate: a blocking check on each source's landing asset. A failed check stops every model
built from that source (the dbt step leaves out what reads the rejected load: orchestration/warehouse.py),
so a bad cadre export stops the workforce marts and leaves the one-stop-shop's marts to build.

The check validates the loads that the landing asset wrote in this run (the `load_id` of its
materializations in this run's own events, never the instance's latest: a run alongside would
make two gates check one load) with one suite per landed dataset. If any suite fails, the load is
rejected: the verdict goes to the landing zone's audit tables, the warehouse never reads the
load, and the check fails (WARN severity: the run goes on), so the dbt step leaves out the models reading
the source and everything downstream of them (orchestration/warehouse.py `rejected_loads_upstream`).
"""

import functools

import pyarrow as pa
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetKey,
    AssetRecordsFilter,
    MetadataValue,
    ResourceParam,
    asset_check,
)

from connectors import budget, cadre
from connectors.admin_units import DATASETS as ADMIN_UNITS_DATASETS
from connectors.admin_units import SOURCE as ADMIN_UNITS
from connectors.admin_units import ReferenceFileError, read_reference
from connectors.landing import VERDICTS_AUDIT, LandingZone
from connectors.one_stop_shop import DATASETS as ONE_STOP_SHOP_DATASETS
from connectors.one_stop_shop import SOURCE as ONE_STOP_SHOP
from connectors.one_stop_shop import UPDATE_FIELD as ONE_STOP_SHOP_UPDATE_FIELD
from orchestration.gx_evidence import page_path, unexpected_samples, unexpected_values_text, write_validation_page
from orchestration.ingestion import BUDGET_LANDING, ONE_STOP_SHOP_LANDING, PAR_RANKING_LANDING, landing_key
from orchestration.registry import Source
from orchestration.sources import AdminUnitsSource
from orchestration.update_ranges import update_time_range
from orchestration.warehouse import quarantine_keys


class NoLoadToCheckError(RuntimeError):
    pass


def _load_ids_materialized_in(instance, run_record, asset_key: AssetKey) -> list[str]:
    """The load ids of the materializations of `asset_key` in the run of `run_record`, in order, each once
    (the asset's materializations since the run was created, those of this run)."""
    load_ids: list[str] = []
    records_filter = AssetRecordsFilter(asset_key=asset_key, after_timestamp=run_record.create_timestamp.timestamp())
    cursor = None
    while True:
        page = instance.fetch_materializations(records_filter, limit=1000, cursor=cursor, ascending=True)
        for record in page.records:
            if record.run_id != run_record.dagster_run.run_id or record.asset_materialization is None:
                continue
            load_id = record.asset_materialization.metadata["load_id"].value
            if load_id not in load_ids:
                load_ids.append(load_id)
        if not page.has_more:
            return load_ids
        cursor = page.cursor


def loads_of_this_run(context: AssetCheckExecutionContext, asset_key: AssetKey) -> list[str]:
    """The loads that the landing asset landed in this run, found from the run's own materialization events.

    Never "the latest load of the instance": another run landing the same source at the same time
    would make two gates check one load and leave the other never checked nor read. A re-execution of
    a run (from failure) checks the loads of the run it re-executes; a check launched on its own, with no
    load landed in its run lineage, checks the asset's latest load and says so."""
    run_id: str | None = context.run.run_id
    while run_id is not None:
        run_record = context.instance.get_run_record_by_id(run_id)
        if run_record is None:
            break
        load_ids = _load_ids_materialized_in(context.instance, run_record, asset_key)
        if load_ids:
            return load_ids
        run_id = run_record.dagster_run.parent_run_id
    event = context.instance.get_latest_materialization_event(asset_key)
    if event is None or event.asset_materialization is None:
        raise NoLoadToCheckError(f"{asset_key.to_user_string()} has never been materialized: nothing to check")
    context.log.warning(f"{asset_key.to_user_string()} was not materialized in this run: checking its latest load")
    return [event.asset_materialization.metadata["load_id"].value]


def run_gate(
    context: AssetCheckExecutionContext,
    landing: LandingZone,
    source: str,
    datasets: tuple[str, ...],
    validate,
    update_field: str | None = None,
) -> AssetCheckResult:
    """Validate each load of `source` landed in this run with `validate(frames, load_id)`, record each
    verdict (with the load's range of `update_field`, the source update time its version tables window
    on), report them (the check passes only if every load passes)."""
    results = [
        _validate_load(context, landing, source, datasets, validate, load_id, update_field)
        for load_id in loads_of_this_run(context, landing_key(source))
    ]
    failed = [(load_id, result) for load_id, result in results if not result.success]
    load_id, result = failed[0] if failed else results[-1]  # the one to show: the first rejected, else the last
    if len(results) > 1:
        context.log.info(f"{len(results)} loads landed in this run: {', '.join(load for load, _ in results)}")
    page = write_validation_page(result, page_path(landing.root, source, load_id))
    return _check_result(load_id, result, [load for load, _ in results], page, quarantine_keys(source))


def _validate_load(
    context, landing: LandingZone, source: str, datasets: tuple[str, ...], validate, load_id: str, update_field
):
    from expectations.gx_runner import audit_frames

    frames = {}
    for dataset in datasets:
        table = landing.read_load(source, dataset, load_id)
        if table is not None:
            frames[dataset] = table.to_pandas()
    result = validate(frames, load_id)
    update_range = update_time_range(landing, source, datasets, load_id, update_field) if update_field else None
    results_df, verdict_df = audit_frames(result, update_range)
    landing.write_audit(
        "gx_results", load_id, pa.Table.from_pandas(results_df, preserve_index=False), result.checked_at
    )
    landing.write_audit(
        VERDICTS_AUDIT, load_id, pa.Table.from_pandas(verdict_df, preserve_index=False), result.checked_at
    )
    context.log.info(result.summary())
    return load_id, result


def _quarantine_entries(result, quarantine: list[AssetKey]) -> dict:
    """Where the load's quarantined rows are counted. Staging applies the row rules after the gate (they read the
    catalogues and seeds in the warehouse): the count is on each quarantine table's materialisation of this run,
    which the check links to."""
    if not quarantine:
        return {}
    if not result.success:
        count = "none: a rejected load is never read, so nothing of it is quarantined"
    else:
        count = (
            "counted by staging after this gate: `quarantined_from_this_run (rows)` on the materialisation of "
            f"{', '.join(key.to_user_string() for key in quarantine)} in this run (linked here), by reason"
        )
    return {
        "quarantine_count": MetadataValue.text(count),
        **{f"quarantine: {key.path[-1]}": MetadataValue.asset(key) for key in quarantine},
    }


def _check_result(
    load_id: str, result, load_ids: list[str], page, quarantine: list[AssetKey] | tuple = ()
) -> AssetCheckResult:
    return AssetCheckResult(
        passed=result.success,
        # WARN, not ERROR: a rejected load must not fail the run. The dbt step sees the failed check and leaves
        # out the tables reading the source (orchestration/warehouse.py `rejected_loads_upstream`), Dagster skips
        # what is downstream of them, and the tables keep their last good materialisation (an ERROR would fail
        # the run and the UI would call every table downstream Failed). The rejection is alerted by the
        # `rejected_batch_alert` sensor (orchestration/alerts.py) and `make run` exits with 1.
        severity=AssetCheckSeverity.WARN,
        # one line: the UI runs a description's lines together
        description="; ".join(line.strip() for line in result.summary().splitlines()),
        metadata={
            "load_id": load_id,
            **({"load_ids": MetadataValue.json(load_ids)} if len(load_ids) > 1 else {}),
            "verdict": result.verdict,
            "rows_checked": sum(d.row_count for d in result.datasets),
            "expectations_evaluated": result.expectations_evaluated,
            "expectations_failed": result.expectations_failed,
            "rows_affected": result.rows_affected,
            # failed (and within-tolerance) expectations with a bounded sample of what they found, never from a
            # personal field (orchestration/gx_evidence.py)
            "failed_expectations": MetadataValue.json(unexpected_samples(result)),
            "unexpected_values": MetadataValue.text(unexpected_values_text(result)),
            "validation_page": MetadataValue.path(str(page)),
            **_quarantine_entries(result, list(quarantine)),
            "per_dataset": MetadataValue.json(
                {
                    d.dataset: {
                        "rows": d.row_count,
                        "expectations_failed": d.expectations_failed,
                        "rows_affected": d.rows_affected,
                    }
                    for d in result.datasets
                }
            ),
        },
    )


@asset_check(
    asset=ONE_STOP_SHOP_LANDING,
    name="gx_suites",
    blocking=True,
    description="Great Expectations, one suite per landed one-stop-shop dataset, on the newly landed load "
    "(each applicant's unit checked against the administrative-unit reference file). "
    "Failing rejects the load (never read by the warehouse) and stops every mart.",
)
def gx_one_stop_shop(
    context: AssetCheckExecutionContext,
    landing: ResourceParam[LandingZone],
    admin_units_source: ResourceParam[AdminUnitsSource],
) -> AssetCheckResult:
    from expectations.one_stop_shop import commune_versions, validate_one_stop_shop_batch

    try:
        units = commune_versions(read_reference(admin_units_source.folder)["units"])
    except ReferenceFileError as exc:
        # The unit file's own gate fails and stops the registries' marts (the applicant-unit series
        # among them); the one-stop-shop's other marts do not stand on it.
        context.log.warning(f"applicants' units not checked: {exc}")
        units = None
    return run_gate(
        context,
        landing,
        ONE_STOP_SHOP,
        ONE_STOP_SHOP_DATASETS,
        lambda frames, load_id: validate_one_stop_shop_batch(frames, load_id, units=units),
        update_field=ONE_STOP_SHOP_UPDATE_FIELD,
    )


@asset_check(
    asset=PAR_RANKING_LANDING,
    name="gx_suites",
    blocking=True,
    description="Great Expectations on the landed PAR ranking files. Failing rejects the load and stops "
    "the workforce marts.",
)
def gx_par_ranking(context: AssetCheckExecutionContext, landing: ResourceParam[LandingZone]) -> AssetCheckResult:
    from expectations.cadre import validate_ranking_batch

    return run_gate(context, landing, cadre.RANKING_SOURCE, (cadre.RANKING_DATASET,), validate_ranking_batch)


@asset_check(
    asset=BUDGET_LANDING,
    name="gx_suites",
    blocking=True,
    description="Great Expectations on the newly landed budget disclosures: required lines present, children "
    "summing to their parent within rounding, no negative value where none can be. Failing "
    "rejects the load (never read by the warehouse) and stops the budget marts.",
)
def gx_budget(context: AssetCheckExecutionContext, landing: ResourceParam[LandingZone]) -> AssetCheckResult:
    from expectations.budget import validate_budget_batch

    return run_gate(context, landing, budget.SOURCE, budget.DATASETS, validate_budget_batch)


@functools.cache
def built_gate(entry: Source):
    """The blocking GX check of a source whose registry entry names no gate of its own (the registries, the
    cadre system): its `validate` (frames, load_id) on every dataset of each load landed in the run
    (orchestration/registry.py)."""

    @asset_check(asset=landing_key(entry.name), name="gx_suites", blocking=True, description=entry.gate_description)
    def _gate(context: AssetCheckExecutionContext, landing: ResourceParam[LandingZone]) -> AssetCheckResult:
        return run_gate(context, landing, entry.name, entry.datasets, entry.validate)

    return _gate


@asset_check(
    asset=landing_key(ADMIN_UNITS),
    name="gx_suites",
    blocking=True,
    description="Great Expectations on the administrative-unit reference file: no overlapping validity, "
    "every unit that ended mapped to its successors, weights summing to 1, parents known. "
    "Failing rejects the file and stops every mart built on the units.",
)
def gx_admin_units(context: AssetCheckExecutionContext, landing: ResourceParam[LandingZone]) -> AssetCheckResult:
    from expectations.admin_units import validate_admin_units_batch

    return run_gate(context, landing, ADMIN_UNITS, ADMIN_UNITS_DATASETS, validate_admin_units_batch)
