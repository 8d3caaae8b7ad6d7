"""The Dagster code location of the PAR warehouse (`make ui` loads `defs`)."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

from dagster import Definitions
from dagster_dbt import DbtCliResource

from connectors.landing import LandingZone
from orchestration.alerts import build_rejected_batch_alert, build_run_failure_alert
from orchestration.freshness import build_freshness
from orchestration.ingestion import built_landing_asset
from orchestration.quality_checks import built_gate
from orchestration.registry import SOURCES, Source, load
from orchestration.report_asset import periodic_report
from orchestration.schedules import nightly_schedule, pipeline_job
from orchestration.serving import analysts_snapshot
from orchestration.settings import Settings, load_settings
from orchestration.warehouse import dbt_project, warehouse_models

# The dbt installed beside this Python, whether or not the venv is activated.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")


@functools.cache
def landing_asset(entry: Source):
    """A source's landing asset: the one its registry entry names, else built from the entry."""
    return load(entry.asset) if entry.asset else built_landing_asset(entry)


@functools.cache
def gate(entry: Source):
    """A source's blocking GX check: the one its registry entry names, else built from the entry."""
    return load(entry.gate) if entry.gate else built_gate(entry)


def build_definitions(settings: Settings | None = None, sources: tuple[Source, ...] = SOURCES) -> Definitions:
    """The code location: every source of the registry (its landing asset, gate, resource, freshness
    check), the dbt step, the report and the analysts' snapshot."""
    settings = settings or load_settings()
    settings.export_for_dbt()
    freshness_checks, freshness_job, freshness_schedule = build_freshness(settings, sources)
    return Definitions(
        assets=[
            *(landing_asset(entry) for entry in sources),
            warehouse_models,
            periodic_report,
            analysts_snapshot,
        ],
        asset_checks=[*(gate(entry) for entry in sources), *freshness_checks],
        jobs=[pipeline_job, freshness_job],
        schedules=[nightly_schedule, freshness_schedule],
        sensors=[build_run_failure_alert(settings), build_rejected_batch_alert(settings)],
        resources={
            **{entry.key: entry.build_resource(settings) for entry in sources},
            "landing": LandingZone(settings.landing_dir, lock_wait_seconds=settings.run_wait_seconds),
            "dbt": DbtCliResource(
                project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE, target=settings.warehouse_target
            ),
            "settings": settings,
        },
    )


defs = build_definitions()
