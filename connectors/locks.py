"""Exclusive locks between processes, on a lock file: who holds one, waiting without spinning, giving up.

A lock is `fcntl.flock` on an open file. The kernel releases it when the holder's process ends,
however it ends (killed, crashed, the machine restarted), so a lock is never held by a process
that is gone and no PID has to be trusted. The holder writes who it is into the file (process id,
host, when it took the lock, what for) so that whoever waits can say whom it waits for.

Waiting sleeps between attempts (a fraction of a second, never a busy loop) and gives up with
`LockTimeoutError` after `wait_seconds` (0: refuse at once). A signal that ends the process
(SIGTERM) ends the wait too: the default action, or the handler the caller installed, runs
during the sleep.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

POLL_SECONDS = 0.25


class LockTimeoutError(RuntimeError):
    """Another process holds the lock and did not let go within the time allowed."""


def holder_of(path: Path) -> str:
    """Who holds (or last held) the lock file `path`, in words."""
    try:
        owner = json.loads(Path(path).read_text() or "{}")
    except (OSError, ValueError):
        return "another process"
    if not owner:
        return "another process"
    return (
        f"process {owner.get('pid')} on {owner.get('host')} ({owner.get('purpose', 'unknown purpose')}, "
        f"since {owner.get('since')})"
    )


@contextmanager
def exclusive_lock(path: Path | str, purpose: str, wait_seconds: float, what: str) -> Iterator[None]:
    """Hold the lock file `path` for the block; `what` names the thing locked in the error message.

    Waits up to `wait_seconds` for another holder to let go, then raises LockTimeoutError."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + max(wait_seconds, 0.0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LockTimeoutError(
                    f"{what} is in use by {holder_of(path)}; gave up after waiting {wait_seconds:g} s. "
                    "Wait for it to end, or allow a longer wait (PAR_RUN_WAIT_SECONDS)."
                )
            time.sleep(min(POLL_SECONDS, remaining))
        owner = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "purpose": purpose,
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(owner).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)  # the file stays (removing it would race another waiter); its holder is gone
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
