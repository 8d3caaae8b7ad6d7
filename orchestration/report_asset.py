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
    "dim_agency",
]


@asset(
    key=REPORT_KEY,
    group_name="reports",
    deps=[AssetKey(["marts", mart]) for mart in REPORT_MARTS],
    pool=WAREHOUSE_POOL,
    kinds={"html", "pdf", "plotly"},
    description="The program's periodic report for the current quarter: target table, trends, the 766 index, "
    "flagged agencies and officials (counted, never named), how each figure is computed; one self-contained "
    "HTML file per language and an A4 PDF of each (reporting/).",
)
def periodic_report(context: AssetExecutionContext, settings: ResourceParam[Settings]) -> MaterializeResult:
    from orchestration.duckdb_session import duckdb_config
    from orchestration.postgres import connect
    from reporting.render import render_report

    report = render_report(
        settings.warehouse_location,
        settings.reports_path,
        languages=("vi", "en"),
        generated_at=datetime.now(ZoneInfo(LOCAL_TIMEZONE)),
        warehouse_target=settings.warehouse_target,
        connect_postgres=connect,
        duckdb_config=duckdb_config(settings),
        pdf=settings.report_pdf,
        reidentification_lookup=settings.reidentification_lookup,
    )
    paths = report.paths
    context.log.info(f"report for {report.period.period_key}: {paths['vi']}")
    if report.pdf_skipped:
        context.log.warning(report.pdf_skipped)
    pdf_metadata = {f"pdf_{lang}": MetadataValue.path(str(path)) for lang, path in report.pdfs.items()}
    if report.pdf_skipped:
        pdf_metadata["pdf_skipped"] = report.pdf_skipped
    return MaterializeResult(
        metadata={
            "period": report.period.period_key,
            # Paths to copy, not file:// links (browsers refuse to open those from a web page).
            **{f"report_{language}": MetadataValue.path(str(path)) for language, path in paths.items()},
            **{
                f"size_{language}": MetadataValue.text(f"{path.stat().st_size / 1024:,.0f} KiB")
                for language, path in paths.items()
            },
            **pdf_metadata,
            # the annex names people: its existence is said, never its path's contents
            "restricted_annex": bool(report.restricted),
        }
    )


def report_pdf_skipped(events) -> str | None:
    """Why the run's report asset wrote no PDF (no Chromium on this machine), if it said so."""
    for event in events:
        if event.event_type_value == "ASSET_MATERIALIZATION" and event.asset_key == REPORT_KEY:
            metadata = event.event_specific_data.materialization.metadata
            if "pdf_skipped" in metadata:
                return metadata["pdf_skipped"].value
    return None
