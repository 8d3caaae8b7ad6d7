"""The Dagster code location of the PAR warehouse (`make ui` loads `defs`)."""
from __future__ import annotations

import sys
from pathlib import Path

from dagster import Definitions
from dagster_dbt import DbtCliResource

from connectors.landing import LandingZone
from orchestration.alerts import build_run_failure_alert
from orchestration.external_indices import ExternalIndicesSource, external_indices_landing, gx_external_indices
from orchestration.freshness import build_freshness
from orchestration.ingestion import (admin_units_landing, budget_landing, business_registry_landing, cadre_landing,
                                     one_stop_shop_landing, par_ranking_landing, population_registry_landing)
from orchestration.quality_checks import (gx_admin_units, gx_budget, gx_business_registry, gx_cadre, gx_one_stop_shop,
                                          gx_par_ranking, gx_population_registry)
from orchestration.report_asset import periodic_report
from orchestration.serving import analysts_snapshot
from orchestration.schedules import nightly_schedule, pipeline_job
from orchestration.settings import Settings, load_settings
from orchestration.sources import (AdminUnitsSource, BudgetPortalSource, CadreSource, OneStopShopSource,
                                   ParRankingSource, RegistrySource)
from orchestration.warehouse import dbt_project, source_family_models, warehouse_models

# The dbt installed beside this Python, whether or not the venv is activated.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")


def build_definitions(settings: Settings | None = None) -> Definitions:
    settings = settings or load_settings()
    settings.export_for_dbt()
    freshness_checks, freshness_job, freshness_schedule = build_freshness(settings)
    return Definitions(
        assets=[one_stop_shop_landing, cadre_landing, par_ranking_landing, budget_landing, admin_units_landing,
                population_registry_landing, business_registry_landing, external_indices_landing, warehouse_models,
                *source_family_models, periodic_report, analysts_snapshot],
        asset_checks=[gx_one_stop_shop, gx_cadre, gx_par_ranking, gx_budget, gx_admin_units, gx_population_registry,
                      gx_business_registry, gx_external_indices, *freshness_checks],
        jobs=[pipeline_job, freshness_job],
        schedules=[nightly_schedule, freshness_schedule],
        sensors=[build_run_failure_alert(settings)],
        resources={
            "one_stop_shop_source": OneStopShopSource(settings),
            "cadre_source": CadreSource(settings),
            "par_ranking_source": ParRankingSource(settings),
            "budget_source": BudgetPortalSource(settings),
            "admin_units_source": AdminUnitsSource(settings),
            "population_registry_source": RegistrySource(settings, "population_registry"),
            "business_registry_source": RegistrySource(settings, "business_registry"),
            "external_indices_source": ExternalIndicesSource(settings),
            "landing": LandingZone(settings.landing_dir, lock_wait_seconds=settings.run_wait_seconds),
            "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE,
                                  target=settings.warehouse_target),
            "settings": settings,
        },
    )


defs = build_definitions()
