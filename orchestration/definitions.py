"""The Dagster code location of the PAR warehouse (`make ui` loads `defs`)."""
from __future__ import annotations

import sys
from pathlib import Path

from dagster import Definitions
from dagster_dbt import DbtCliResource

from connectors.landing import LandingZone
from orchestration.alerts import build_run_failure_alert
from orchestration.freshness import build_freshness
from orchestration.ingestion import one_stop_shop_landing
from orchestration.quality_checks import gx_one_stop_shop
from orchestration.serving import analysts_snapshot
from orchestration.schedules import nightly_schedule, pipeline_job
from orchestration.settings import Settings, load_settings
from orchestration.sources import OneStopShopSource
from orchestration.warehouse import dbt_project, warehouse_models

# The dbt installed beside this Python, whether or not the venv is activated.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")


def build_definitions(settings: Settings | None = None) -> Definitions:
    settings = settings or load_settings()
    settings.export_for_dbt()
    freshness_checks, freshness_job, freshness_schedule = build_freshness(settings)
    return Definitions(
        assets=[one_stop_shop_landing, warehouse_models, analysts_snapshot],
        asset_checks=[gx_one_stop_shop, *freshness_checks],
        jobs=[pipeline_job, freshness_job],
        schedules=[nightly_schedule, freshness_schedule],
        sensors=[build_run_failure_alert(settings)],
        resources={
            "one_stop_shop_source": OneStopShopSource(settings),
            "landing": LandingZone(settings.landing_dir),
            "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE,
                                  target=settings.warehouse_target),
            "settings": settings,
        },
    )


defs = build_definitions()
