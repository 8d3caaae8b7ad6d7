"""A throwaway PostgreSQL server for the tests (Debian's postgresql package, installed by `.ci/run`).

initdb and the server run as the `postgres` OS user when the tests run as root (the server refuses
to run as root), in a temporary directory, listening on a free loopback port only; stopped by its
process id. `make test` skips the PostgreSQL tests when no server binary is installed and says so.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

_BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
POSTGRES_BIN_DIR = os.path.dirname(_BINARIES[-1]) if _BINARIES else None

requires_postgres = pytest.mark.skipif(
    POSTGRES_BIN_DIR is None,
    reason="no PostgreSQL server installed: `bash .ci/system_packages.sh` installs it (CI always does)",
)

SUPERUSER = "par_admin"
PASSWORD = "par-test-password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PostgresServer:
    host: str
    port: int
    user: str
    password: str
    database: str
    pid: int

    def env(self) -> dict[str, str]:
        return {
            "PAR_PG_HOST": self.host,
            "PAR_PG_PORT": str(self.port),
            "PAR_PG_USER": self.user,
            "PAR_PG_PASSWORD": self.password,
            "PAR_PG_DATABASE": self.database,
        }

    def connect(self, user: str | None = None, password: str | None = None):
        import psycopg2

        return psycopg2.connect(
            host=self.host,
            port=self.port,
            user=user or self.user,
            password=password if password is not None else self.password,
            dbname=self.database,
        )


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextmanager
def postgres_server(database: str = "par_warehouse"):
    base = tempfile.mkdtemp(prefix="par-pg-")
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(base, owner.pw_uid, owner.pw_gid)
    data, log = os.path.join(base, "data"), os.path.join(base, "server.log")
    pwfile = os.path.join(base, "pw")
    with open(pwfile, "w") as handle:
        handle.write(PASSWORD)
    if os.geteuid() == 0:
        os.chown(pwfile, owner.pw_uid, owner.pw_gid)
    subprocess.run(
        _as_server_user(
            [
                f"{POSTGRES_BIN_DIR}/initdb",
                "-D",
                data,
                "-U",
                SUPERUSER,
                "--pwfile",
                pwfile,
                "-A",
                "scram-sha-256",
                "-E",
                "UTF8",
                "--locale",
                "C.UTF-8",
            ]
        ),
        check=True,
        capture_output=True,
    )
    port = free_port()
    server = subprocess.Popen(
        _as_server_user(
            [
                f"{POSTGRES_BIN_DIR}/postgres",
                "-D",
                data,
                "-p",
                str(port),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "unix_socket_directories=",
                "-c",
                "fsync=off",
                "-c",
                "timezone=UTC",
            ]
        ),
        stdout=subprocess.DEVNULL,
        stderr=open(log, "wb"),
        start_new_session=True,
    )
    try:
        import psycopg2

        deadline = time.monotonic() + 60
        while True:
            try:
                psycopg2.connect(
                    host="127.0.0.1", port=port, user=SUPERUSER, password=PASSWORD, dbname="postgres"
                ).close()
                break
            except psycopg2.OperationalError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"PostgreSQL did not start: {Path(log).read_text()[-2000:]}") from None
                time.sleep(0.3)
        admin = psycopg2.connect(host="127.0.0.1", port=port, user=SUPERUSER, password=PASSWORD, dbname="postgres")
        admin.autocommit = True
        admin.cursor().execute(f"create database {database}")
        admin.close()
        yield PostgresServer("127.0.0.1", port, SUPERUSER, PASSWORD, database, server.pid)
    finally:
        # the server's process group: postgres and its workers (runuser passes the signal on)
        try:
            os.killpg(server.pid, signal.SIGINT)  # fast shutdown
            server.wait(timeout=60)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        shutil.rmtree(base, ignore_errors=True)
