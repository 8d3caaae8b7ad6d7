"""`make manifest` (orchestration/dbt_parse.py) prepares the dbt project through dagster-dbt's preparer
with what the runs' dbt steps use: the settings' target and environment, and the dbt of this venv.
(Otherwise the first step of a run would find another profile in the saved parse and parse the whole
project again.) The preparer is replaced by a recorder: no dbt runs here."""

import os
import shutil
import sys
from pathlib import Path

from dagster_dbt.dbt_project import DagsterDbtProjectPreparer

from orchestration import dbt_parse
from orchestration.settings import DBT_PROJECT_DIR


def test_the_manifest_is_prepared_with_the_runs_target_and_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PAR_DATA_DIR", str(tmp_path))
    for name in ("PAR_WAREHOUSE_PATH", "PAR_LANDING_DIR", "PAR_WAREHOUSE_TARGET"):
        monkeypatch.setenv(name, "")  # recorded, so that what main() exports is undone afterwards
        monkeypatch.delenv(name)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")  # no venv on PATH, as when make calls .venv/bin/python
    prepared = []

    def record(self, project):
        prepared.append(
            (
                project.project_dir,
                project.profiles_dir,
                project.target,
                os.environ["PAR_WAREHOUSE_PATH"],
                os.environ["PAR_LANDING_DIR"],
                shutil.which("dbt"),
            )
        )

    monkeypatch.setattr(DagsterDbtProjectPreparer, "prepare", record)
    assert dbt_parse.main() == 0
    assert prepared == [
        (
            DBT_PROJECT_DIR,
            DBT_PROJECT_DIR,
            "duckdb",
            str(tmp_path / "warehouse.duckdb"),
            str(tmp_path / "landing"),
            str(Path(sys.executable).parent / "dbt"),
        )
    ]
