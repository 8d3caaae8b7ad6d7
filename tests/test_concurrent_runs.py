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
import time
from datetime import date, datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import pyarrow as pa
import pytest
from dagster import AssetKey, DagsterInstance, MaterializeResult, asset, materialize

from connectors.landing import VERDICTS_AUDIT, LandingZone
from orchestration.quality_checks import run_gate

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SOURCE = "some_source"


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

    monkeypatch.setattr(expectations.gx_runner, "audit_frames",
                        lambda result: (pd.DataFrame({"load_id": [result.load_id]}),
                                        pd.DataFrame({"load_id": [result.load_id], "verdict": [result.verdict]})))
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
            context = SimpleNamespace(run=instance.get_run_by_id(run.run_id), instance=instance,
                                      log=logging.getLogger("gate"))
            result = run_gate(context, landing, SOURCE, ("rows",), validate)
            assert result.passed
    assert checked == [("load-a", ["load-a"]), ("load-b", ["load-b"])]
    assert landing.has_audit(VERDICTS_AUDIT, "load-a") and landing.has_audit(VERDICTS_AUDIT, "load-b")


class _Verdict:
    """The few fields of a GX result that the gate reads, for a load that passes."""

    def __init__(self, load_id):
        self.load_id, self.success, self.verdict = load_id, True, "accepted"
        self.checked_at = datetime.now(timezone.utc)
        self.datasets, self.expectations_evaluated, self.expectations_failed, self.rows_affected = [], 0, 0, 0

    def summary(self):
        return f"{self.load_id}: accepted"

    def failed(self):
        return []
