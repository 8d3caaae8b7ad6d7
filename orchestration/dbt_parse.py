"""`make manifest`: dagster-dbt's preparation of the dbt project (`DbtProject`'s preparer: `dbt parse`),
with the dbt profile and target that this machine's runs use.

dbt saves its parse (target/partial_parse.msgpack) with a hash of the profile and of the command
line's `--target`, and each run's dbt step starts from that file (orchestration/warehouse.py). Parsed with
the default profile (a relative warehouse path) and no `--target`, the first run's dbt would find them
changed and parse the whole project again (seconds); prepared here with the settings' environment
exported and the `DbtProject`'s target set as the step's `DbtCliResource` passes it, it parses only
what changed. (The preparer also marks the seeds as changed in the saved parse, so that a parse moved
to another folder finds its seed files: the next run re-parses the 28 seeds, about 1.5 s, once; each
run then passes its own parse on.) `make` calls this only when a file of
the dbt project, or the venv, changed since the last manifest (importing dagster-dbt costs it ~2 s).

Not `DbtProject.prepare_if_dev()` nor `dagster-dbt project prepare-and-package`: the first acts only
under `dagster dev` and the second imports the module that defines the project, and both parse with
the target and environment of that module's import. orchestration/warehouse.py builds its assets from
the manifest when imported (so the manifest must exist first), and the settings export dbt's
environment later, in orchestration/definitions.py.
"""

import os
import sys
from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR, SettingsError, load_settings


def main() -> int:
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    settings.export_for_dbt()
    # the preparer's DbtCliResource runs the `dbt` on PATH: the one beside this Python, venv activated or not
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    from dagster_dbt import DbtProject
    from dagster_dbt.errors import DagsterDbtCliRuntimeError

    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR, target=settings.warehouse_target)
    try:
        project.preparer.prepare(project)
    except DagsterDbtCliRuntimeError as exc:
        print(f"error: dbt parse failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
