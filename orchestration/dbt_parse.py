"""`dbt parse` for `make manifest`, with the dbt profile that this machine's runs use.

dbt saves its parse (target/partial_parse.msgpack) with a hash of the profile and of the command
line's `--target`, and every dbt step starts from that file (orchestration/warehouse.py). Parsed with
the default profile (a relative warehouse path) and no `--target`, the first step of the first run
would find them changed and parse the whole project again (seconds); parsed like the steps, it parses
only what changed. No Dagster import: `make` calls this before every run when a dbt file changed.
"""
import subprocess
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
    dbt = Path(sys.executable).parent / "dbt"
    # `--target` as the steps pass it (DbtCliResource): dbt's saved parse records it too
    return subprocess.run([str(dbt), "parse", "--quiet", "--target", settings.warehouse_target],
                          cwd=DBT_PROJECT_DIR).returncode


if __name__ == "__main__":
    sys.exit(main())
