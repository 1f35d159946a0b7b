"""SQLite application recorder that also writes the timeline index and the log's leaves (same
transaction as the events)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

from greenlist.adapters.stores import (
    TIMELINE_KWARG,
    Leaf,
    LogHeadOfLeaves,
    StoredCheckpoint,
    leaf_hashes_of,
)

TABLE = "greenlist_timeline"
LEAVES = "greenlist_leaves"
CHECKPOINTS = "greenlist_checkpoints"

log = logging.getLogger(__name__)


class TimelineSQLiteRecorder(LogHeadOfLeaves, SQLiteApplicationRecorder):
    """eventsourcing's SQLite recorder plus the index and the leaves."""

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {TABLE} (originator_id TEXT NOT NULL, "
            "originator_version INTEGER NOT NULL, recorded_at INTEGER NOT NULL, "
            "PRIMARY KEY (originator_id, originator_version))",
            f"CREATE INDEX IF NOT EXISTS {TABLE}_at_idx ON {TABLE} "
            "(originator_id, recorded_at, originator_version)",
            f"CREATE TABLE IF NOT EXISTS {LEAVES} (leaf_index INTEGER PRIMARY KEY, "
            "notification_id INTEGER NOT NULL UNIQUE, leaf_hash BLOB NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {CHECKPOINTS} (tree_size INTEGER PRIMARY KEY, "
            "root BLOB NOT NULL, note TEXT NOT NULL)",
        ]

    def create_table(self) -> None:
        super().create_table()
        self._backfill_leaves()

    def _backfill_leaves(self) -> None:
        """A store written before the log had leaves gets them once, in log order: only when
        it has events and neither a leaf nor a checkpoint (a checkpointed store whose leaves
        are all gone was tampered with: `greenlist verify` says so). Events appended later
        without a leaf (written past the service) are the verifier's to report, never silently
        given one."""
        with self.datastore.transaction(commit=True) as c:
            c.execute(
                f"SELECT EXISTS (SELECT 1 FROM {LEAVES}) OR EXISTS (SELECT 1 FROM {CHECKPOINTS})"
            )
            if c.fetchone()[0]:
                return
            c.execute(
                f"SELECT rowid, originator_id, originator_version, topic, state "
                f"FROM {self.events_table_name} ORDER BY rowid"
            )
            rows = c.fetchall()
            if not rows:
                return
            events = [StoredEvent(UUID(r[1]), r[2], r[3], bytes(r[4])) for r in rows]
            self._write_leaves(c, events, [r[0] for r in rows])
            log.warning("the log's leaves were computed for %d events stored before", len(rows))

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        returning = super()._insert_events(c, stored_events, **kwargs)
        rows = kwargs.get(TIMELINE_KWARG)
        if rows:
            c.executemany(
                f"INSERT INTO {TABLE} VALUES (?, ?, ?)",
                [(oid.hex, version, at) for oid, version, at in rows],
            )
        if returning:
            self._write_leaves(c, stored_events, returning)
        return returning

    def _write_leaves(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], positions: Sequence[int]
    ) -> None:
        """Each leaf numbered on from the last, in one statement: every row's subquery sees
        the rows inserted before it in this transaction."""
        hashes = leaf_hashes_of(stored_events, positions)
        c.executemany(
            f"INSERT INTO {LEAVES} VALUES "
            f"((SELECT coalesce(max(leaf_index) + 1, 0) FROM {LEAVES}), ?, ?)",
            list(zip(positions, hashes, strict=True)),
        )

    def version_at(self, originator_id: UUID, recorded_micros: int) -> int:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT max(originator_version) FROM {TABLE} "
                "WHERE originator_id = ? AND recorded_at <= ?",
                (originator_id.hex, recorded_micros),
            )
            row = c.fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def positions_of(self, originator_id: UUID) -> Mapping[int, int]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT originator_version, rowid FROM {self.events_table_name} "
                "WHERE originator_id = ?",
                (originator_id.hex,),
            )
            return {int(r[0]): int(r[1]) for r in c.fetchall()}

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self.datastore.transaction(commit=False) as c:
            c.execute(sql, params)
            row = c.fetchone()
        return row[0] if row else None

    def leaf_count(self) -> int:
        return int(self._one(f"SELECT coalesce(max(leaf_index) + 1, 0) FROM {LEAVES}"))

    def leaf_hashes(self, start: int, stop: int) -> Sequence[bytes]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT leaf_hash FROM {LEAVES} WHERE leaf_index >= ? AND leaf_index < ? "
                "ORDER BY leaf_index",
                (start, stop),
            )
            return [bytes(r[0]) for r in c.fetchall()]

    def select_leaves(self, start: int, limit: int) -> Sequence[Leaf]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT leaf_index, notification_id, leaf_hash FROM {LEAVES} "
                "WHERE leaf_index >= ? ORDER BY leaf_index LIMIT ?",
                (start, limit),
            )
            return [Leaf(int(r[0]), int(r[1]), bytes(r[2])) for r in c.fetchall()]

    def leaf_at_position(self, position: int) -> Leaf | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT leaf_index, notification_id, leaf_hash FROM {LEAVES} "
                "WHERE notification_id = ?",
                (position,),
            )
            row = c.fetchone()
        return Leaf(int(row[0]), int(row[1]), bytes(row[2])) if row else None

    def leaves_up_to(self, position: int) -> int:
        found = self._one(
            f"SELECT leaf_index + 1 FROM {LEAVES} WHERE notification_id <= ? "
            "ORDER BY notification_id DESC LIMIT 1",
            (position,),
        )
        return int(found or 0)

    def insert_checkpoint(self, checkpoint: StoredCheckpoint) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute(
                f"INSERT INTO {CHECKPOINTS} VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                (checkpoint.size, checkpoint.root, checkpoint.note),
            )

    def latest_checkpoint(self) -> StoredCheckpoint | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT tree_size, root, note FROM {CHECKPOINTS} ORDER BY tree_size DESC LIMIT 1"
            )
            row = c.fetchone()
        return StoredCheckpoint(int(row[0]), bytes(row[1]), str(row[2])) if row else None
