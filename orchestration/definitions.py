"""The Dagster code location of the PAR warehouse (`make ui` loads `defs`)."""
from __future__ import annotations

import sys
from pathlib import Path

from dagster import Definitions
from dagster_dbt import DbtCliResource

from connectors.landing import LandingZone
from orchestration.external_indices import ExternalIndicesSource, external_indices_landing, gx_external_indices
from orchestration.ingestion import one_stop_shop_landing
from orchestration.quality_checks import gx_one_stop_shop
from orchestration.report_asset import periodic_report
from orchestration.schedules import nightly_schedule, pipeline_job
from orchestration.settings import Settings, load_settings
from orchestration.sources import OneStopShopSource
from orchestration.warehouse import dbt_project, warehouse_models

# The dbt installed beside this Python, whether or not the venv is activated.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")


def build_definitions(settings: Settings | None = None) -> Definitions:
    settings = settings or load_settings()
    settings.export_for_dbt()
    return Definitions(
        assets=[one_stop_shop_landing, external_indices_landing, warehouse_models, periodic_report],
        asset_checks=[gx_one_stop_shop, gx_external_indices],
        jobs=[pipeline_job],
        schedules=[nightly_schedule],
        resources={
            "one_stop_shop_source": OneStopShopSource(settings),
            "external_indices_source": ExternalIndicesSource(settings),
            "settings": settings,
            "landing": LandingZone(settings.landing_dir),
            "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE),
        },
    )


defs = build_definitions()
