"""The project's Dagster event log (orchestration/event_log.py) keeps everything Dagster's own stores:
a run over many partitions is recorded whole, batched or not, and another process reading the same
DAGSTER_HOME (the webserver) sees it."""
import os
import subprocess
import sys
import textwrap

import pytest
from dagster import (AssetKey, BackfillPolicy, DagsterInstance, DailyPartitionsDefinition, Definitions, asset,
                     define_asset_job)

from orchestration.event_log import PooledSqliteEventLogStorage

PARTITIONS = DailyPartitionsDefinition(start_date="2022-01-01")


@asset(partitions_def=PARTITIONS, backfill_policy=BackfillPolicy.single_run())
def daily_thing() -> None:
    return None


JOB = Definitions(assets=[daily_thing], jobs=[define_asset_job("daily", selection="*")]).resolve_job_def("daily")


@pytest.fixture
def dagster_home(tmp_path, monkeypatch):
    with open(os.path.join(os.path.dirname(__file__), "..", "dagster.yaml")) as project_config:
        (tmp_path / "dagster.yaml").write_text(project_config.read())
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("batch_size", ["0", "7"])
def test_a_partition_range_is_recorded_whole_and_other_processes_read_it(dagster_home, monkeypatch, batch_size):
    monkeypatch.setenv("DAGSTER_EVENT_BATCH_SIZE", batch_size)
    with DagsterInstance.get() as instance:
        assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
        result = JOB.execute_in_process(instance=instance, tags={
            "dagster/asset_partition_range_start": "2022-01-01", "dagster/asset_partition_range_end": "2022-01-20"})
        assert result.success
        assert len(instance.get_materialized_partitions(AssetKey("daily_thing"))) == 20
        run_id = result.run_id
    # a second process (as the webserver is) reads the same files
    reader = textwrap.dedent(f"""
        from dagster import AssetKey, DagsterInstance
        with DagsterInstance.get() as instance:
            print(len(instance.get_materialized_partitions(AssetKey("daily_thing"))),
                  instance.get_run_by_id("{run_id}").is_success)
    """)
    seen = subprocess.run([sys.executable, "-c", reader], capture_output=True, text=True, check=True,
                          env={**os.environ, "DAGSTER_HOME": str(dagster_home)})
    assert seen.stdout.split() == ["20", "True"]
