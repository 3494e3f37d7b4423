"""A PostgreSQL cluster and a Redis server that belong to one test module, so that a fault test
can stop and restart them without touching the servers the rest of the machine (and the other
tests) use. Both live in a temporary directory, listen on 127.0.0.1 on a port of their own,
PostgreSQL with trust authentication and its unix socket in that directory, Redis with its
append-only file on (as in deploy/docker-compose.yml), so a restart keeps what was written."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import httpx


def _as_postgres(command: list[str]) -> list[str]:
    """initdb and pg_ctl refuse to run as root: as root, run them as the `postgres` user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _wait(check, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} not ready after {timeout:.0f} s")


class OwnedPostgres:
    def __init__(self, port: int):
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="fault-postgres-"))
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        self.data = self.dir / "data"
        subprocess.run(
            _as_postgres(["initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]),
            check=True,
            capture_output=True,
        )
        self.start()

    def url(self, database: str, driver: str = "postgresql") -> str:
        return f"{driver}://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        subprocess.run(
            _as_postgres(["pg_ctl", "-D", str(self.data), "-l", str(self.dir / "server.log"), "-o", options, "-w", "start"]),
            check=True,
            capture_output=True,
        )

    def stop(self) -> None:
        """As a crash or a maintenance stop looks to the clients: every connection is cut."""
        subprocess.run(
            _as_postgres(["pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop"]), check=True, capture_output=True
        )

    def psql(self, sql: str, database: str = "postgres") -> str:
        done = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database, "-tAc", sql],
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout.strip()

    def close(self) -> None:
        subprocess.run(_as_postgres(["pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop"]), capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


class OwnedRedis:
    def __init__(self, port: int):
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="fault-redis-"))
        self.process: subprocess.Popen | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.dir),
                "--appendonly",
                "yes",
                "--save",
                "",
                "--daemonize",
                "no",
            ],
            stdout=open(self.dir / "server.log", "ab"),
            stderr=subprocess.STDOUT,
        )
        _wait(lambda: self.cli("ping") == "PONG", "Redis")

    def cli(self, *arguments: str) -> str:
        done = subprocess.run(["redis-cli", "-p", str(self.port), *arguments], capture_output=True, text=True)
        return done.stdout.strip()

    def stop(self) -> None:
        """A clean stop (SIGTERM), as a restart by the operator or the orchestrator does."""
        self.process.terminate()
        self.process.wait(timeout=30)

    def close(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
