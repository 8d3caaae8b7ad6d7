"""The landing zone: the system of record of what each source said and when.

Append-only Parquet, `<root>/<source>/<dataset>/load_date=YYYY-MM-DD/<load_id>-<part>.parquet`.
Every file is written under a temporary name and renamed, so a crash never leaves half a file.
Cursor state for resumable pulls lives in `<root>/_state/`, GX verdicts in `<root>/_audit/`.
"""

from __future__ import annotations

import json
import os
import secrets
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from connectors.locks import exclusive_lock

# The audit table of the gate's verdict on each load (written by orchestration/quality_checks.py).
VERDICTS_AUDIT = "gx_batch_verdicts"


class LandingError(RuntimeError):
    """The landing zone could not be written: nothing partial was left behind."""


def new_load_id(now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def _atomic_write(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass  # the folder itself is unusable: there is no temporary file to remove
        raise _cannot_write(path, exc) from exc


def _cannot_write(path: Path, exc: OSError) -> LandingError:
    return LandingError(
        f"cannot write {path}: {exc.strerror or exc}. Check that the landing zone "
        f"is writable and the disk has room (PAR_LANDING_DIR)."
    )


class LandingZone:
    def __init__(self, root: Path | str, lock_wait_seconds: float = 0.0):
        self.root = Path(root)
        # how long a pull waits for another process pulling the same source and key (state_lock)
        self.lock_wait_seconds = lock_wait_seconds

    # -- batches ----------------------------------------------------------------------------
    def batch_path(self, source: str, dataset: str, load_date: date, load_id: str, part: int) -> Path:
        return self.root / source / dataset / f"load_date={load_date.isoformat()}" / f"{load_id}-{part:05d}.parquet"

    def write_batch(self, source: str, dataset: str, load_date: date, load_id: str, part: int, table: pa.Table) -> Path:
        path = self.batch_path(source, dataset, load_date, load_id, part)
        _atomic_write(path, lambda tmp: pq.write_table(table, tmp, compression="zstd"))
        return path

    def load_files(self, source: str, dataset: str, load_id: str) -> list[Path]:
        return sorted((self.root / source / dataset).glob(f"load_date=*/{load_id}*.parquet"))

    def write_bytes(self, path: Path, content: bytes) -> Path:
        """A file kept as the source sent it (e.g. a downloaded spreadsheet), written atomically."""
        _atomic_write(path, lambda tmp: tmp.write_bytes(content))
        return path

    def datasets(self, source: str) -> list[str]:
        base = self.root / source
        return sorted(p.name for p in base.iterdir() if p.is_dir()) if base.exists() else []

    def read_load(self, source: str, dataset: str, load_id: str) -> pa.Table | None:
        files = self.load_files(source, dataset, load_id)
        if not files:
            return None
        return pa.concat_tables([pq.read_table(f) for f in files], promote_options="permissive")

    # -- cursor state -----------------------------------------------------------------------
    def _state_path(self, source: str, key: str) -> Path:
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in key)
        return self.root / "_state" / source / f"{safe}.json"

    def read_state(self, source: str, key: str) -> dict | None:
        path = self._state_path(source, key)
        return json.loads(path.read_text()) if path.exists() else None

    def write_state(self, source: str, key: str, state: dict) -> None:
        _atomic_write(self._state_path(source, key), lambda tmp: tmp.write_text(json.dumps(state, indent=1)))

    def state_lock(self, source: str, key: str):
        """Held by whoever reads, pulls and writes back the state `key` of `source`: two processes pulling the
        same source never both start from the same state (the second waits, then starts from what the first
        wrote). Raises connectors.locks.LockTimeoutError after `lock_wait_seconds`."""
        path = self._state_path(source, key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # e.g. a file where the landing folder should be
            raise _cannot_write(path.parent, exc) from exc
        return exclusive_lock(
            path.with_name(f".{path.stem}.lock"),
            f"pulling {source} ({key})",
            self.lock_wait_seconds,
            f"the landing state {source}/{key}",
        )

    # -- audit --------------------------------------------------------------------------------
    def write_audit(self, name: str, load_id: str, table: pa.Table, checked_at: datetime) -> Path:
        path = (
            self.root
            / "_audit"
            / name
            / f"load_date={checked_at.date().isoformat()}"
            / f"{load_id}-{checked_at:%Y%m%dT%H%M%S%f}.parquet"
        )
        _atomic_write(path, lambda tmp: pq.write_table(table, tmp))
        return path

    def has_audit(self, name: str, load_id: str) -> bool:
        """Whether the audit table `name` holds a record of the load `load_id` (e.g. the gate's verdict)."""
        return any((self.root / "_audit" / name).glob(f"load_date=*/{load_id}*.parquet"))
