"""When the store cannot be reached (issue 9, item 5: the read side survives its database).

`store_unreachable(error)` is the one test of "the database is gone or refusing us for now"
(PostgreSQL restarted, a connection dropped, the pool could not connect in time, a lock or
statement timed out): the runners then reconnect with a `Backoff`, and the HTTP API answers
503 with Retry-After instead of 500. Anything else is a bug and is not retried."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
from eventsourcing.persistence import PersistenceError

STORE_ERRORS: tuple[type[Exception], ...] = (psycopg.Error, PersistenceError, sqlite3.Error)
"""The families of errors the stores raise: those of them that `store_unreachable` recognises
are passing outages, the others bugs."""

UNREACHABLE: tuple[type[BaseException], ...] = (
    psycopg.OperationalError,  # server gone or restarting, connection refused or dropped, lock
    # or statement timeout; psycopg_pool.PoolTimeout is one too (no connection in time)
    psycopg.InterfaceError,  # "the connection is closed"
)
"""psycopg's errors that say the store is unreachable or too busy right now, not that the
request or the code is wrong (those are ProgrammingError, IntegrityError, DataError ...)."""

SQLITE_BUSY = ("database is locked", "database table is locked", "disk i/o error")
"""The embedded store's passing troubles; its other `OperationalError`s ("no such table", a
syntax error) are bugs."""


def store_unreachable(error: BaseException) -> bool:
    """Whether `error`, or an error it was raised from (its `__cause__`, transitively), is one of
    `UNREACHABLE` or a busy SQLite. eventsourcing raises its own `OperationalError`,
    `InterfaceError` or `PersistenceError` from the driver's (`raise ... from`): the driver's
    error, its cause, decides."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, UNREACHABLE):
            return True
        if isinstance(current, sqlite3.OperationalError):
            return str(current).lower().startswith(SQLITE_BUSY)
        seen.add(id(current))
        current = current.__cause__
    return False


@dataclass(frozen=True)
class Backoff:
    """How long to wait before the next attempt to reach the store: `initial` seconds, times
    `factor` after each failure, never more than `maximum`, each spread by ±`jitter` (a
    fraction) so that many runners do not come back in step. Bounded: a restarted server is
    noticed within `maximum` seconds. Chosen by the composition root (greenlist.config)."""

    initial: float = 0.1
    maximum: float = 5.0
    factor: float = 2.0
    jitter: float = 0.2

    def delays(self) -> Iterator[float]:
        """The waits before the 1st, 2nd, ... retry."""
        delay = self.initial
        while True:
            spread = 1 + random.uniform(-self.jitter, self.jitter)
            yield min(self.maximum, delay) * spread
            delay = min(self.maximum, delay * self.factor)
