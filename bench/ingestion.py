"""API ingestion throughput: dossiers per second and the client's peak memory, honestly measured.

`measure_api_ingestion(export_path, since, until, workdir)` serves an NDJSON export of the
one-stop-shop (the format `connectors.one_stop_shop.read_export` reads) through the export-backed
loopback API (connectors/sandbox/one_stop_shop_export_api.py, in this process), and pulls the
dossiers updated in [since, until) with the real client in a child process: SourceSession,
OneStopShopClient (pages decoded straight into Arrow), `flatten` with the pseudonymiser, and
`land_pull` reading one page ahead, into a fresh landing zone under `workdir`. It returns

    {"dossiers": landed dossier versions, "seconds": wall time of the pull,
     "dossiers_per_second": dossiers / seconds, "peak_rss_bytes": the child's peak resident memory,
     "cpu_seconds": the child's CPU time during the pull, "rows": landed rows per dataset}

The time covers the pull alone (the child's imports and the server's index of the file are
excluded); the peak memory is the kernel's high-water mark of the child process (VmHWM), over
its whole life, so it includes the interpreter and libraries (about 100 MB). The server runs in the
calling process, so its memory is not counted. On a loaded machine `cpu_seconds` says more about the
client's own cost than the wall time does.

    python -m bench.ingestion EXPORT.ndjson --since 2025-03-01 --until 2025-04-01 [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

PAGE_SIZE = 2000  # the API's largest page
READ_AHEAD = 1  # pages fetched while the one before is landed (land_pull's read_ahead)


def measure_api_ingestion(
    export_path: Path | str,
    since: datetime,
    until: datetime,
    workdir: Path | str,
    page_size: int = PAGE_SIZE,
    batch_rows: int | None = None,
) -> dict:
    """Pull [since, until) of the export through the loopback API; see the module's docstring."""
    from connectors.sandbox.one_stop_shop_export_api import start_export_server

    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    landing = Path(tempfile.mkdtemp(prefix="landing-", dir=workdir))
    server, api = start_export_server(export_path)
    try:
        command = [
            sys.executable,
            "-m",
            "bench.ingestion",
            "--client",
            server.url,
            str(landing),
            since.isoformat(),
            until.isoformat(),
            str(page_size),
            str(batch_rows or 0),
        ]
        done = subprocess.run(command, capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
    finally:
        server.stop()
        api.close()
    if done.returncode != 0:
        raise RuntimeError(f"the ingestion client failed (exit {done.returncode}): {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _own_peak_rss_bytes() -> int:
    """This process's peak resident memory since it started its program (/proc/self/status VmHWM).
    Not getrusage's ru_maxrss: Linux carries that over from the forked parent across exec, so a child
    of a big process (a pytest worker after a pipeline run) would report the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024  # kB
    raise RuntimeError("no VmHWM in /proc/self/status: the peak memory is measured on Linux only")


def _client(url: str, landing_dir: str, since: str, until: str, page_size: str, batch_rows: str) -> dict:
    """The child: the pull, timed, and this process's peak memory."""
    import time

    from connectors.http_session import SourceSession
    from connectors.ingest import land_pull
    from connectors.landing import LandingZone
    from connectors.one_stop_shop import SOURCE, OneStopShopClient, flatten
    from connectors.pseudonymise import SANDBOX_KEY, Pseudonymiser
    from connectors.sandbox.server import SANDBOX_TOKEN

    start, end = datetime.fromisoformat(since), datetime.fromisoformat(until)
    pseudonymise = Pseudonymiser(SANDBOX_KEY)
    client = OneStopShopClient(SourceSession(SOURCE, url, SANDBOX_TOKEN), page_size=int(page_size))
    options = {"batch_rows": int(batch_rows)} if int(batch_rows) else {}
    options["read_ahead"] = READ_AHEAD
    flatten([], pseudonymise)  # imports that Arrow does on first use are not ingestion
    cpu, wall = time.process_time(), time.perf_counter()
    summary = land_pull(
        LandingZone(landing_dir),
        SOURCE,
        f"{start:%Y%m%d%H%M%S}-{end:%Y%m%d%H%M%S}",
        url,
        lambda cursor: client.pages(start, end, cursor),
        lambda b: flatten(b, pseudonymise),
        **options,
    )
    seconds, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "dossiers": summary.records,
        "seconds": round(seconds, 3),
        "dossiers_per_second": round(summary.records / seconds) if seconds else None,
        "peak_rss_bytes": _own_peak_rss_bytes(),
        "cpu_seconds": round(cpu, 3),
        "rows": summary.rows,
    }


def main() -> int:
    if sys.argv[1:2] == ["--client"]:
        print(json.dumps(_client(*sys.argv[2:8])))
        return 0
    parser = argparse.ArgumentParser(
        prog="python -m bench.ingestion", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("export", type=Path)
    parser.add_argument("--since", type=datetime.fromisoformat, required=True)
    parser.add_argument("--until", type=datetime.fromisoformat, required=True)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--page-size", type=int, default=PAGE_SIZE)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-ingestion-") as scratch:
        result = measure_api_ingestion(args.export, args.since, args.until, args.workdir or scratch, args.page_size)
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
