"""One small connection API over SQLite and PostgreSQL for the read models.

SQL is written once with `?` placeholders; PostgreSQL gets `%s`. Instants are stored as integer
microseconds since the epoch (UTC), dates as ISO text, flags as 0/1, structures as JSON text:
the same values come back from both stores."""

from __future__ import annotations

import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import dict_row

Row = dict[str, Any]


class Db:
    """A connection to the views' database; `transaction()` yields a cursor-like `Tx`."""

    dialect: str

    def transaction(self) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self.transaction() as tx:
            rows: list[Row] = tx.fetchall(sql, params)
            return rows

    def close(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class Tx:
    """Statements inside one transaction."""

    def __init__(self, cursor: Any, dialect: str) -> None:
        self.cursor = cursor
        self.dialect = dialect
        self._native: psycopg.RawCursor[Any] | None = None

    def sql(self, statement: str) -> str:
        return statement.replace("?", "%s") if self.dialect == "postgres" else statement

    def execute(self, statement: str, params: Sequence[Any] = ()) -> None:
        self.cursor.execute(self.sql(statement), params)

    def executemany(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self.cursor.executemany(self.sql(statement), rows)

    def execute_native(self, statement: str, params: Sequence[Any]) -> None:
        """PostgreSQL: a statement written with its native placeholders ($1, $2 ...), sent as
        it is. For long multi-row statements, which the driver would otherwise scan for `%s`
        on every call (it caches that only for short statements)."""
        if self._native is None:
            self._native = psycopg.RawCursor(self.cursor.connection)
        self._native.execute(statement, params)

    def close(self) -> None:
        if self._native is not None:
            self._native.close()

    def fetchall(self, statement: str, params: Sequence[Any] = ()) -> list[Row]:
        self.cursor.execute(self.sql(statement), params)
        rows = self.cursor.fetchall()
        if self.dialect == "sqlite":
            names = [d[0] for d in self.cursor.description or ()]
            return [dict(zip(names, r, strict=True)) for r in rows]
        return [dict(r) for r in rows]

    def copy_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Append many rows: COPY on PostgreSQL, executemany on SQLite."""
        if not rows:
            return
        if self.dialect == "postgres":
            cols = ", ".join(columns)
            with self.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            self.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


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

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()


class PostgresDb(Db):
    """The views on PostgreSQL, in the events' schema; one connection per thread, opened again
    when the server dropped it (a restart: issue 9, item 5)."""

    dialect = "postgres"

    def __init__(self, conninfo: str, schema: str | None, connect_timeout: int = 5) -> None:
        """`connect_timeout` (whole seconds, libpq's) bounds a connection attempt to a server
        that does not answer at all, so a request fails (503) instead of hanging."""
        self.conninfo = conninfo
        self.schema = schema
        self.connect_timeout = connect_timeout
        self._local = threading.local()
        self._all: list[psycopg.Connection[Any]] = []
        self._lock = threading.Lock()

    def connect(self, autocommit: bool = False) -> psycopg.Connection[Any]:
        conn = psycopg.connect(
            self.conninfo,
            row_factory=dict_row,
            autocommit=autocommit,
            connect_timeout=self.connect_timeout,
        )
        if self.schema:
            conn.execute(f"SET search_path TO {self.schema}")
            if not autocommit:
                conn.commit()
        return conn

    def _connection(self) -> psycopg.Connection[Any]:
        conn: psycopg.Connection[Any] | None = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            dropped = conn
            conn = self.connect()
            self._local.conn = conn
            with self._lock:
                if dropped is not None and dropped in self._all:
                    self._all.remove(dropped)
                self._all.append(conn)
        return conn

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        conn = self._connection()
        with conn.transaction(), conn.cursor() as cursor:
            tx = Tx(cursor, self.dialect)
            try:
                yield tx
            finally:
                tx.close()

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """A read, tried once more on a new connection when this thread's connection turns out
        to have been dropped by the server (restarted since it was last used): a read changes
        nothing, so trying it again is safe, and a read just after a restart succeeds."""
        had = getattr(self._local, "conn", None)
        try:
            return super().query(sql, params)
        except psycopg.OperationalError:
            if had is None or not had.closed:
                raise
            return super().query(sql, params)

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()
