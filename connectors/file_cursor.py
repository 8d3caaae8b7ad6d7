"""The cursor of a pull from a file (an export), and whether it may be resumed on the file now there.

A position in a file means something only in the file it was taken in: a vendor who replaces the
export between a failed pull and its resume would have the pull skip records and land others
twice. So the cursor also says which file it was: its size and modification time then, and the
SHA-256 of the bytes the position covers (for a file read in order, the lines already landed; for
a file read whole, all of it). The pull resumes only when the file still starts with those very
bytes; otherwise it reads the file from the start again (`why_not_resume` says why).

The cursor is text, opaque to connectors/ingest.py: {"at": <the connector's position>, "bytes": n,
"sha256": ..., "size": ..., "mtime_ns": ...}.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

_BLOCK = 1 << 20


@dataclass(frozen=True)
class FileCursor:
    at: str  # the connector's own position: a line number, "<dataset>:<rows>"
    bytes: int  # how many bytes from the file's start `sha256` covers
    sha256: str
    size: int  # the file's size and modification time when the cursor was taken (for the messages)
    mtime_ns: int

    def encode(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def decode(cls, text: str | None) -> FileCursor | None:
        """The cursor in `text`, or None when it is none (e.g. a bare line number saved by an older version)."""
        try:
            fields = json.loads(text) if text else None
            return cls(**fields) if isinstance(fields, dict) else None
        except (ValueError, TypeError):
            return None


def cursor_at(f: BinaryIO, at: str, covered: int, digest) -> str:
    """The cursor for position `at` of the open file `f`, whose first `covered` bytes hash to `digest`."""
    stat = os.fstat(f.fileno())
    return FileCursor(at, covered, digest.hexdigest(), stat.st_size, stat.st_mtime_ns).encode()


def whole_file_cursors(path: Path):
    """A function giving the cursor of a position in the file at `path` read whole (hashed now, all of it)."""
    with open(path, "rb") as f:
        digest, read = hash_prefix(f)
        stat = os.fstat(f.fileno())
    sha256 = digest.hexdigest()
    return lambda at: FileCursor(at, read, sha256, stat.st_size, stat.st_mtime_ns).encode()


def hash_prefix(f: BinaryIO, length: int | None = None):
    """(sha256 of the first `length` bytes of `f`, or of all of it, read from its start; bytes read)."""
    f.seek(0)
    digest, read = hashlib.sha256(), 0
    while length is None or read < length:
        block = f.read(_BLOCK if length is None else min(_BLOCK, length - read))
        if not block:
            break
        digest.update(block)
        read += len(block)
    return digest, read


def _when(mtime_ns: int) -> str:
    return datetime.fromtimestamp(mtime_ns / 1e9, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def why_not_resume(path: Path, cursor: str | None) -> str | None:
    """None when a pull may resume at `cursor` in the file now at `path`; else why it may not."""
    if not cursor:
        return None
    saved = FileCursor.decode(cursor)
    if saved is None:
        return f"the saved cursor {cursor[:40]!r} does not say which file it was taken in"
    try:
        with open(path, "rb") as f:
            digest, read = hash_prefix(f, saved.bytes)
            stat = os.fstat(f.fileno())
    except OSError as exc:
        return f"it cannot be read ({exc.strerror})"
    if read == saved.bytes and digest.hexdigest() == saved.sha256:
        return None
    return (
        f"it is not the file the pull began on: its first {saved.bytes} bytes (up to {saved.at}) differ "
        f"(then {saved.size} bytes modified {_when(saved.mtime_ns)}, now {stat.st_size} bytes modified "
        f"{_when(stat.st_mtime_ns)})"
    )
