"""The Dagster code location of the PAR warehouse (`make ui` loads `defs`)."""
from __future__ import annotations

from dagster import Definitions
from dagster_dbt import DbtCliResource

from connectors.landing import LandingZone
from orchestration.ingestion import one_stop_shop_landing
from orchestration.quality_checks import gx_one_stop_shop_batch
from orchestration.schedules import nightly_schedule, pipeline_job
from orchestration.settings import Settings, load_settings
from orchestration.sources import OneStopShopSource
from orchestration.warehouse import dbt_project, warehouse_models


def build_definitions(settings: Settings | None = None) -> Definitions:
    settings = settings or load_settings()
    settings.export_for_dbt()
    return Definitions(
        assets=[one_stop_shop_landing, warehouse_models],
        asset_checks=[gx_one_stop_shop_batch],
        jobs=[pipeline_job],
        schedules=[nightly_schedule],
        resources={
            "one_stop_shop_source": OneStopShopSource(settings),
            "landing": LandingZone(settings.landing_dir),
            "dbt": DbtCliResource(project_dir=dbt_project),
        },
    )


defs = build_definitions()
