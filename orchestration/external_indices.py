"""The external indices source: a ministry's CSV/XLSX file landed as it was published, and its gate.

The file is PAR_EXTERNAL_INDICES_FILE; in the sandbox, a ministry-style file written from the
published values. The same content lands once; a run with no new file re-reports the
last load. With no file at all, an empty load lands once, so the warehouse reads the source and
falls back to the published values in the seed external_indices_published.
"""

from dataclasses import dataclass
from pathlib import Path

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetExecutionContext,
    MaterializeResult,
    MetadataValue,
    ResourceParam,
    asset,
    asset_check,
)

from connectors import external_indices
from connectors.ingest import land_pull
from connectors.landing import LandingZone
from orchestration.ingestion import landing_key
from orchestration.quality_checks import run_gate
from orchestration.settings import Settings

EXTERNAL_INDICES_LANDING = landing_key(external_indices.SOURCE)
LATEST_FILE_STATE = "latest_file"


@dataclass
class ExternalIndicesSource:
    settings: Settings

    def file(self) -> Path | None:
        """The file to land: the configured one, the sandbox's, or None (production, none given)."""
        if self.settings.external_indices_file:
            return self.settings.external_indices_file
        if self.settings.environment == "sandbox":
            from connectors.sandbox.external_indices import write_ministry_file

            return write_ministry_file(self.settings.data_dir / "sandbox" / "external_indices.xlsx")
        return None

    def describe(self, path: Path | None) -> str:
        if path is None:
            return "none://external_indices (no file configured)"
        if self.settings.external_indices_file is None:
            return f"sandbox://external_indices/{path.name}"
        return f"file://{path}"


def _land(landing: LandingZone, key: str, uri: str, records: list[dict]):
    return land_pull(
        landing,
        external_indices.SOURCE,
        key,
        uri,
        lambda cursor: iter([(records, "end")]),
        external_indices.to_table,
        land_empty=True,
    )


@asset(
    key=EXTERNAL_INDICES_LANDING,
    group_name="landing",
    kinds={"python", "parquet"},
    description="Province rankings in the external indices (PAR Index, PCI, PAPI, ICT Index, DTI, SIPAS) from "
    "a ministry's CSV/XLSX file (PAR_EXTERNAL_INDICES_FILE), every row as published; each distinct "
    "content lands once (connectors/external_indices.py).",
)
def external_indices_landing(
    context: AssetExecutionContext,
    external_indices_source: ResourceParam[ExternalIndicesSource],
    landing: ResourceParam[LandingZone],
) -> MaterializeResult:
    path = external_indices_source.file()
    uri = external_indices_source.describe(path)
    latest = landing.read_state(external_indices.SOURCE, LATEST_FILE_STATE)
    records = external_indices.read_published_indices(path) if path else []
    digest = external_indices.content_digest(records) if path else "no-file"
    if latest and (latest["digest"] == digest or path is None):
        context.log.info(f"external indices: {uri} already landed as load {latest['load_id']}; nothing new")
        return MaterializeResult(
            metadata={
                "load_id": latest["load_id"],
                "source": latest["source"],
                "new_rows": 0,
                "content_sha256": latest["digest"],
            }
        )
    summary = _land(landing, f"file-{digest[:16]}", uri, records)
    landing.write_state(
        external_indices.SOURCE, LATEST_FILE_STATE, {"digest": digest, "load_id": summary.load_id, "source": uri}
    )
    return MaterializeResult(
        metadata={
            "load_id": summary.load_id,
            "source": uri,
            "new_rows": len(records),
            "content_sha256": digest,
            "provinces": len({r["province_name"] for r in records}),
            "path": MetadataValue.path(str(landing.root / external_indices.SOURCE)),
        }
    )


@asset_check(
    asset=EXTERNAL_INDICES_LANDING,
    name="gx_suites",
    blocking=True,
    description="Great Expectations on the newly landed external indices load; failing rejects the load.",
)
def gx_external_indices(context: AssetCheckExecutionContext, landing: ResourceParam[LandingZone]) -> AssetCheckResult:
    from expectations.external_indices import validate_external_indices_batch

    return run_gate(
        context, landing, external_indices.SOURCE, external_indices.DATASETS, validate_external_indices_batch
    )
