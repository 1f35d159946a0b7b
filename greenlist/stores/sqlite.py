"""SQLite application recorder that also writes the timeline index (same transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

from greenlist.stores import TIMELINE_KWARG

TABLE = "greenlist_timeline"


class TimelineSQLiteRecorder(SQLiteApplicationRecorder):
    """eventsourcing's SQLite recorder plus the index."""

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {TABLE} (originator_id TEXT NOT NULL, "
            "originator_version INTEGER NOT NULL, recorded_at INTEGER NOT NULL, "
            "PRIMARY KEY (originator_id, originator_version))",
            f"CREATE INDEX IF NOT EXISTS {TABLE}_at_idx ON {TABLE} "
            "(originator_id, recorded_at, originator_version)",
        ]

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
        return returning

    def version_at(self, originator_id: UUID, recorded_micros: int) -> int:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT max(originator_version) FROM {TABLE} "
                "WHERE originator_id = ? AND recorded_at <= ?",
                (originator_id.hex, recorded_micros),
            )
            row = c.fetchone()
        return int(row[0]) if row and row[0] is not None else 0
