"""`dbt parse` for `make manifest`, with the dbt profile that this machine's runs use.

dbt saves its parse (target/partial_parse.msgpack) with a hash of the profile, and every dbt step
starts from that file (orchestration/warehouse.py). Parsed with the default profile (a relative
warehouse path), the first step of the first run would find the profile changed and parse the whole
project again (seconds); parsed with the settings' paths, it parses only what changed. No Dagster
import: `make` calls this before every run when a dbt file changed.
"""
import subprocess
import sys
from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR, SettingsError, load_settings


def main() -> int:
    try:
        load_settings().export_for_dbt()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    dbt = Path(sys.executable).parent / "dbt"
    return subprocess.run([str(dbt), "parse", "--quiet"], cwd=DBT_PROJECT_DIR).returncode


if __name__ == "__main__":
    sys.exit(main())
