import os
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
# Periods still running are judged "now" by default; tests fix the as-of day so that two runs
# of the same data give the same marts.
os.environ["PAR_REPORTING_AS_OF"] = "2025-12-31"
# A source down fails the run at once in tests (production retries the landing step later).
os.environ.setdefault("PAR_SOURCE_RETRIES", "0")

DBT_PROJECT = Path(__file__).resolve().parents[1] / "dbt_project"


def manifest_is_stale() -> bool:
    """The dbt manifest is missing or older than a file of the dbt project (the Makefile's rule)."""
    manifest = DBT_PROJECT / "target" / "manifest.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    return any(
        f.stat().st_mtime > built
        for f in DBT_PROJECT.rglob("*")
        if f.suffix in (".sql", ".yml", ".csv")
        and f.is_file()
        and not {"target", "logs"} & set(f.relative_to(DBT_PROJECT).parts)
    )


def pytest_configure(config):
    """The Dagster definitions load the dbt manifest: when it is stale (pytest run without `make test`,
    after a model changed), parse the project as `make manifest` does (once: with pytest-xdist the
    controller parses, its workers find the manifest in place). `make test` has just done it."""
    if hasattr(config, "workerinput") or not manifest_is_stale():
        return
    subprocess.run([sys.executable, "-m", "orchestration.dbt_parse"], cwd=DBT_PROJECT.parent, check=True)


# The files that run whole pipelines, longest first: with `make test`'s two workers (pytest-xdist,
# one file per worker at a time) starting them first keeps one worker from finishing alone on the
# longest file at the end. Other files keep their order after them (`make test` passes
# --no-loadscope-reorder: xdist would otherwise start the files with the most tests first).
SLOW_FILES = [
    "test_spark.py",
    "test_faults.py",
    "test_pipeline_end_to_end.py",
    "test_incremental_runs.py",
    "test_budget_end_to_end.py",
    "test_personal_data_and_secrets.py",
    "test_postgres.py",
    "test_report.py",
    "test_registries_pipeline.py",
    "test_dbt_build.py",
    "test_ui_browser.py",
]


def pytest_collection_modifyitems(config, items):
    rank = {name: i for i, name in enumerate(SLOW_FILES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(SLOW_FILES)))
