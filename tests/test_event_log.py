"""The project's Dagster event log (framework_internals/dagster_event_log.py) keeps everything Dagster's own
stores: a run over many partitions is recorded whole, batched or not, and another process reading the same
DAGSTER_HOME (the webserver) sees it; a folder set up when the storage lived in orchestration/event_log.py
is switched to its new module."""

import os
import subprocess
import sys
import textwrap

import pytest
import yaml
from dagster import (
    AssetKey,
    BackfillPolicy,
    DagsterInstance,
    DailyPartitionsDefinition,
    Definitions,
    asset,
    define_asset_job,
)

from framework_internals.dagster_event_log import PooledSqliteEventLogStorage
from orchestration.instance_config import HEADER, event_log_dir, write_instance_config

PARTITIONS = DailyPartitionsDefinition(start_date="2022-01-01")


@asset(partitions_def=PARTITIONS, backfill_policy=BackfillPolicy.single_run())
def daily_thing() -> None:
    return None


JOB = Definitions(assets=[daily_thing], jobs=[define_asset_job("daily", selection="*")]).resolve_job_def("daily")


@pytest.fixture
def dagster_home(tmp_path, monkeypatch):
    write_instance_config(tmp_path)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("batch_size", ["0", "7"])
def test_a_partition_range_is_recorded_whole_and_other_processes_read_it(dagster_home, monkeypatch, batch_size):
    monkeypatch.setenv("DAGSTER_EVENT_BATCH_SIZE", batch_size)
    with DagsterInstance.get() as instance:
        assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
        result = JOB.execute_in_process(
            instance=instance,
            tags={
                "dagster/asset_partition_range_start": "2022-01-01",
                "dagster/asset_partition_range_end": "2022-01-20",
            },
        )
        assert result.success
        assert len(instance.get_materialized_partitions(AssetKey("daily_thing"))) == 20
        run_id = result.run_id
        # the asset's row (written once per batch, not once per event): the range's last event
        [record] = instance.get_asset_records([AssetKey("daily_thing")])
        assert record.asset_entry.last_run_id == run_id
        assert record.asset_entry.last_materialization.dagster_event.partition == "2022-01-20"
        assert (
            instance.get_latest_materialization_event(AssetKey("daily_thing")).dagster_event.partition == "2022-01-20"
        )
    # a second process (as the webserver is) reads the same files
    reader = textwrap.dedent(f"""
        from dagster import AssetKey, DagsterInstance
        with DagsterInstance.get() as instance:
            print(len(instance.get_materialized_partitions(AssetKey("daily_thing"))),
                  instance.get_run_by_id("{run_id}").is_success)
    """)
    seen = subprocess.run(
        [sys.executable, "-c", reader],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DAGSTER_HOME": str(dagster_home)},
    )
    assert seen.stdout.split() == ["20", "True"]


def test_an_instance_folder_reads_its_own_event_log_whatever_dagster_home_says(tmp_path, monkeypatch):
    """`DagsterInstance.from_config(folder)` (the bench, tools) reads that folder's runs, not DAGSTER_HOME's."""
    first, second = tmp_path / "first", tmp_path / "second"
    for home in (first, second):
        write_instance_config(home)
    monkeypatch.setenv("DAGSTER_HOME", str(first))
    with DagsterInstance.get() as instance:
        assert JOB.execute_in_process(instance=instance, partition_key="2022-01-01").success
    with DagsterInstance.from_config(str(second)) as other:
        assert other.get_run_records() == [] and not other.get_materialized_partitions(AssetKey("daily_thing"))
    with DagsterInstance.from_config(str(first)) as same:
        assert len(same.get_run_records()) == 1
    assert (first / "history" / "runs" / "index.db").exists() and (second / "history" / "runs" / "index.db").exists()
    # a folder that has its own dagster.yaml keeps it
    (second / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    write_instance_config(second)
    assert (second / "dagster.yaml").read_text() == "telemetry:\n  enabled: false\n"


def test_a_folder_set_up_when_the_storage_lived_in_orchestration_names_its_new_module(dagster_home):
    with DagsterInstance.get() as instance:
        assert JOB.execute_in_process(instance=instance, partition_key="2022-01-03").success
    old = yaml.safe_load((dagster_home / "dagster.yaml").read_text())
    old["event_log_storage"]["module"] = "orchestration.event_log"  # as earlier versions wrote it
    old["run_monitoring"] = {"enabled": True}
    (dagster_home / "dagster.yaml").write_text(HEADER + yaml.safe_dump(old, sort_keys=False))

    write_instance_config(dagster_home)
    now = yaml.safe_load((dagster_home / "dagster.yaml").read_text())
    assert now["event_log_storage"] == {
        "module": "framework_internals.dagster_event_log",
        "class": "PooledSqliteEventLogStorage",
        "config": {"base_dir": event_log_dir(dagster_home)},
    }
    assert now["run_monitoring"] == {"enabled": True}
    with DagsterInstance.get() as instance:
        assert instance.get_materialized_partitions(AssetKey("daily_thing")) == {"2022-01-03"}
