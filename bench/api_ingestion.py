"""API ingestion: dossiers a second through the loopback API, with the puller's peak memory.

The export file's dossiers are served by the sandbox's own API code (connectors/sandbox/
one_stop_shop_api.OneStopShopApi: keyset paging over (NgayCapNhat, MaHoSo), the same JSON) on the
sandbox's loopback server, in this process; the pull runs in a child process (`python -m
bench.api_ingestion`), exactly as the pipeline pulls (OneStopShopClient pages -> land_pull ->
flatten -> Parquet), so its peak memory is the ingestion's alone. The wall time covers both.

`measure_api_ingestion` is the one function the bench calls: when the ingestion work (issue 8's
fast loopback API) provides its own server over an export file, it replaces the server here.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bench.measure import Measurement, run_measured
from connectors.one_stop_shop import DATE_FORMAT, read_export

PYTHON = sys.executable


class ExportDossier:
    """One dossier of an export file, as OneStopShopApi sees a sandbox dossier: one version."""

    defects = frozenset()

    def __init__(self, payload: dict):
        self._payload = payload
        self.code = payload["MaHoSo"]
        self.change_times = [datetime.strptime(payload["NgayCapNhat"], DATE_FORMAT)]

    def version_at(self, as_of: datetime) -> datetime | None:
        return self.change_times[0] if self.change_times[0] <= as_of else None

    def payload(self, as_of: datetime) -> dict:
        return self._payload


@dataclass
class ExportClock:
    clock: datetime


@dataclass
class ExportAsSandbox:
    """An export file's dossiers in the shape OneStopShopApi serves."""

    dossiers: list[ExportDossier]
    config: ExportClock = field(default_factory=lambda: ExportClock(datetime(2100, 1, 1)))


def serve_export(path: Path):
    """A started loopback server paging the export's dossiers (stop it when done)."""
    from connectors.sandbox.one_stop_shop_api import OneStopShopApi
    from connectors.sandbox.server import SandboxServer

    dossiers = [ExportDossier(record) for chunk, _ in read_export(path, chunk_size=10_000) for record in chunk]
    return SandboxServer(OneStopShopApi(ExportAsSandbox(dossiers)).routes()).start(), len(dossiers)


@dataclass
class IngestionResult:
    what: str
    dossiers: int
    measurement: Measurement  # the puller's process: start-up included
    pull_seconds: float  # the pull itself (first request to last landed part)

    @property
    def per_second(self) -> float:
        return self.dossiers / self.pull_seconds


def measure_api_ingestion(what: str, export: Path, since: datetime, until: datetime, workdir: Path,
                          key: str) -> IngestionResult:
    """Serve `export`, pull [since, until) from it into a fresh landing zone under `workdir`; time it."""
    server, count = serve_export(export)
    landing = workdir / "landing"
    shutil.rmtree(landing, ignore_errors=True)
    try:
        measured = run_measured(what, [PYTHON, "-m", "bench.api_ingestion", "--url", server.url,
                                       "--since", since.strftime(DATE_FORMAT), "--until", until.strftime(DATE_FORMAT),
                                       "--landing", str(landing)],
                                env={"PAR_PSEUDONYMISATION_KEY": key}, log=workdir / "api_ingestion.log")
    finally:
        server.stop()
    summary = json.loads(measured.output.strip().splitlines()[-1])
    if summary["records"] != count:
        raise RuntimeError(f"{what}: the export holds {count} dossiers but the pull landed {summary['records']}")
    return IngestionResult(what, count, measured, summary["pull_seconds"])


def main(argv: list[str] | None = None) -> int:
    """The pull itself (the child process): page the API, land every page, print the summary as JSON."""
    import os

    from connectors import one_stop_shop
    from connectors.http_session import SourceSession
    from connectors.ingest import land_pull
    from connectors.landing import LandingZone
    from connectors.pseudonymise import Pseudonymiser
    from connectors.sandbox.server import SANDBOX_TOKEN

    parser = argparse.ArgumentParser(prog="python -m bench.api_ingestion")
    parser.add_argument("--url", required=True)
    parser.add_argument("--since", required=True)
    parser.add_argument("--until", required=True)
    parser.add_argument("--landing", type=Path, required=True)
    args = parser.parse_args(argv)
    since, until = datetime.strptime(args.since, DATE_FORMAT), datetime.strptime(args.until, DATE_FORMAT)
    client = one_stop_shop.OneStopShopClient(SourceSession(one_stop_shop.SOURCE, args.url, SANDBOX_TOKEN))
    pseudonymise = Pseudonymiser(os.environ["PAR_PSEUDONYMISATION_KEY"])
    started = time.perf_counter()
    summary = land_pull(LandingZone(args.landing), one_stop_shop.SOURCE, f"{args.since}-{args.until}", args.url,
                        lambda cursor: client.pages(since, until, cursor),
                        lambda records: one_stop_shop.flatten(records, pseudonymise))
    print(json.dumps({"records": summary.records, "parts": summary.parts, "rows": summary.rows,
                      "pull_seconds": time.perf_counter() - started}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
