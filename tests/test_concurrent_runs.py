"""Runs that overlap or die: each gate checks its own run's loads, a second run on one data folder
waits for or refuses the first, a warehouse slot held by a dead run is freed, a held slot is waited
for without spinning and with a limit, SIGTERM stops a waiting run, and a moved data folder keeps
its own run history. Cheap on purpose: tiny Dagster jobs, fake contexts, subprocesses with short
timeouts; no pipeline run."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import pyarrow as pa
import pytest
from dagster import AssetKey, DagsterInstance, MaterializeResult, asset, materialize

from connectors.landing import VERDICTS_AUDIT, LandingZone
from orchestration.quality_checks import run_gate

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SOURCE = "some_source"
POOL = "warehouse"  # orchestration.warehouse.WAREHOUSE_POOL, whose module parses the dbt manifest


def _landing_asset(load_id: str):
    @asset(key=AssetKey(["landing", SOURCE]))
    def landing_asset() -> MaterializeResult:
        return MaterializeResult(metadata={"load_id": load_id})

    return landing_asset


def test_each_gate_checks_the_load_its_own_run_landed(tmp_path, monkeypatch):
    """Two runs land a load each, the second after the first: the first run's gate checks the first
    load (not the latest of the instance) and records its verdict, so no load goes unchecked."""
    import pandas as pd

    import expectations.gx_runner

    monkeypatch.setattr(
        expectations.gx_runner,
        "audit_frames",
        lambda result, update_range=None: (
            pd.DataFrame({"load_id": [result.load_id]}),
            pd.DataFrame({"load_id": [result.load_id], "verdict": [result.verdict]}),
        ),
    )
    landing = LandingZone(tmp_path)
    for load_id in ("load-a", "load-b"):
        landing.write_batch(SOURCE, "rows", date(2024, 1, 1), load_id, 0, pa.table({"value": [load_id]}))
    with DagsterInstance.ephemeral() as instance:
        first = materialize([_landing_asset("load-a")], instance=instance)
        second = materialize([_landing_asset("load-b")], instance=instance)
        checked = []

        def validate(frames, load_id):
            checked.append((load_id, frames["rows"]["value"].tolist()))
            return _Verdict(load_id)

        for run in (first, second):
            context = SimpleNamespace(
                run=instance.get_run_by_id(run.run_id), instance=instance, log=logging.getLogger("gate")
            )
            result = run_gate(context, landing, SOURCE, ("rows",), validate)
            assert result.passed
    assert checked == [("load-a", ["load-a"]), ("load-b", ["load-b"])]
    assert landing.has_audit(VERDICTS_AUDIT, "load-a") and landing.has_audit(VERDICTS_AUDIT, "load-b")


class _Verdict:
    """The few fields of a GX result that the gate reads, for a load that passes."""

    def __init__(self, load_id):
        self.load_id, self.success, self.verdict = load_id, True, "accepted"
        self.checked_at = datetime.now(UTC)
        self.datasets, self.expectations_evaluated, self.expectations_failed, self.rows_affected = [], 0, 0, 0
        self.results, self.source_system, self.rows_affected_exact = [], "some_source", True

    def summary(self):
        return f"{self.load_id}: accepted"

    def failed(self):
        return []


# -- one run per data folder ------------------------------------------------------------------------


def test_a_second_run_on_one_data_folder_is_refused_naming_the_first_and_a_killed_holder_lets_go(tmp_path):
    from connectors.locks import LockTimeoutError
    from orchestration.run_guard import data_folder_lock

    with data_folder_lock(tmp_path, 0):
        started = time.monotonic()
        with (
            pytest.raises(
                LockTimeoutError,
                match=rf"data folder {tmp_path} \(another pipeline run\) is in use by "
                rf"process {os.getpid()} on .*python -m orchestration run",
            ),
            data_folder_lock(tmp_path, 0.3),
        ):
            pass
        assert 0.3 <= time.monotonic() - started < 3
    # a holder killed outright (SIGKILL, a restart) holds nothing: no PID to trust, the kernel let go
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom orchestration.run_guard import "
            f"data_folder_lock\nwith data_folder_lock({str(tmp_path)!r}, 0):\n"
            "    print('held', flush=True); time.sleep(60)",
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(LockTimeoutError), data_folder_lock(tmp_path, 0):
            pass
    finally:
        holder.kill()
        holder.wait()
    with data_folder_lock(tmp_path, 0):
        pass


# -- the warehouse slot ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_instance(tmp_path_factory):
    from orchestration.instance_config import write_instance_config

    home = tmp_path_factory.mktemp("instance") / "dagster_home"
    write_instance_config(home)
    instance = DagsterInstance.from_config(str(home))
    instance.event_log_storage.set_concurrency_slots(POOL, 2)  # room for two holders in one test
    yield home, instance
    instance.dispose()


@pytest.fixture
def instance_home(shared_instance):
    """A Dagster instance folder (shared by the module: creating one takes seconds), left with no run in flight."""
    from dagster import DagsterRunStatus, RunsFilter

    yield shared_instance
    _, instance = shared_instance
    for record in instance.get_run_records(filters=RunsFilter(statuses=[DagsterRunStatus.STARTED])):
        instance.report_run_failed(record.dagster_run, "test over")
        instance.event_log_storage.free_concurrency_slots_for_run(record.dagster_run.run_id)


def hold_slot(instance, tags: dict[str, str]) -> str:
    """A started command-line run with `tags` holding the warehouse slot, as a run does mid-build."""
    import uuid

    from dagster import DagsterRun, DagsterRunStatus

    run = DagsterRun(job_name="par_pipeline", run_id=str(uuid.uuid4()), status=DagsterRunStatus.STARTED, tags=tags)
    instance.add_run(run)
    status = instance.event_log_storage.claim_concurrency_slot(POOL, run.run_id, "warehouse_models")
    assert status.slot_status.value == "CLAIMED"
    return run.run_id


def test_a_slot_held_by_a_dead_run_is_freed_even_when_its_pid_now_belongs_to_another_process(instance_home):
    """After a restart the killed run's process id belongs to some other process: same number, other start."""
    from orchestration.run_guard import CLI_PID_STARTED_TAG, CLI_PID_TAG, owner_tags, release_abandoned_runs

    _, instance = instance_home
    me = owner_tags()
    reused = hold_slot(
        instance, {CLI_PID_TAG: me[CLI_PID_TAG], CLI_PID_STARTED_TAG: f"{float(me[CLI_PID_STARTED_TAG]) - 3600:.2f}"}
    )
    alive = hold_slot(instance, me)
    assert release_abandoned_runs(instance) == [reused]
    assert instance.get_run_by_id(reused).is_failure and not instance.get_run_by_id(alive).is_finished
    assert {slot.run_id for slot in instance.event_log_storage.get_concurrency_info("warehouse").claimed_slots} == {
        alive
    }


def test_a_slot_held_by_a_live_run_is_waited_for_without_spinning_then_refused_naming_it(instance_home):
    from orchestration.run_guard import WarehouseBusyError, owner_tags, wait_for_warehouse_slot

    _, instance = instance_home
    holder = hold_slot(instance, owner_tags())
    started, cpu = time.monotonic(), time.process_time()
    with pytest.raises(
        WarehouseBusyError,
        match=rf"held by run\(s\) {holder}, still running; gave up after 1.5 s "
        r"\(PAR_WAREHOUSE_SLOT_WAIT_SECONDS\)",
    ):
        wait_for_warehouse_slot(instance, "warehouse", 1.5, poll_seconds=0.2)
    assert 1.5 <= time.monotonic() - started < 5
    assert time.process_time() - cpu < 0.5, "the wait spun on the CPU"
    instance.event_log_storage.free_concurrency_slots_for_run(holder)
    wait_for_warehouse_slot(instance, "warehouse", 0)  # free: returns at once


def test_a_run_waiting_for_the_slot_before_it_starts_stops_on_sigterm(instance_home):
    """`kill -TERM` (and `timeout`) end the wait at once; nothing was started."""
    from orchestration.run_guard import StoppedBySignal, owner_tags, stop_on_sigterm, wait_for_warehouse_slot

    _, instance = instance_home
    hold_slot(instance, owner_tags())
    started = time.monotonic()
    with pytest.raises(StoppedBySignal) as stopped, stop_on_sigterm():
        threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM)).start()
        wait_for_warehouse_slot(instance, POOL, 600, poll_seconds=0.2)
    assert stopped.value.code == 143 and time.monotonic() - started < 5


def test_the_command_line_refuses_a_run_while_another_holds_the_slot_past_the_limit(
    instance_home, tmp_path, monkeypatch, capsys
):
    from orchestration.cli import main
    from orchestration.run_guard import owner_tags

    home, instance = instance_home
    holder = hold_slot(instance, owner_tags())
    for name, value in {
        "PAR_DATA_DIR": str(tmp_path / "data"),
        "DAGSTER_HOME": str(home),
        "PAR_ENV": "sandbox",
        "PAR_WAREHOUSE_SLOT_WAIT_SECONDS": "0.5",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("PAR_LANDING_DIR", "PAR_WAREHOUSE_PATH", "PAR_SNAPSHOT_DIR"):
        monkeypatch.delenv(name, raising=False)
    assert main(["run", "--start", "2022-01-01", "--end", "2022-01-01"]) == 3
    assert f"held by run(s) {holder}, still running" in capsys.readouterr().err
    assert not (tmp_path / "data" / "landing").exists()  # nothing was started


def test_a_moved_or_copied_data_folder_keeps_its_own_run_history_and_slots(tmp_path):
    """The instance folder's dagster.yaml named its event log (runs, the warehouse slots) by absolute path and
    was never rewritten: a copy of the data folder went on using the original's. Before every run it is put
    right, keeping what else the file says."""
    import shutil

    from orchestration.instance_config import write_instance_config

    original, copy = tmp_path / "old" / "dagster_home", tmp_path / "new" / "dagster_home"
    write_instance_config(original)
    with (original / "dagster.yaml").open("a") as config:
        config.write("run_monitoring:\n  enabled: true\n")
    shutil.copytree(original.parent, copy.parent)
    write_instance_config(copy)
    with DagsterInstance.from_config(str(copy)):
        pass
    assert (copy / "history" / "runs" / "index.db").exists() and not (original / "history").exists()
    text = (copy / "dagster.yaml").read_text()
    assert str(original) not in text and "run_monitoring" in text
    assert str(original) in (original / "dagster.yaml").read_text()


def test_dagsters_own_wait_between_steps_gives_up_after_the_limit_and_stops_on_sigterm(instance_home):
    """Between the steps of a run, Dagster waits for the warehouse slot itself, with no limit and not
    hearing SIGTERM. A run under `bounded_slot_waits` stops there too: after the limit, naming the holder,
    and at SIGTERM."""
    import uuid

    from dagster import DagsterExecutionInterruptedError, Definitions, define_asset_job

    from orchestration.run_guard import StoppedBySignal, WarehouseBusyError, bounded_slot_waits, owner_tags

    _, instance = instance_home

    @asset(pool=POOL)
    def writes_the_warehouse() -> None:
        raise AssertionError("ran while another run held the warehouse slot")

    job = Definitions(assets=[writes_the_warehouse], jobs=[define_asset_job("writer", selection="*")]).resolve_job_def(
        "writer"
    )
    instance.event_log_storage.set_concurrency_slots(POOL, 1)
    try:
        holder = hold_slot(instance, owner_tags())
        run_id = str(uuid.uuid4())
        started = time.monotonic()
        with pytest.raises(WarehouseBusyError, match=rf"run {run_id} waited 1 s .* held by run\(s\) {holder}"):
            with bounded_slot_waits(instance, POOL, run_id, 1, poll_seconds=0.2):
                job.execute_in_process(instance=instance, run_id=run_id)
        assert time.monotonic() - started < 15
        assert not any(
            step.run_id == run_id for step in instance.event_log_storage.get_concurrency_info(POOL).pending_steps
        )
        started = time.monotonic()
        run_id = str(uuid.uuid4())

        def sigterm_once_waiting():  # before the run is under way, SIGTERM is not Dagster's to note
            while not any(
                step.run_id == run_id for step in instance.event_log_storage.get_concurrency_info(POOL).pending_steps
            ):
                time.sleep(0.1)
            os.kill(os.getpid(), signal.SIGTERM)

        sigterm = threading.Thread(target=sigterm_once_waiting, daemon=True)
        sigterm.start()
        # Dagster, which noted the signal too, may turn the stop into its own interruption: either way it stops
        with pytest.raises((StoppedBySignal, DagsterExecutionInterruptedError)):
            with bounded_slot_waits(instance, POOL, run_id, 600, poll_seconds=0.2):
                job.execute_in_process(instance=instance, run_id=run_id)
        sigterm.join(timeout=5)
        assert time.monotonic() - started < 15
    finally:
        instance.event_log_storage.set_concurrency_slots(POOL, 2)
