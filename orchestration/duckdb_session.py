"""Every DuckDB connection the pipeline opens itself, with the memory and threads of the settings.

dbt's DuckDB session gets the same two settings through its profile (dbt_project/profiles.yml, the
`settings:` of the duckdb target, from PAR_DUCKDB_MEMORY_LIMIT and PAR_DUCKDB_THREADS, which
`Settings.export_for_dbt` sets). The report (reporting/warehouse.py, which imports nothing of
orchestration) is handed `duckdb_config(settings)` by its callers. tests/test_duckdb_session.py
checks that no other module of the pipeline calls `duckdb.connect` itself.

Without settings (a tool or a test that has none) the connection gets the settings' defaults.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import duckdb

    from orchestration.settings import CoreSettings


def duckdb_config(settings: CoreSettings | None = None) -> dict[str, Any]:
    """DuckDB's configuration for a connection of the pipeline: memory and threads from `settings`
    (their defaults without), and no extension downloaded or loaded behind our back."""
    if settings is None:
        from orchestration.settings import Settings

        settings = Settings()
    return {
        "memory_limit": settings.duckdb_memory_limit,
        "threads": settings.duckdb_threads,
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }


def connect(
    database: Path | str = ":memory:", *, read_only: bool = False, settings: CoreSettings | None = None
) -> duckdb.DuckDBPyConnection:
    """`duckdb.connect(database, read_only)` with the settings' memory limit and threads."""
    import duckdb

    return duckdb.connect(str(database), read_only=read_only, config=duckdb_config(settings))
