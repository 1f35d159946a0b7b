"""Direct edits of a store, as someone with database access would make them past the service:
the five kinds of issue 10 and a few more, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

from domain.service import Greenlist


class Tamperer:
    """SQL on the store's own tables (events and leaves), bypassing the service."""

    def __init__(self, app: Greenlist) -> None:
        self.recorder: Any = app.recorder
        self.postgres = hasattr(self.recorder, "leaves_table")
        if self.postgres:
            schema = self.recorder.datastore.schema
            self.events = f'"{schema}"."{self.recorder.events_table_name}"'
            self.leaves = f'"{schema}"."{self.recorder.leaves_table}"'
            self.id = "notification_id"
        else:
            self.events, self.leaves, self.id = "stored_events", "greenlist_leaves", "rowid"

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        sql = sql.replace("?", "%s") if self.postgres else sql
        with self.recorder.datastore.transaction(commit=True) as cursor:
            cursor.execute(sql, params)
            try:
                return list(cursor.fetchall())
            except Exception:
                return []

    def state(self, position: int) -> bytes:
        rows = self.execute(f"SELECT state FROM {self.events} WHERE {self.id} = ?", (position,))
        row = rows[0]
        return bytes(row["state"] if self.postgres else row[0])

    def set_state(self, position: int, state: bytes) -> None:
        self.execute(f"UPDATE {self.events} SET state = ? WHERE {self.id} = ?", (state, position))

    def change_byte(self, position: int) -> None:
        state = bytearray(self.state(position))
        state[len(state) // 2] ^= 0x01
        self.set_state(position, bytes(state))

    def forge_actor(self, position: int, actor_id: str) -> None:
        data = json.loads(self.state(position))
        assert "actor_id" in data, sorted(data)
        data["actor_id"] = actor_id
        self.set_state(position, json.dumps(data).encode())

    def swap_states(self, first: int, second: int) -> None:
        a, b = self.state(first), self.state(second)
        self.set_state(first, b)
        self.set_state(second, a)

    def delete_event(self, position: int) -> None:
        self.execute(f"DELETE FROM {self.events} WHERE {self.id} = ?", (position,))

    def truncate_from(self, position: int) -> None:
        """Events from `position` on and their leaves gone: a rollback."""
        self.execute(f"DELETE FROM {self.events} WHERE {self.id} >= ?", (position,))
        self.execute(f"DELETE FROM {self.leaves} WHERE notification_id >= ?", (position,))

    def set_leaf(self, position: int, digest: bytes) -> None:
        self.execute(
            f"UPDATE {self.leaves} SET leaf_hash = ? WHERE notification_id = ?", (digest, position)
        )

    def insert_event(self, originator_id: str, version: int, topic: str, state: bytes) -> None:
        """An event written straight into the table: no leaf."""
        oid = originator_id if self.postgres else originator_id.replace("-", "")
        self.execute(
            f"INSERT INTO {self.events} (originator_id, originator_version, topic, state) "
            "VALUES (?, ?, ?, ?)",
            (oid, version, topic, state),
        )
