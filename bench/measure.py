"""Wall time and peak memory of a command: the whole process tree's resident memory, sampled.

The peak is the largest sum of the resident set sizes (VmRSS) of the process and all its
descendants seen at one sampling moment (every 0.1 s), so dbt's and Dagster's child processes
count. A short spike between two samples can be missed: the figure is a lower bound, close for
anything that runs for seconds.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

SAMPLE_SECONDS = 0.1


class CommandFailedError(RuntimeError):
    """A measured command exited with an error; the message holds the end of its output."""


@dataclass
class Measurement:
    what: str
    seconds: float
    peak_rss_bytes: int
    output: str = ""
    started_at: datetime | None = None  # UTC

    @property
    def peak_mib(self) -> float:
        return self.peak_rss_bytes / 2**20


def _children(pid: int) -> list[int]:
    found = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:  # the process ended between two samples
        return found
    for task in tasks:
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_rss(pid: int) -> int:
    """Resident memory of `pid` and every descendant, now."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += _rss(p)
        stack += _children(p)
    return total


def run_measured(
    what: str,
    command: Sequence[str],
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    log: Path | None = None,
) -> Measurement:
    """Run `command` to its end; its wall time and the peak memory of its process tree.
    Raises CommandFailedError (with the end of its output) if it fails."""
    full_env = {**os.environ, **(env or {})}
    if log:
        log.parent.mkdir(parents=True, exist_ok=True)
    out = open(log, "w") if log else subprocess.PIPE  # noqa: SIM115 - closed below
    started_at = datetime.now(UTC)
    start = time.perf_counter()
    proc = subprocess.Popen(list(command), env=full_env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, text=True)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss(proc.pid))
            stop.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = proc.communicate()[0] if not log else None
    proc.wait()
    elapsed = time.perf_counter() - start
    stop.set()
    sampler.join()
    if log:
        out.close()
        output = log.read_text(errors="replace")
    if proc.returncode != 0:
        raise CommandFailedError(
            f"{what} failed (exit {proc.returncode}): {' '.join(command)}\n"
            f"--- last lines of its output{f' ({log})' if log else ''} ---\n"
            + "\n".join((output or "").splitlines()[-40:])
        )
    return Measurement(what, elapsed, peak, output or "", started_at)
