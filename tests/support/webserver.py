"""The Dagster UI of a test: `dagster-webserver` on loopback over a Dagster home of the test's own, its GraphQL
API, and what a page shows (its text; with PAR_UI_SCREENSHOTS set, a screenshot to look at)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import requests

from orchestration.instance_config import instance_config

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = os.environ.get("PAR_UI_SCREENSHOTS")  # a folder: the pages looked at are saved there as PNG files


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_instance(home: Path) -> Path:
    """The instance of `make ui` (dagster.yaml), except that runs start at once: without the daemon that
    `make ui` (dagster dev) also starts, a queued run would wait for it."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text(
        instance_config(home) + "run_coordinator:\n  module: dagster._core.run_coordinator\n"
        "  class: DefaultRunCoordinator\n"
    )
    return home


@contextmanager
def dagster_webserver(home: Path, data: Path, env: Mapping[str, str] = {}) -> Iterator[str]:
    """The webserver of the code location over the instance in `home` (written by `write_instance`), its data
    folder `data`; yields its URL, the welcome dialog dismissed."""
    environment = {**os.environ, "DAGSTER_HOME": str(home), "PAR_DATA_DIR": str(data), **env}
    for name in ("PAR_LANDING_DIR", "PAR_WAREHOUSE_PATH", "PAR_SNAPSHOT_DIR"):
        environment.pop(name, None)
    port = free_port()
    log_path = data / "webserver.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "dagster-webserver"),
                "-m",
                "orchestration.definitions",
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
            ],
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 180
            while True:
                try:
                    if requests.get(f"{url}/server_info", timeout=2).ok:
                        break
                except requests.ConnectionError:
                    pass
                assert server.poll() is None, f"the webserver exited: {log_path.read_text()[-3000:]}"
                assert time.monotonic() < deadline, "the webserver did not start in 3 minutes"
                time.sleep(1)
            graphql(url, "mutation { setNuxSeen }")  # the welcome dialog, dismissed for good
            yield url
        finally:
            os.killpg(server.pid, signal.SIGTERM)  # the webserver and the runs it started
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def graphql(url: str, query: str, variables: dict | None = None) -> dict:
    response = requests.post(f"{url}/graphql", json={"query": query, "variables": variables or {}}, timeout=60)
    response.raise_for_status()
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


def look(page, name: str) -> str:
    """The page's text; with PAR_UI_SCREENSHOTS set, a full-page screenshot too (to look at)."""
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)
    return page.inner_text("body")
