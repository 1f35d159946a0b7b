"""PostgreSQL application recorder that also writes the timeline index and the log's leaves (same
transaction as the events), and
eventsourcing's factory with a connection pool that fails fast and recovers fast when the server
is unreachable (issue 9, item 5)."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from eventsourcing.persistence import (
    AggregateRecorder,
    ApplicationRecorder,
    InterfaceError,
    Notification,
    OperationalError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore, PostgresFactory
from eventsourcing.utils import Environment, EnvType, retry, strtobool
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composable, Composed, Identifier

from greenlist.adapters.stores import (
    TIMELINE_KWARG,
    Leaf,
    LogHeadOfLeaves,
    StoredCheckpoint,
    leaf_hashes_of,
)
from greenlist.adapters.stores.log_connection import LogConnection
from greenlist.adapters.stores.restricted import lock_function

log = logging.getLogger(__name__)

RESTRICTED_WRITER = "RESTRICTED_WRITER"
"""The factory's setting (eventsourcing's environment, greenlist.config): the service runs as
the restricted writer (greenlist.adapters.stores.restricted)."""


class StoreNotSetUp(RuntimeError):
    """The restricted writer finds no event store to write to: its owner has not set it up."""


def version_recorded_by(
    timeline: Composable, originator_id: Composable, at: Composable
) -> Composed:
    """The version an aggregate had at a recorded instant (the greatest version recorded at or
    before it) in two index look-ups whatever the length of its history (issue 15 item 4:
    `max(version) WHERE recorded_at <= T` read every row recorded after T, or before it).

    Each timeline row says whether it was stored `out_of_order`: recorded at an instant earlier
    than a version stored before it (a clock set back). The answer is the greater of the version
    of the latest row at or before T (latest instant, then greatest version) and the greatest
    version of the out-of-order rows at or before T:
    - the answer `m` was stored either out of order (the second term) or at an instant no
      earlier than any version before it. Then the latest row at or before T was stored after
      `m`, and is a greater version (an aggregate's versions are stored in order), or before
      it, at the same instant, and the greatest version of those tied rows is `m`;
    - neither term exceeds the answer: both are versions recorded at or before T.
    Rows stored before the column existed (NULL) count as out of order: exact, and read as
    slowly as before. The second term's rows are read in a subquery kept apart (`OFFSET 0`):
    left to itself the server answered its `max` by walking the primary key backwards and
    filtering every row of the aggregate (983 pages for a park of 1,000 events; the
    statement's execution 0.62 ms, now 0.17), not from the partial index of the rows
    recorded out of order (`_back_idx`)."""
    return SQL(
        "greatest("
        "(SELECT k.originator_version FROM {t} AS k WHERE k.originator_id = {id} "
        "AND k.recorded_at <= {at} ORDER BY k.recorded_at DESC, k.originator_version DESC "
        "LIMIT 1), "
        "(SELECT max(o.originator_version) FROM (SELECT originator_version FROM {t} "
        "WHERE originator_id = {id} AND recorded_at <= {at} AND out_of_order IS NOT FALSE "
        "OFFSET 0) AS o))"
    ).format(t=timeline, id=originator_id, at=at)


def insert_timeline_sql(timeline: Composable) -> tuple[Composed, SQL]:
    """The timeline's rows, each marked out of order when an earlier version of its aggregate
    was recorded at a later instant, stored before (`version_recorded_by`) or earlier in the
    same save (`timeline_entries`): the statement's head and tail, the save's VALUES between."""
    head = SQL(
        "INSERT INTO {t} (originator_id, originator_version, recorded_at, out_of_order) "
        "SELECT n.id, n.v, n.at, coalesce(n.at < greatest(n.latest_before, "
        "(SELECT max(l.recorded_at) FROM {t} AS l WHERE l.originator_id = n.id)), false) "
        "FROM (VALUES "
    ).format(t=timeline)
    return head, SQL(") AS n(id, v, at, latest_before) ON CONFLICT DO NOTHING")


def timeline_entries(
    rows: Sequence[tuple[UUID, int, int]],
) -> list[tuple[UUID, int, int, int | None]]:
    """Each timeline row of one save with the latest instant among the save's earlier versions
    of the same aggregate: (id, version, instant, that instant or None)."""
    latest: dict[UUID, int] = {}
    entries = []
    for originator_id, version, at in sorted(rows, key=lambda row: (str(row[0]), row[1])):
        entries.append((originator_id, version, at, latest.get(originator_id)))
        latest[originator_id] = max(at, latest.get(originator_id, at))
    return entries


class TimelinePostgresRecorder(LogHeadOfLeaves, PostgresApplicationRecorder):
    """eventsourcing's recorder (default mode: table lock, no DB functions) plus the index and
    the leaves. The leaves are numbered under the events table's EXCLUSIVE lock, which every
    write takes before its events get their positions: leaf order is log order."""

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.log_connection = LogConnection(datastore)
        """The connection the log is read through page by page (`select_in_order`,
        `select_by_aggregate`): one, so that one libpq buffer holds the largest event."""
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
        # Whether a row was recorded out of order (issue 15 item 4: the as-of read's version
        # in two look-ups). Stores created before have the column added, NULL in their earlier
        # rows: those are read as out of order (`version_recorded_by`), exact, and as slowly as
        # before. The index (originator_id, recorded_at) above serves the in-order look-up.
        self.sql_create_statements.append(
            SQL("ALTER TABLE {table} ADD COLUMN IF NOT EXISTS out_of_order boolean").format(
                table=table
            )
        )
        self.sql_create_statements.append(
            SQL(
                "CREATE INDEX IF NOT EXISTS {index} ON {table} "
                "(originator_id, recorded_at) INCLUDE (originator_version) "
                "WHERE out_of_order IS NOT FALSE"
            ).format(index=Identifier(f"{self.timeline_table}_back_idx"), table=table)
        )
        self.sql_insert_timeline = insert_timeline_sql(table)
        events = Identifier(self.datastore.schema, self.events_table_name)
        prefix = self.events_table_name.removesuffix("_events")
        self.leaves_table = f"{prefix}_leaves"
        self.checkpoints_table = f"{prefix}_checkpoints"
        leaves = SQL("{schema}.{table}").format(
            schema=Identifier(self.datastore.schema), table=Identifier(self.leaves_table)
        )
        checkpoints = SQL("{schema}.{table}").format(
            schema=Identifier(self.datastore.schema), table=Identifier(self.checkpoints_table)
        )
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {table} (leaf_index bigint PRIMARY KEY, "
                "notification_id bigint NOT NULL UNIQUE, leaf_hash bytea NOT NULL)"
            ).format(table=leaves)
        )
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {table} (tree_size bigint PRIMARY KEY, "
                "root bytea NOT NULL, note text NOT NULL, "
                "stored_at timestamptz NOT NULL DEFAULT now())"
            ).format(table=checkpoints)
        )
        self.sql_insert_leaves = SQL(
            "INSERT INTO {table} (leaf_index, notification_id, leaf_hash) "
            "SELECT base.next + t.ord - 1, t.nid, t.h "
            "FROM (SELECT coalesce(max(leaf_index) + 1, 0) AS next FROM {table}) AS base, "
            "unnest(%s::bigint[], %s::bytea[]) WITH ORDINALITY AS t(nid, h, ord)"
        ).format(table=leaves)
        self.sql_insert_leaf = SQL(
            "INSERT INTO {table} (leaf_index, notification_id, leaf_hash) "
            "VALUES ((SELECT coalesce(max(leaf_index) + 1, 0) FROM {table}), %s, %s)"
        ).format(table=leaves)
        self.sql_leaf_count = SQL(
            "SELECT coalesce(max(leaf_index) + 1, 0) AS n FROM {table}"
        ).format(table=leaves)
        self.sql_leaf_hashes = SQL(
            "SELECT leaf_hash FROM {table} WHERE leaf_index >= %s AND leaf_index < %s "
            "ORDER BY leaf_index"
        ).format(table=leaves)
        self.sql_select_leaves = SQL(
            "SELECT leaf_index, notification_id, leaf_hash FROM {table} "
            "WHERE leaf_index >= %s ORDER BY leaf_index LIMIT %s"
        ).format(table=leaves)
        self.sql_leaf_at = SQL(
            "SELECT leaf_index, notification_id, leaf_hash FROM {table} WHERE notification_id = %s"
        ).format(table=leaves)
        self.sql_leaves_up_to = SQL(
            "SELECT leaf_index + 1 AS n FROM {table} WHERE notification_id <= %s "
            "ORDER BY notification_id DESC LIMIT 1"
        ).format(table=leaves)
        self.sql_any_event = SQL("SELECT EXISTS (SELECT 1 FROM {events}) AS any").format(
            events=events
        )
        self.sql_any_leaf = SQL(
            "SELECT EXISTS (SELECT 1 FROM {leaves}) OR EXISTS (SELECT 1 FROM {checkpoints}) AS any"
        ).format(leaves=leaves, checkpoints=checkpoints)
        self.sql_insert_checkpoint = SQL(
            "INSERT INTO {table} (tree_size, root, note) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING"
        ).format(table=checkpoints)
        self.sql_latest_checkpoint = SQL(
            "SELECT tree_size, root, note FROM {table} ORDER BY tree_size DESC LIMIT 1"
        ).format(table=checkpoints)
        self.sql_all_events = SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state "
            "FROM {schema}.{table} ORDER BY notification_id"
        ).format(schema=Identifier(self.datastore.schema), table=Identifier(self.events_table_name))
        self.sql_positions_of = SQL(
            "SELECT originator_version, notification_id FROM {schema}.{table} "
            "WHERE originator_id = %s"
        ).format(schema=Identifier(self.datastore.schema), table=Identifier(self.events_table_name))
        # The reads of one unit as of an instant are composed to bytes once, here: psycopg
        # composes a `Composed` again at every execution (about 0.06 ms of an as-of read).
        self.sql_version_at = (
            SQL("SELECT {v} AS v")
            .format(v=version_recorded_by(table, SQL("%(id)s"), SQL("%(at)s")))
            .as_bytes()
        )
        snapshots = f"{self.events_table_name.removesuffix('_events')}_snapshots"
        self.sql_stream_recorded_by = (
            SQL(
                "WITH v AS (SELECT {v} AS v), "
                "s AS (SELECT originator_version, topic, state FROM {snapshots} "
                "WHERE originator_id = %(id)s AND originator_version <= (SELECT v FROM v) "
                "ORDER BY originator_version DESC LIMIT 1) "
                "SELECT 0 AS part, originator_version, topic, state FROM s "
                "UNION ALL SELECT 1, originator_version, topic, state FROM {events} "
                "WHERE originator_id = %(id)s AND originator_version <= (SELECT v FROM v) "
                "AND originator_version > coalesce((SELECT originator_version FROM s), 0) "
                "ORDER BY part, originator_version"
            )
            .format(
                v=version_recorded_by(table, SQL("%(id)s"), SQL("%(at)s")),
                snapshots=Identifier(self.datastore.schema, snapshots),
                events=events,
            )
            .as_bytes()
        )
        self.sql_stream_now = (
            SQL(
                "WITH s AS (SELECT originator_version, topic, state FROM {snapshots} "
                "WHERE originator_id = %(id)s ORDER BY originator_version DESC LIMIT 1) "
                "SELECT 0 AS part, originator_version, topic, state FROM s "
                "UNION ALL SELECT 1, originator_version, topic, state FROM {events} "
                "WHERE originator_id = %(id)s "
                "AND originator_version > coalesce((SELECT originator_version FROM s), 0) "
                "ORDER BY part, originator_version"
            )
            .format(
                snapshots=Identifier(self.datastore.schema, snapshots),
                events=events,
            )
            .as_bytes()
        )

        self.sql_select_by_aggregate = (
            SQL(
                "SELECT notification_id, originator_id, originator_version, topic, state "
                "FROM {events} WHERE (originator_id, originator_version) > (%(id)s, %(version)s) "
                "AND notification_id <= %(head)s AND NOT (topic = ANY(%(skip)s)) "
                "ORDER BY originator_id, originator_version LIMIT %(limit)s"
            )
            .format(events=events)
            .as_bytes()
        )
        self.sql_count_events = (
            SQL("SELECT count(*) AS n FROM {events} WHERE notification_id <= %(head)s")
            .format(events=events)
            .as_bytes()
        )
        self.sql_select_in_order = (
            SQL(
                "SELECT notification_id, originator_id, originator_version, topic, state "
                "FROM {events} WHERE notification_id > %(after)s "
                "AND notification_id <= %(head)s AND NOT (topic = ANY(%(skip)s)) "
                "ORDER BY notification_id LIMIT %(limit)s"
            )
            .format(events=events)
            .as_bytes()
        )
        self.sql_select_first_events = (
            SQL(
                "SELECT notification_id, originator_id, originator_version, topic, state "
                "FROM {events} WHERE originator_version = 1 AND notification_id <= %(head)s "
                "ORDER BY notification_id"
            )
            .format(events=events)
            .as_bytes()
        )
        self.sql_head_version = (
            SQL("SELECT max(originator_version) AS v FROM {events} WHERE originator_id = %s")
            .format(events=events)
            .as_bytes()
        )

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
            entries = timeline_entries(rows)
            values = SQL(", ").join(
                SQL("(%s::uuid, %s::bigint, %s::bigint, %s::bigint)") for _ in entries
            )
            params = [value for entry in entries for value in entry]
            head, tail = self.sql_insert_timeline
            curs.execute(head + values + tail, params, prepare=False)

    def _fetch_ids_after_insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """The events' positions, then their leaves, numbered on from the last leaf, in the
        same transaction (still under the events table's lock)."""
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        if ids and len(ids) == 1:
            # Most commands record one event: a plain row costs the server about half what
            # the arrays of the general statement do (bench.verify_log measures the leaf's
            # share of a command).
            curs.execute(
                self.sql_insert_leaf, (ids[0], leaf_hashes_of(stored_events, ids)[0]), prepare=True
            )
        elif ids:
            curs.execute(
                self.sql_insert_leaves,
                (list(ids), leaf_hashes_of(stored_events, ids)),
                prepare=True,
            )
        return ids

    def create_table(self) -> None:
        """The library's tables and ours, with their indexes; none of their DDL when every
        one of them is there already (`_set_up`). `CREATE INDEX IF NOT EXISTS` and `ALTER
        TABLE ... ADD COLUMN IF NOT EXISTS` lock their table even when there is nothing to
        do, and a process starting while commands are recorded (a web worker, a rebuild's
        loading process) deadlocked with a command holding the timeline and waiting for the
        events table (found by an outside attack: two of six rebuilds while commands ran)."""
        if self._set_up():
            self.datastore.register_type_adapters()
        else:
            super().create_table()
        self._backfill_leaves()

    def _set_up(self) -> bool:
        """Whether every table, index and column this recorder creates exists, owned by this
        role (a look at the catalogue, which locks no table). A name it does not know
        (another version of the library naming its index otherwise) answers False: the DDL
        runs, as before; so does a role that does not own the tables (the app role without
        the restricted writer's switch), which then fails at start, "must be owner", not at
        its first write."""
        schema = self.datastore.schema
        relations = [
            self.events_table_name,
            f"{self.events_table_name}_notification_id_idx",
            self.timeline_table,
            f"{self.timeline_table}_at_idx",
            f"{self.timeline_table}_back_idx",
            self.leaves_table,
            self.checkpoints_table,
        ]
        in_schema = "format('%%I.%%I', coalesce(nullif(%(schema)s::text, ''), current_schema())"
        with self.datastore.get_connection() as conn:
            row = conn.execute(
                f"SELECT bool_and(to_regclass({in_schema}, name)) IS NOT NULL) "
                "AND EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = "
                f"to_regclass({in_schema}, %(timeline)s::text)) "
                "AND attname = 'out_of_order' AND NOT attisdropped) "
                "AND (SELECT pg_has_role(current_user, relowner, 'MEMBER') FROM pg_class "
                f"WHERE oid = to_regclass({in_schema}, %(events)s::text))) AS ready "
                "FROM unnest(%(names)s::text[]) AS name",
                {
                    "schema": schema or "",
                    "names": relations,
                    "timeline": self.timeline_table,
                    "events": self.events_table_name,
                },
                prepare=False,
            ).fetchone()
        return bool(row and row["ready"])

    def _backfill_leaves(self) -> None:
        """A store written before the log had leaves gets them once, in log order, under the
        events table's lock: only when it has events and neither a leaf nor a checkpoint (a
        checkpointed store whose leaves are all gone was tampered with: `greenlist verify`
        says so). Events appended later without a leaf (written past the service) are the
        verifier's to report, never silently given one."""
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(self.sql_any_leaf, prepare=False)
            row = curs.fetchone()
            if row and row["any"]:
                return
            curs.execute(self.sql_any_event, prepare=False)
            row = curs.fetchone()
            if not (row and row["any"]):  # nothing to give a leaf: no lock to wait for
                return
            self._lock_table(curs)
            curs.execute(self.sql_any_leaf, prepare=False)
            row = curs.fetchone()
            if row and row["any"]:
                return
            curs.execute(self.sql_all_events, prepare=False)
            rows = curs.fetchall()
            if not rows:
                return
            events = [
                StoredEvent(
                    r["originator_id"], r["originator_version"], r["topic"], bytes(r["state"])
                )
                for r in rows
            ]
            ids = [int(r["notification_id"]) for r in rows]
            curs.execute(self.sql_insert_leaves, (ids, leaf_hashes_of(events, ids)), prepare=False)
        log.warning("the log's leaves were computed for %d events stored before", len(rows))

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def positions_of(self, originator_id: UUID) -> Mapping[int, int]:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self.sql_positions_of, (originator_id,), prepare=True)
            return {int(r["originator_version"]): int(r["notification_id"]) for r in curs}

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def leaf_count(self) -> int:
        row = self._fetchone(self.sql_leaf_count, ())
        return int(row["n"]) if row else 0

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def leaf_hashes(self, start: int, stop: int) -> Sequence[bytes]:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self.sql_leaf_hashes, (start, stop), prepare=True)
            return [bytes(r["leaf_hash"]) for r in curs.fetchall()]

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def select_leaves(self, start: int, limit: int) -> Sequence[Leaf]:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self.sql_select_leaves, (start, limit), prepare=True)
            return [
                Leaf(int(r["leaf_index"]), int(r["notification_id"]), bytes(r["leaf_hash"]))
                for r in curs.fetchall()
            ]

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def leaf_at_position(self, position: int) -> Leaf | None:
        r = self._fetchone(self.sql_leaf_at, (position,))
        if r is None:
            return None
        return Leaf(int(r["leaf_index"]), int(r["notification_id"]), bytes(r["leaf_hash"]))

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def leaves_up_to(self, position: int) -> int:
        row = self._fetchone(self.sql_leaves_up_to, (position,))
        return int(row["n"]) if row else 0

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_checkpoint(self, checkpoint: StoredCheckpoint) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(
                self.sql_insert_checkpoint,
                (checkpoint.size, checkpoint.root, checkpoint.note),
                prepare=False,
            )

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def latest_checkpoint(self) -> StoredCheckpoint | None:
        r = self._fetchone(self.sql_latest_checkpoint, ())
        if r is None:
            return None
        return StoredCheckpoint(int(r["tree_size"]), bytes(r["root"]), str(r["note"]))

    def _fetchone(self, statement: Any, params: Sequence[Any]) -> DictRow | None:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(statement, params, prepare=True)
            return curs.fetchone()

    def restrict(self) -> None:
        """Write as the restricted writer: take the events table's write lock through its
        owner's function (greenlist.adapters.stores.restricted: PostgreSQL grants EXCLUSIVE MODE
        only to roles that may UPDATE, DELETE or TRUNCATE the table). Refuses, saying what to do,
        when the owner has not set the store up (no table to write to, or no such function)."""
        schema, function = self.datastore.schema, lock_function(self.events_table_name)
        with self.datastore.get_connection() as conn:
            row = conn.execute(
                "SELECT to_regclass(format('%%I.%%I', %s::text, %s::text)) IS NOT NULL "
                "AND coalesce(has_function_privilege(to_regprocedure("
                "format('%%I.%%I()', %s::text, %s::text)), 'EXECUTE'), false) "
                # the timeline's column of this version (a store set up by an older one lacks it)
                "AND coalesce((SELECT has_column_privilege(a.attrelid, a.attnum, 'INSERT') "
                "FROM pg_attribute AS a WHERE a.attrelid = "
                "to_regclass(format('%%I.%%I', %s::text, %s::text)) "
                "AND a.attname = 'out_of_order' AND NOT a.attisdropped), false) AS ready",
                (schema, self.events_table_name, schema, function, schema, self.timeline_table),
                prepare=False,
            ).fetchone()
        ready = row is not None and bool(row["ready"])
        if not ready:
            raise StoreNotSetUp(
                f"the event store in schema {schema!r} is not set up for the restricted writer "
                f"of this version (table {self.events_table_name}, function {function}() it "
                f"may execute, column {self.timeline_table}.out_of_order it may insert): run "
                "`greenlist db-roles` as the store's owner (README, Restricted writer) / "
                "事件库尚未为受限写入角色初始化：请以所有者身份运行 greenlist db-roles"
            )
        self.lock_table_statements = [
            self.lock_table_statements[0],  # SET LOCAL lock_timeout, as the library's
            SQL("SELECT {schema}.{function}()").format(
                schema=Identifier(schema), function=Identifier(function)
            ),
        ]

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)  # as the library's
    def version_at(self, originator_id: UUID, recorded_micros: int) -> int:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(
                self.sql_version_at, {"id": originator_id, "at": recorded_micros}, prepare=True
            )
            row = curs.fetchone()
        return int(row["v"]) if row and row["v"] is not None else 0

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)  # as the library's
    def head_version(self, originator_id: UUID) -> int:
        """The `HeadVersion` port: the aggregate's latest version (0: none), one look-up of the
        events' key, one row back."""
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self.sql_head_version, (originator_id,), prepare=True)
            row = curs.fetchone()
        return int(row["v"]) if row and row["v"] is not None else 0

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)  # as the library's
    def select_by_aggregate(
        self,
        after: tuple[UUID, int] | None,
        head: int,
        limit: int,
        skipping: Sequence[str] = (),
    ) -> Sequence[Notification]:
        """The `LogByAggregate` port: a walk of the events' key (originator_id,
        originator_version) from `after`, keeping the events at or before position `head`
        and of no topic in `skipping`."""
        start = after if after is not None else (UUID(int=0), 0)
        with self.log_connection.connection() as conn, conn.cursor(binary=True) as curs:
            curs.execute(
                self.sql_select_by_aggregate,
                {
                    "id": start[0],
                    "version": start[1],
                    "head": head,
                    "limit": limit,
                    "skip": list(skipping),
                },
                prepare=True,
            )
            return _notifications(curs.fetchall())

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)  # as the library's
    def count_events(self, head: int) -> int:
        """The `LogByAggregate` port."""
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self.sql_count_events, {"head": head}, prepare=True)
            row = curs.fetchone()
        return int(row["n"]) if row else 0

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)  # as the library's
    def select_in_order(
        self, after: int, head: int, limit: int, skipping: Sequence[str] = ()
    ) -> Sequence[Notification]:
        """The `LogByAggregate` port: the log's index in order from `after` (the events of a
        topic in `skipping` are left out on the server, neither sent nor parsed). Read, as
        `select_by_aggregate`, through the store's `log_connection`, in binary."""
        with self.log_connection.connection() as conn, conn.cursor(binary=True) as curs:
            curs.execute(
                self.sql_select_in_order,
                {"after": after, "head": head, "limit": limit, "skip": list(skipping)},
                prepare=True,
            )
            return _notifications(curs.fetchall())

    def first_events(self, head: int, limit: int) -> Iterator[Sequence[Notification]]:
        """The `LogByAggregate` port: the events at version 1 in log order, read by one
        statement through a cursor on the server (no index says which events are first, and
        one would cost every command a write; a statement per page would scan the log each
        time: 15 s for 1 M events)."""
        with (
            self.datastore.get_connection() as conn,
            conn.transaction(),
            conn.cursor(name="greenlist_first_events", binary=True) as curs,
        ):
            curs.execute(self.sql_select_first_events, {"head": head})
            while rows := curs.fetchmany(limit):
                yield _notifications(rows)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)  # as the library's
    def stream_recorded_by(
        self, originator_id: UUID, recorded_micros: int | None
    ) -> tuple[StoredEvent | None, list[StoredEvent]]:
        """The `RecordedStream` port in one round trip (issue 15 item 4: the timeline index,
        the snapshot and the events were three; now, the snapshot and the events two): the
        latest snapshot at or before the version the aggregate had at the recorded instant
        (None: now), and its events after the snapshot up to that version; (None, []) when
        it had none then. The statement sees one snapshot of the tables, so they agree."""
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            if recorded_micros is None:
                curs.execute(self.sql_stream_now, {"id": originator_id}, prepare=True)
            else:
                curs.execute(
                    self.sql_stream_recorded_by,
                    {"id": originator_id, "at": recorded_micros},
                    prepare=True,
                )
            rows = curs.fetchall()
        stored = [
            (
                row["part"],
                StoredEvent(
                    originator_id, row["originator_version"], row["topic"], bytes(row["state"])
                ),
            )
            for row in rows
        ]
        snapshot = next((event for part, event in stored if part == 0), None)
        return snapshot, [event for part, event in stored if part == 1]

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
    (`POSTGRES_CONNECT_TIMEOUT`), so that a loaded server or machine does not fail a start.

    `RESTRICTED_WRITER` (greenlist.config: `GREENLIST_RESTRICTED_WRITER=1`): the service logs in
    as the restricted writer. It creates none of the store's tables (their owner did: `greenlist
    db-roles`), and takes the events table's write lock through the owner's function."""

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
        self.restricted = strtobool(self.env.get(RESTRICTED_WRITER) or "no")
        self._recorders: list[TimelinePostgresRecorder] = []

    def env_create_table(self) -> bool:
        """The restricted writer creates no table: it may not, and must not own them."""
        return not self.restricted and super().env_create_table()

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
            recorder = super().application_recorder()
            if isinstance(recorder, TimelinePostgresRecorder):
                self._recorders.append(recorder)
            if self.restricted:
                if not isinstance(recorder, TimelinePostgresRecorder):
                    raise TypeError("the restricted writer needs TimelinePostgresRecorder")
                recorder.restrict()
            return recorder

    def aggregate_recorder(self, purpose: str = "events") -> AggregateRecorder:
        with self._setting_up():
            return super().aggregate_recorder(purpose)

    def close(self) -> None:
        """The store's pool closed, and the log's own connection (`LogConnection`)."""
        try:
            for recorder in self._recorders:
                recorder.log_connection.close()
        finally:
            super().close()


def _notifications(rows: Sequence[Any]) -> list[Notification]:
    return [
        Notification(
            id=row["notification_id"],
            originator_id=row["originator_id"],
            originator_version=row["originator_version"],
            topic=row["topic"],
            state=bytes(row["state"]),
        )
        for row in rows
    ]
