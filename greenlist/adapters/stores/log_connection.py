"""One connection of its own for reading the log page by page (a rebuild's reads, issue 15
item 3).

libpq keeps each connection's input buffer at the size of the largest message it has
received, for as long as the connection lives; and the store's pool hands its connections out
in turn (psycopg_pool is first in, first out). A rebuild's pages of events, read through the
pool, left every pooled connection of a loading process holding a buffer the size of the
log's largest event in hex (a site-inspection sample of 782 KB at 1 M events, 167 KB at
0.22 M): memray showed 6.3 MB of such buffers in the log-order process at 1 M events, 1.3 MB
at 0.22 M, so that process grew with the province. Read through this one connection (a pool
of one, so that a connection cut is replaced as the store's are), and in binary (half the
bytes of hex, and no hex to encode or decode: the log read 2.6 times faster on 1 M events),
the buffer is that of one connection and of the largest event's bytes, once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError
from eventsourcing.postgres import ConnectionPool, PostgresDatastore
from psycopg import Connection
from psycopg.rows import DictRow


class LogConnection:
    """A pool of one connection, opened on first use with the store's settings (its
    connection's set-up, waits and reconnection), closed with the store (`close`)."""

    def __init__(self, datastore: PostgresDatastore) -> None:
        self._datastore = datastore
        self._pool: ConnectionPool[Connection[DictRow]] | None = None
        self._lock = threading.Lock()
        self._closed = False

    def _opened(self) -> ConnectionPool[Connection[DictRow]]:
        with self._lock:
            if self._closed:
                raise InterfaceError("the store is closed")
            if self._pool is None:
                store = self._datastore.pool
                pool: ConnectionPool[Connection[DictRow]] = ConnectionPool(
                    store.conninfo,
                    get_password_func=store.get_password_func,
                    connection_class=Connection[DictRow],
                    kwargs=store.kwargs,
                    min_size=1,
                    max_size=1,
                    open=False,
                    configure=self._datastore.after_connect_func(),
                    check=ConnectionPool.check_connection if self._datastore.pre_ping else None,
                    timeout=store.timeout,
                    max_lifetime=store.max_lifetime,
                    reconnect_timeout=store.reconnect_timeout,
                    name="greenlist-log",
                    num_workers=1,
                )
                pool.open(wait=False)
                self._pool = pool
            return self._pool

    @contextmanager
    def connection(self) -> Iterator[Connection[DictRow]]:
        """The connection, its failures raised as the store's (`InterfaceError`,
        `OperationalError`), which the store's calls retry; a broken one is replaced."""
        pool = self._opened()
        try:
            with pool.connection() as conn:
                yield conn
        except psycopg.InterfaceError as e:
            raise InterfaceError(str(e)) from e
        except psycopg.OperationalError as e:
            raise OperationalError(str(e)) from e

    def close(self) -> None:
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()
