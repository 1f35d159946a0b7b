"""The read models on PostgreSQL, in the events' schema."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.rows import dict_row

from projections.engine.db import Db, Row, Tx


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
            conn = self.connect(autocommit=True)
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
            return self._statement(sql, params)
        except psycopg.OperationalError:
            if had is None or not had.closed:
                raise
            return self._statement(sql, params)

    def _statement(self, sql: str, params: Sequence[Any]) -> list[Row]:
        """One statement in one round trip: the connection is in autocommit, so a statement
        outside `transaction()` is a transaction of its own (one snapshot, as BEGIN, the
        statement and COMMIT were, in three round trips: issue 15 item 4). Inside one of this
        thread's transactions it runs in it, as before."""
        conn = self._connection()
        if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            return super().query(sql, params)
        with conn.cursor() as cursor:
            cursor.execute(sql.replace("?", "%s"), params)
            return [dict(r) for r in cursor.fetchall()] if cursor.description else []

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()
