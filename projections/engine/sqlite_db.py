"""The read models on SQLite: in a file of their own beside the embedded store's, or in memory."""

from __future__ import annotations

import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from projections.engine.db import Db, Tx


def private_file(path: str | Path) -> None:
    """Create a database file readable and writable by its owner only (0600) before SQLite
    opens it, and narrow an existing one to that (issue 9, item 9: every local user could read
    the stores). SQLite gives its -wal and -shm files the database file's permissions."""
    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(file, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if os.fstat(fd).st_mode & 0o077:
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


class SQLiteDb(Db):
    """The views of the embedded store, in their own file next to the events' file, so that
    projection batches never hold the events' write lock."""

    dialect = "sqlite"

    def __init__(self, path: str) -> None:
        """`path` is a file, or `:memory:` for a database shared by this process's threads."""
        if path == ":memory:":
            path = f"file:views-{uuid.uuid4().hex}?mode=memory&cache=shared"
        else:
            private_file(path)
        self.path = path
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._keeper = self._connection()  # an in-memory database lives while one is open

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self.path,
                timeout=30,
                isolation_level=None,
                check_same_thread=False,
                uri=self.path.startswith("file:"),
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield Tx(conn.cursor(), self.dialect)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def checkpoint(self) -> None:
        """Copy the WAL into the database file and truncate it (outside any transaction): so
        that a page overwritten in the database (`secure_delete`) leaves no older copy in the
        WAL. Nothing to do in memory."""
        if not self.path.startswith("file:"):
            self._connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()
