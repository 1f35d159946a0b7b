"""PostgreSQL application recorder that also writes the timeline index (same transaction), and
eventsourcing's factory with a connection pool that fails fast and recovers fast when the server
is unreachable (issue 9, item 5)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from eventsourcing.persistence import (
    AggregateRecorder,
    ApplicationRecorder,
    InterfaceError,
    OperationalError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore, PostgresFactory
from eventsourcing.utils import Environment, EnvType, retry
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from greenlist.stores import TIMELINE_KWARG


class TimelinePostgresRecorder(PostgresApplicationRecorder):
    """eventsourcing's recorder (default mode: table lock, no DB functions) plus the index."""

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.timeline_table = f"{self.events_table_name.removesuffix('_events')}_timeline"
        table = SQL("{schema}.{table}").format(
            schema=Identifier(self.datastore.schema), table=Identifier(self.timeline_table)
        )
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {table} ("
                "originator_id uuid NOT NULL, originator_version bigint NOT NULL, "
                "recorded_at bigint NOT NULL, PRIMARY KEY (originator_id, originator_version))"
            ).format(table=table)
        )
        self.sql_create_statements.append(
            SQL(
                "CREATE INDEX IF NOT EXISTS {index} ON {table} "
                "(originator_id, recorded_at) INCLUDE (originator_version)"
            ).format(index=Identifier(f"{self.timeline_table}_at_idx"), table=table)
        )
        self.sql_insert_timeline = SQL("INSERT INTO {table} VALUES ").format(table=table)
        self.sql_version_at = SQL(
            "SELECT max(originator_version) AS v FROM {table} "
            "WHERE originator_id = %s AND recorded_at <= %s"
        ).format(table=table)

    def _insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        super()._insert_events(curs, stored_events, **kwargs)
        rows = kwargs.get(TIMELINE_KWARG)
        if rows:
            # This runs before the events' insert in the same pipeline. It must not be the
            # statement that fails on a conflicting save: the commands queued after a failure
            # are skipped, and psycopg would then believe the events' insert (prepared after a
            # few uses) exists on the server. The events' insert fails instead, as it would
            # without the index, and the whole transaction is rolled back.
            values = SQL(", ").join(SQL("(%s, %s, %s)") for _ in rows)
            params = [value for row in rows for value in row]
            curs.execute(
                self.sql_insert_timeline + values + SQL(" ON CONFLICT DO NOTHING"),
                params,
                prepare=False,
            )

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)  # as the library's
    def version_at(self, originator_id: UUID, recorded_micros: int) -> int:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self.sql_version_at, (originator_id, recorded_micros), prepare=False)
            row = curs.fetchone()
        return int(row["v"]) if row and row["v"] is not None else 0

    def probe(self) -> None:
        """One round trip to the server, not retried (the recorder's own calls are, ten times):
        fails within the pool's wait when the server cannot be reached (`/health/ready`)."""
        with self.datastore.get_connection() as conn:
            conn.execute("SELECT 1", prepare=False)


class TimelinePostgresFactory(PostgresFactory):
    """eventsourcing's factory, its pool tuned for outages. The library retries each store call
    ten times, each waiting up to the pool's timeout (30 s by default) for a connection: with the
    server down a request would hang for minutes. `POSTGRES_POOL_WAIT` (seconds, fractions
    allowed) bounds that wait, so a call fails (503) within seconds. The pool retries a failed
    connection with a backoff that doubles without bound until `reconnect_timeout` (5 min):
    after a long outage the first connection could come half a minute after the server is
    back. `POSTGRES_RECONNECT_TIMEOUT` ends such attempts early; a waiting request then starts
    a new one at once.

    Setting up a recorder (registering types, creating tables: the first connections of the
    pool) is not retried by the library: it keeps the library's patient wait
    (`POSTGRES_CONNECT_TIMEOUT`), so that a loaded server or machine does not fail a start."""

    POSTGRES_POOL_WAIT = "POSTGRES_POOL_WAIT"
    POSTGRES_RECONNECT_TIMEOUT = "POSTGRES_RECONNECT_TIMEOUT"

    def __init__(self, env: Environment | EnvType | None) -> None:
        super().__init__(env)
        pool = self.datastore.pool
        self.patient_wait = pool.timeout
        wait = self.env.get(self.POSTGRES_POOL_WAIT)
        reconnect = self.env.get(self.POSTGRES_RECONNECT_TIMEOUT)
        self.outage_wait = float(wait) if wait else pool.timeout
        pool.timeout = self.outage_wait
        if reconnect:
            pool.reconnect_timeout = float(reconnect)

    @contextmanager
    def _setting_up(self) -> Iterator[None]:
        pool = self.datastore.pool
        pool.timeout = self.patient_wait
        try:
            yield
        finally:
            pool.timeout = self.outage_wait

    def application_recorder(self) -> ApplicationRecorder:
        with self._setting_up():
            return super().application_recorder()

    def aggregate_recorder(self, purpose: str = "events") -> AggregateRecorder:
        with self._setting_up():
            return super().aggregate_recorder(purpose)
