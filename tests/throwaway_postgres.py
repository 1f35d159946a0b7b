"""A PostgreSQL 15 server of the tests' own, in a temporary directory on a free port, to stop
and restart at will (issue 9, item 5): the shared server at 127.0.0.1:5432 serves other tests
and must never be restarted by one.

The server runs as the user `postgres` (`runuser`, the tests run as root), with trust
authentication on 127.0.0.1 only. `fsync=off` makes it quick to start and stop: its data
survives the server's own crash (`-m immediate`), which is what these tests do, but not the
machine's. Commits stay synchronous, so an acknowledged commit survives an immediate stop."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

BIN = Path("/usr/lib/postgresql/15/bin")
USER = "postgres"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def available() -> str | None:
    """Why a throwaway server cannot be made here, or None."""
    if not (BIN / "initdb").exists():
        return f"no PostgreSQL 15 binaries in {BIN}"
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        return "a throwaway PostgreSQL is started with runuser, as root"
    return None


class Cluster:
    """One throwaway server: `url` of its database `test`, `stop`, `start`, `restart`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.data = directory / "data"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/test"

    def _ctl(self, *args: str) -> None:
        log = str(self.directory / "server.log")
        command = [str(BIN / "pg_ctl"), "-D", str(self.data), "-l", log, "-w", "-t", "30"]
        subprocess.run(
            ["runuser", "-u", USER, "--", *command, *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def create(self) -> None:
        initdb = [str(BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", USER]
        subprocess.run(
            ["runuser", "-u", USER, "--", *initdb, "-E", "UTF8", "--no-sync"],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        settings = [
            f"port = {self.port}",
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{self.directory}'",
            "fsync = off",
            "max_connections = 100",
            "shared_buffers = 16MB",
        ]
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n".join(settings) + "\n")
        self.start()
        with psycopg.connect(self.url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE test")

    @property
    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def start(self) -> None:
        if not self.running:
            self._ctl("start")

    def stop(self, mode: str = "fast") -> None:
        """`fast` (clients disconnected, a clean shutdown) or `immediate` (a crash)."""
        if self.running:
            self._ctl("stop", "-m", mode)

    def restart(self, mode: str = "fast") -> None:
        self.stop(mode)
        self.start()

    @contextmanager
    def schema(self) -> Iterator[str]:
        """A new schema, as a store URL; dropped afterwards (the server left running)."""
        self.start()
        name = f"t_{uuid.uuid4().hex[:16]}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {name}")
        try:
            yield f"{self.url}?schema={name}"
        finally:
            self.start()
            with psycopg.connect(self.url, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {name} CASCADE")


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """A new server, removed with its directory afterwards."""
    directory = Path(tempfile.mkdtemp(prefix="greenlist-pg-"))
    shutil.chown(directory, USER)
    cluster = Cluster(directory)
    try:
        cluster.create()
        yield cluster
    finally:
        try:
            cluster.stop("immediate")
        finally:
            shutil.rmtree(directory, ignore_errors=True)
