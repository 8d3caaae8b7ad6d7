"""The Dagster instance settings of a DAGSTER_HOME: the project's dagster.yaml, completed for that folder.

The project's event log storage (framework_internals/dagster_event_log.py) is not told which instance
folder it belongs to, so each folder's copy names it (`base_dir`). No Dagster import here: the Makefile calls
this before every run, and importing Dagster costs seconds.
"""

from pathlib import Path

import yaml

PROJECT_DAGSTER_YAML = Path(__file__).resolve().parents[1] / "dagster.yaml"


HEADER = f"# Written from {PROJECT_DAGSTER_YAML} for this folder (orchestration/instance_config.py).\n"

# Where the project's event log storage lived before (the same class, the same files).
_MOVED_EVENT_LOG_MODULES = {"orchestration.event_log"}


def event_log_dir(home: Path) -> str:
    """Where Dagster's default storage keeps the event log of the instance folder `home`."""
    return str(Path(home).resolve() / "history" / "runs")


def instance_config(home: Path) -> str:
    """The project's dagster.yaml for the Dagster instance folder `home` (its DAGSTER_HOME), with the event log's
    folder where Dagster's default storage keeps it (`<home>/history/runs`)."""
    config = yaml.safe_load(PROJECT_DAGSTER_YAML.read_text())
    if config.get("event_log_storage"):
        config["event_log_storage"]["config"] = {"base_dir": event_log_dir(home)}
    return HEADER + yaml.safe_dump(config, sort_keys=False)


def write_instance_config(home: Path) -> None:
    """Give `home` the project's instance settings, unless it has its own dagster.yaml already.

    A dagster.yaml this module wrote names its folder's event log by absolute path (Dagster gives the
    storage no other way to know its folder). A folder moved or copied elsewhere would go on writing the
    old folder's history and holding its warehouse slot: the path is put right here, before every run
    and `make ui`, keeping any other setting added to the file, and so is the storage's module if it was
    moved (`orchestration.event_log`, now `framework_internals.dagster_event_log`). A dagster.yaml of your
    own (without the first line this module writes) is left alone."""
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    path = home / "dagster.yaml"
    if not path.exists():
        path.write_text(instance_config(home))
        return
    text = path.read_text()
    if not text.startswith(HEADER.split(" from ")[0]):
        return
    config = yaml.safe_load(text) or {}
    storage = config.get("event_log_storage")
    if not storage:
        return  # Dagster's default storage, which finds its folder itself
    wanted = dict(storage)
    if storage.get("module") in _MOVED_EVENT_LOG_MODULES:
        project_storage = yaml.safe_load(PROJECT_DAGSTER_YAML.read_text()).get("event_log_storage")
        if not project_storage:
            del config["event_log_storage"]
            path.write_text(HEADER + yaml.safe_dump(config, sort_keys=False))
            return
        wanted["module"], wanted["class"] = project_storage["module"], project_storage["class"]
    if (storage.get("config") or {}).get("base_dir") != event_log_dir(home):
        wanted["config"] = {**(storage.get("config") or {}), "base_dir": event_log_dir(home)}
    if wanted != storage:
        config["event_log_storage"] = wanted
        path.write_text(HEADER + yaml.safe_dump(config, sort_keys=False))
