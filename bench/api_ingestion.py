"""API ingestion for the bench table: `bench.ingestion.measure_api_ingestion` (the export-backed loopback
API, the real client and `land_pull` in a child process, its peak memory) as one result row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bench.ingestion import measure_api_ingestion as measure_pull
from bench.measure import Measurement


@dataclass
class IngestionResult:
    what: str
    dossiers: int
    measurement: Measurement  # the puller's process (its peak memory over its whole life)
    pull_seconds: float  # the pull itself (first request to last landed part)

    @property
    def per_second(self) -> float:
        return self.dossiers / self.pull_seconds


def measure_api_ingestion(what: str, export: Path, since: datetime, until: datetime, workdir: Path) -> IngestionResult:
    """Serve `export` on loopback, pull [since, until) from it into a fresh landing zone under `workdir`."""
    pulled = measure_pull(export, since, until, workdir)
    if not pulled["dossiers"]:
        raise RuntimeError(f"{what}: nothing was pulled from {export} for [{since}, {until})")
    return IngestionResult(
        what, pulled["dossiers"], Measurement(what, pulled["seconds"], pulled["peak_rss_bytes"]), pulled["seconds"]
    )
