"""framework_internals/ is the one place that uses `_`-prefixed names of Great Expectations (the pandas
branch of its type-list check) and Dagster (its SQLite event log storage). These tests fail when an upgrade
breaks one of those uses, and the last one keeps every other use out of the project."""

import inspect
import re
import subprocess
from pathlib import Path

import pandas as pd

from expectations.gx_runner import ExpectationDef, validate_dataframe
from framework_internals.gx import DTYPE_EXPECTATION

ROOT = Path(__file__).resolve().parents[1]


def test_gx_still_calls_the_hook_the_dtype_expectation_overrides():
    from great_expectations.expectations.core.expect_column_values_to_be_in_type_list import (
        ExpectColumnValuesToBeInTypeList,
    )

    hook = ExpectColumnValuesToBeInTypeList._validate_pandas
    assert list(inspect.signature(hook).parameters) == ["self", "actual_column_type", "expected_types_list"]
    assert "self._validate_pandas(" in inspect.getsource(ExpectColumnValuesToBeInTypeList._validate)


def test_dagsters_sqlite_storage_still_has_what_the_pooled_storage_overrides_and_uses():
    from dagster._core.instance.methods import event_methods
    from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

    from framework_internals.dagster_event_log import PooledSqliteEventLogStorage

    expected = {
        "_connect": ["self", "shard"],
        "_initdb": ["self", "engine", "for_index_shard"],
        "_store_asset_event": ["self", "conn", "event", "event_id"],
        "_get_asset_entry_values": ["self", "event", "event_id", "has_asset_key_index_cols"],
        "_has_asset_key_index_cols_on_connection": ["self", "conn"],
        "_has_asset_key_col_on_connection": ["self", "conn", "column_name"],
        "has_table": ["self", "table_name"],
        "store_event_batch": ["self", "events"],
        "conn_string_for_shard": ["self", "shard_name"],
    }
    found = {name: list(inspect.signature(getattr(SqliteEventLogStorage, name)).parameters) for name in expected}
    assert found == expected
    # every event reaches the overridden methods: store_event connects through _connect (run_connection,
    # index_transaction) and writes the asset's row through _store_asset_event
    store_event = inspect.getsource(SqliteEventLogStorage.store_event)
    assert "self.run_connection(" in store_event and "self._store_asset_event(" in store_event
    assert "self._connect(" in inspect.getsource(SqliteEventLogStorage.run_connection)
    init = inspect.getsource(SqliteEventLogStorage.__init__)
    assert "self._db_lock" in init and "self._initialized_dbs" in init
    # Dagster still batches a range's events when this variable is set (read at each event)
    assert "DAGSTER_EVENT_BATCH_SIZE" in inspect.getsource(event_methods)
    assert issubclass(PooledSqliteEventLogStorage, SqliteEventLogStorage)


def test_dagsters_in_process_execution_still_records_its_run_through_create_run_for_job():
    """framework_internals/dagster_job_runs.py hands `remote_job_origin` to the one call that records the run."""
    from dagster._core.execution import execute_in_process
    from dagster._core.instance.methods.run_methods import RunMethods

    assert "remote_job_origin" in inspect.signature(RunMethods.create_run_for_job).parameters
    assert inspect.getsource(execute_in_process.core_execute_in_process).count(".create_run_for_job(") == 1


def test_a_run_executed_in_process_is_a_run_of_the_code_locations_job():
    """The run the CLI executes carries the origin and the repository tag of the job `make ui` shows."""
    from dagster import DagsterInstance, Definitions, asset, define_asset_job

    from framework_internals.dagster_job_runs import execute_as_job_run, job_origin, repository_label

    @asset
    def one() -> int:
        return 1

    job = Definitions(assets=[one], jobs=[define_asset_job("par_pipeline")]).resolve_job_def("par_pipeline")
    origin = job_origin("orchestration.definitions", "par_pipeline", ROOT)
    with DagsterInstance.ephemeral() as instance:
        result = execute_as_job_run(job, instance, origin)
        run = instance.get_run_by_id(result.run_id)
        assert "create_run_for_job" not in vars(instance)  # the instance is left as it was
    assert result.success
    assert run.remote_job_origin == origin
    assert run.tags_for_storage()[".dagster/repository"] == "__repository__@orchestration.definitions"
    assert repository_label(origin) == "__repository__@orchestration.definitions"


def test_pandas_dtypes_gx_cannot_name_are_told_by_their_own_names():
    frame = pd.DataFrame(
        {
            "text": pd.Series(["a", None], dtype="str"),  # pandas 3's default string dtype
            "count": pd.Series([1, None], dtype="Int32"),
            "at": pd.Series(pd.to_datetime(["2024-01-02T03:04:05Z", None], utc=True)).astype("datetime64[us, UTC]"),
            "code": pd.Series([1, 2], dtype="int64"),
        }
    )

    def dtype(column: str, *names: str) -> ExpectationDef:
        return ExpectationDef(DTYPE_EXPECTATION, {"column": column, "type_list": list(names)})

    result = validate_dataframe(
        frame,
        [
            dtype("text", "str"),
            dtype("count", "Int32"),
            dtype("at", "datetime64[us, UTC]"),
            dtype("code", "str", "string"),
        ],
        dataset="frame",
    )
    verdicts = {r.column: (r.success, r.observed_value) for r in result.results}
    assert verdicts == {
        "text": (True, "str"),
        "count": (True, "Int32"),
        "at": (True, "datetime64[us, UTC]"),
        "code": (False, "int64"),
    }


GUARD_TEST = "tests/test_framework_internals.py"


def test_no_other_module_uses_a_private_name_of_dagster_dagster_dbt_or_gx():
    """`dagster._core...` or `great_expectations...._x`: only in framework_internals/. (Dagster's instance settings name classes by module path, as its own
    documentation does: `module: dagster._core.run_coordinator` in a dagster.yaml is configuration.)"""
    tracked = subprocess.run(
        ["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    framework_private = re.compile(r"\b(?:dagster|dagster_dbt|great_expectations)(?:\.\w+)*\._[a-z]\w*")
    found = []
    for name in tracked:
        if name.startswith("framework_internals/") or name == GUARD_TEST:  # the internals and this, their guard
            continue
        for number, line in enumerate((ROOT / name).read_text().splitlines(), 1):
            code = line.split("#", 1)[0]
            if framework_private.search(code) and "module:" not in code:
                found.append(f"{name}:{number}: {line.strip()}")
    assert not found, "private framework names outside framework_internals/:\n" + "\n".join(found)


def test_gx_imports_in_a_process_whose_main_module_has_no_spec():
    """With pyspark installed (the `spark` group), GX imports pyspark's Spark Connect module, which exits a
    process whose main module has neither `__spec__` nor `__file__` (a Dagster step worker, a pytest-xdist
    worker, `python -c`) unless its requirements (pyspark's `connect` extra) are installed too."""
    import importlib.util
    import os
    import sys

    if importlib.util.find_spec("pyspark") is None:
        import pytest

        pytest.skip("pyspark is not installed (the `spark` dependency group)")
    imported = subprocess.run(
        [sys.executable, "-c", "import great_expectations; print('imported')"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "GX_ANALYTICS_ENABLED": "false"},
    )
    assert imported.stdout.split() == ["imported"], imported.stderr[-2000:]
