"""The periodic report as an asset: after the marts are built, render the current period's report
(the latest quarter, partial while it runs) in Vietnamese and English; the asset's metadata links
to the files. `make report PERIOD=2025-Q4` renders any other period (orchestration/cli.py)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, ResourceParam, asset

from orchestration.settings import LOCAL_TIMEZONE, Settings
from orchestration.warehouse import WAREHOUSE_POOL

REPORT_KEY = AssetKey(["reports", "periodic_report"])
REPORT_MARTS = [
    "mart_program_targets",
    "mart_province_service_quality",
    "mart_agency_service_quality",
    "mart_official_performance",
    "mart_766_index",
    "mart_external_indices",
]


@asset(
    key=REPORT_KEY,
    group_name="reports",
    deps=[AssetKey(["marts", mart]) for mart in REPORT_MARTS],
    pool=WAREHOUSE_POOL,
    kinds={"html", "plotly"},
    description="The program's periodic report for the current quarter: target table, trends, the 766 index, "
    "flagged agencies and officials; one self-contained HTML file per language (reporting/).",
)
def periodic_report(context: AssetExecutionContext, settings: ResourceParam[Settings]) -> MaterializeResult:
    from orchestration.postgres import connect
    from reporting.render import render_report

    report = render_report(
        settings.warehouse_location,
        settings.reports_path,
        languages=("vi", "en"),
        generated_at=datetime.now(ZoneInfo(LOCAL_TIMEZONE)),
        warehouse_target=settings.warehouse_target,
        connect_postgres=connect,
    )
    paths = report.paths
    context.log.info(f"report for {report.period.period_key}: {paths['vi']}")
    return MaterializeResult(
        metadata={
            "period": report.period.period_key,
            "path": MetadataValue.path(str(paths["vi"])),
            "report_vi": MetadataValue.url(paths["vi"].as_uri()),
            "report_en": MetadataValue.url(paths["en"].as_uri()),
            "size_bytes": paths["vi"].stat().st_size,
        }
    )
