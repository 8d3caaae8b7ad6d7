"""The Dagster instance settings of a DAGSTER_HOME: the project's dagster.yaml, completed for that folder.

The project's event log storage (orchestration/event_log.py) is not told which instance folder it
belongs to, so each folder's copy names it (`base_dir`). No Dagster import here: the Makefile calls
this before every run, and importing Dagster costs seconds.
"""
from pathlib import Path

import yaml

PROJECT_DAGSTER_YAML = Path(__file__).resolve().parents[1] / "dagster.yaml"


def instance_config(home: Path) -> str:
    """The project's dagster.yaml for the Dagster instance folder `home` (its DAGSTER_HOME), with the event log's
    folder where Dagster's default storage keeps it (`<home>/history/runs`)."""
    config = yaml.safe_load(PROJECT_DAGSTER_YAML.read_text())
    config["event_log_storage"]["config"] = {"base_dir": str(Path(home).resolve() / "history" / "runs")}
    return f"# Written from {PROJECT_DAGSTER_YAML} for this folder (orchestration/instance_config.py).\n" + \
        yaml.safe_dump(config, sort_keys=False)


def write_instance_config(home: Path) -> None:
    """Give `home` the project's instance settings, unless it has its own dagster.yaml already."""
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        (home / "dagster.yaml").write_text(instance_config(home))
