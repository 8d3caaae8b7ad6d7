"""What keeps runs on one data folder from stepping on each other, and a dead run from blocking the next.

- One run per data folder: `python -m orchestration run` holds `<data dir>/.run.lock` (an OS lock,
  connectors/locks.py) for the whole run. A second run waits up to PAR_RUN_WAIT_SECONDS, then stops
  with a message naming the first (its process, host, start). The kernel drops the lock when the
  holder's process ends, however it ends, so a killed run never leaves it held.
- The warehouse slot (the Dagster pool that lets one step at a time write the warehouse) is held in
  Dagster's run history, which survives the process. A run's owner is identified by its process id
  *and that process's start time* (tags written when the run starts): after a restart the same
  number may belong to another process, which is not the owner. A run whose owner is gone is marked
  failed and its slot freed.
- A slot held by a live run is waited for, sleeping between looks (never a busy loop), up to
  PAR_WAREHOUSE_SLOT_WAIT_SECONDS; then the run stops with an error naming the holder. SIGTERM (and
  `timeout`) stop a waiting run at once. This holds before the run starts (`wait_for_warehouse_slot`)
  and between its steps, where Dagster waits for the slot itself (`bounded_slot_waits`).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from connectors.locks import exclusive_lock

log = logging.getLogger(__name__)

# The Dagster pool of the steps that write the warehouse (dagster.yaml: one step at a time).
WAREHOUSE_POOL = "warehouse"
CLI_PID_TAG = "par/cli_pid"
CLI_PID_STARTED_TAG = "par/cli_pid_started_at"  # the process's start, seconds since the epoch
RUN_LOCK_NAME = ".run.lock"
SLOT_POLL_SECONDS = 1.0
# /proc gives a process's start to the clock tick and the boot time to the second.
START_TIME_TOLERANCE_SECONDS = 2.0


class WarehouseBusyError(RuntimeError):
    """Another live run held the warehouse slot for longer than this run may wait."""


class StoppedBySignal(SystemExit):
    """SIGTERM arrived while the run waited; nothing was started."""


def process_started_at(pid: int) -> float | None:
    """When the process `pid` started (seconds since the epoch), or None if there is no such process.

    Linux: from /proc. Elsewhere, only whether the process exists is known: 0.0 if it does."""
    stat = Path(f"/proc/{pid}/stat")
    if Path("/proc/stat").exists():
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()  # the command name may hold spaces and ')'
            boot = next(
                float(line.split()[1])
                for line in Path("/proc/stat").read_text().splitlines()
                if line.startswith("btime ")
            )
        except (OSError, IndexError, StopIteration):
            return None
        return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22 of stat, counted after the name
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return 0.0


def owner_tags() -> dict[str, str]:
    """The tags that name this process as a run's owner."""
    started = process_started_at(os.getpid())
    return {CLI_PID_TAG: str(os.getpid()), **({CLI_PID_STARTED_TAG: f"{started:.2f}"} if started else {})}


def owner_alive(tags: dict[str, str], run_created: float) -> bool:
    """Whether the process that started a run (its owner tags) still runs: the same process id *and* start.

    A run without the start tag (an older run) is owned by the process only if that process started
    before the run was created: a process started later reuses the number after a restart."""
    started = process_started_at(int(tags[CLI_PID_TAG]))
    if started is None:
        return False
    if started == 0.0:  # no start times on this system: the id is all there is
        return True
    recorded = tags.get(CLI_PID_STARTED_TAG)
    if recorded is not None:
        return abs(started - float(recorded)) <= START_TIME_TOLERANCE_SECONDS
    return started <= run_created + START_TIME_TOLERANCE_SECONDS


def release_abandoned_runs(instance) -> list[str]:
    """Mark failed the command-line runs whose process is gone (killed, machine restarted) and free
    the warehouse slots they held; otherwise the next run would wait for those slots for ever."""
    from dagster import DagsterRunStatus, RunsFilter

    released = []
    in_flight = RunsFilter(statuses=[DagsterRunStatus.STARTED, DagsterRunStatus.STARTING])
    for record in instance.get_run_records(filters=in_flight):
        run = record.dagster_run
        if CLI_PID_TAG not in run.tags or owner_alive(run.tags, record.create_timestamp.timestamp()):
            continue
        pid = run.tags[CLI_PID_TAG]
        instance.report_run_failed(
            run, f"the process {pid} that ran it is gone (killed, crashed or the machine restarted)"
        )
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        released.append(run.run_id)
        log.warning("run %s was abandoned by process %s: marked failed, its slots freed", run.run_id, pid)
    return released


@contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """SIGTERM ends the block with StoppedBySignal (exit status 143), then the previous handler is back."""

    def stop(signum, _frame):
        raise StoppedBySignal(128 + signum)

    if threading.current_thread() is not threading.main_thread():  # signals reach the main thread only
        yield
        return
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def data_folder_lock(data_dir: Path, wait_seconds: float):
    """Held for a whole run: one run per data folder (see the module)."""
    return exclusive_lock(
        Path(data_dir) / RUN_LOCK_NAME,
        "python -m orchestration run",
        wait_seconds,
        f"the data folder {data_dir} (another pipeline run)",
    )


def wait_for_warehouse_slot(instance, pool: str, wait_seconds: float, poll_seconds: float = SLOT_POLL_SECONDS) -> None:
    """Return once no other run holds a slot of `pool`; free the slots of runs whose owner is gone;
    raise WarehouseBusyError after `wait_seconds`."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return
    deadline = time.monotonic() + wait_seconds
    said = False
    while True:
        release_abandoned_runs(instance)
        holders = sorted({slot.run_id for slot in storage.get_concurrency_info(pool).claimed_slots})
        if not holders:
            return
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise WarehouseBusyError(
                f"the warehouse slot (Dagster pool '{pool}') is held by run(s) {', '.join(holders)}, still running; "
                f"gave up after {wait_seconds:g} s (PAR_WAREHOUSE_SLOT_WAIT_SECONDS). Wait for that run, or if it "
                "is not running any more, mark it failed in the Dagster UI (Runs) or free its slot "
                f"(Deployment > Concurrency > {pool})."
            )
        if not said:
            log.warning("waiting up to %g s for the warehouse slot held by run(s) %s", wait_seconds, ", ".join(holders))
            said = True
        time.sleep(min(poll_seconds, remaining))


@contextmanager
def bounded_slot_waits(
    instance, pool: str, run_id: str, wait_seconds: float, poll_seconds: float = SLOT_POLL_SECONDS
) -> Iterator[None]:
    """While the run `run_id` executes in this process: its waits for a slot of `pool` end after
    `wait_seconds` (WarehouseBusyError) or at SIGTERM (StoppedBySignal).

    Between steps Dagster waits for a pool slot itself, with no limit, and while a run executes it
    takes SIGTERM over (it only notes the signal, which the wait never looks at). A watcher thread looks
    at the run's pending claims (Dagster's concurrency info) once per `poll_seconds` and learns of
    SIGTERM through the signal wake-up file descriptor (which Python writes for every signal it
    handles, whoever's handler); to stop the wait it sends the main thread SIGUSR1, whose handler
    raises the error there. Only in the main thread (signals are handled there); elsewhere a no-op."""
    storage = instance.event_log_storage
    if threading.current_thread() is not threading.main_thread() or not storage.supports_global_concurrency_limits:
        yield
        return
    read_fd, write_fd = os.pipe()
    os.set_blocking(read_fd, False)
    os.set_blocking(write_fd, False)
    stop, error = threading.Event(), []

    def raise_in_main(_signum, _frame):
        if error:
            raise error[0]

    def watch() -> None:
        terminated, waiting_since = False, None
        while not stop.wait(poll_seconds):
            try:
                terminated = terminated or signal.SIGTERM in os.read(read_fd, 256)
            except BlockingIOError:
                pass
            info = storage.get_concurrency_info(pool)
            if not any(step.run_id == run_id for step in info.pending_steps):
                waiting_since = None
                continue  # inside a step, Dagster stops on SIGTERM itself
            waiting_since = waiting_since or time.monotonic()
            holders = sorted({slot.run_id for slot in info.claimed_slots} - {run_id})
            if terminated:
                error.append(StoppedBySignal(128 + signal.SIGTERM))
            elif time.monotonic() - waiting_since >= wait_seconds:
                error.append(
                    WarehouseBusyError(
                        f"run {run_id} waited {wait_seconds:g} s (PAR_WAREHOUSE_SLOT_WAIT_SECONDS) for the warehouse "
                        f"slot (Dagster pool '{pool}') held by run(s) {', '.join(holders) or '(none)'}; stopped."
                    )
                )
            else:
                continue
            signal.pthread_kill(threading.main_thread().ident, signal.SIGUSR1)
            return

    previous_fd = signal.set_wakeup_fd(write_fd)
    previous_handler = signal.signal(signal.SIGUSR1, raise_in_main)
    watcher = threading.Thread(target=watch, daemon=True, name="warehouse-slot-watch")
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()
        if error:  # stopped while queued: the claim must not be granted to a run that is over
            storage.free_concurrency_slots_for_run(run_id)
        signal.signal(signal.SIGUSR1, previous_handler)
        signal.set_wakeup_fd(previous_fd)
        os.close(read_fd)
        os.close(write_fd)
