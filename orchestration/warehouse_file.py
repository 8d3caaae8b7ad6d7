"""A damaged DuckDB warehouse file, said in words: what happened and how to rebuild it.

DuckDB reports a truncated or corrupt file as a bare I/O error ("Could not read enough bytes from
file ..."). The warehouse is derived data: everything in it is rebuilt from the landing zone
(docs/operations.md, *Restoring from the landing zone*). No Dagster import here (the command line
checks the file before it builds anything).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from orchestration.duckdb_session import connect

if TYPE_CHECKING:  # pragma: no cover
    from orchestration.settings import CoreSettings

# What DuckDB says when a file is cut short or overwritten (not when another process holds it).
DAMAGE_MARKERS = (
    "could not read enough bytes",
    "not a valid duckdb database file",
    "corrupt database file",
    "checksum mismatch",
)


class WarehouseDamagedError(RuntimeError):
    """The warehouse file cannot be read: damaged, to be rebuilt from the landing zone."""


def is_damage(message: str) -> bool:
    return any(marker in message.lower() for marker in DAMAGE_MARKERS)


def rebuild_hint(path: Path | str = "<warehouse file>") -> str:
    return (
        f"The warehouse {path} is damaged (a truncated or corrupt DuckDB file: a full disk, a copy or a "
        "restore cut short). It is derived data: rebuild it from the landing zone, which holds every load. "
        f"Move it aside (`mv {path} {path}.damaged`) and run `python -m orchestration run --full-refresh` "
        "(or `dbt build --full-refresh` alone: docs/operations.md, 'Restoring from the landing zone')."
    )


def check_readable(path: Path, settings: CoreSettings | None = None) -> None:
    """Raise WarehouseDamagedError if the DuckDB file `path` exists and DuckDB cannot read its catalogue."""
    if not Path(path).exists():
        return
    import duckdb

    try:
        with connect(path, read_only=True, settings=settings) as con:
            con.execute("select count(*) from duckdb_tables()").fetchall()
    except duckdb.Error as exc:
        if is_damage(str(exc)):
            raise WarehouseDamagedError(f"{rebuild_hint(path)} DuckDB said: {exc}") from exc
        # anything else (another process holds the file) is for the build itself to report
