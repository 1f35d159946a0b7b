"""The in-memory store with the timeline index and the log's leaves, for fast tests."""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, StoredEvent
from eventsourcing.popo import POPOApplicationRecorder, POPOFactory

from greenlist.adapters.stores import (
    TIMELINE_KWARG,
    Leaf,
    LogHeadOfLeaves,
    StoredCheckpoint,
    leaf_hashes_of,
)


class TimelinePOPORecorder(LogHeadOfLeaves, POPOApplicationRecorder):
    """eventsourcing's in-memory recorder plus the index and the leaves."""

    def __init__(self) -> None:
        super().__init__()
        self._timeline: dict[UUID, list[tuple[int, int]]] = {}
        self._leaves: list[Leaf] = []
        self._leaf_of: dict[int, Leaf] = {}
        self._checkpoints: dict[int, StoredCheckpoint] = {}

    def _insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        with self._database_lock:
            ids = super()._insert_events(stored_events, **kwargs)
            for oid, version, at in kwargs.get(TIMELINE_KWARG) or ():
                bisect.insort(self._timeline.setdefault(oid, []), (at, version))
            if ids:
                for position, digest in zip(ids, leaf_hashes_of(stored_events, ids), strict=True):
                    leaf = Leaf(len(self._leaves), position, digest)
                    self._leaves.append(leaf)
                    self._leaf_of[position] = leaf
            return ids

    def version_at(self, originator_id: UUID, recorded_micros: int) -> int:
        with self._database_lock:
            entries = self._timeline.get(originator_id, [])
            known = entries[: bisect.bisect_right(entries, (recorded_micros, 2**62))]
            return max((version for _, version in known), default=0)

    def positions_of(self, originator_id: UUID) -> Mapping[int, int]:
        with self._database_lock:
            index = self._stored_events_index.get(str(originator_id), {})
            return {version: i + 1 for version, i in index.items()}

    def leaf_count(self) -> int:
        return len(self._leaves)

    def leaf_hashes(self, start: int, stop: int) -> Sequence[bytes]:
        return [leaf.hash for leaf in self._leaves[start:stop]]

    def select_leaves(self, start: int, limit: int) -> Sequence[Leaf]:
        return self._leaves[start : start + limit]

    def leaf_at_position(self, position: int) -> Leaf | None:
        return self._leaf_of.get(position)

    def leaves_up_to(self, position: int) -> int:
        with self._database_lock:
            return bisect.bisect_right(self._leaves, position, key=lambda leaf: leaf.position)

    def insert_checkpoint(self, checkpoint: StoredCheckpoint) -> None:
        with self._database_lock:
            self._checkpoints.setdefault(checkpoint.size, checkpoint)

    def latest_checkpoint(self) -> StoredCheckpoint | None:
        with self._database_lock:
            return self._checkpoints[max(self._checkpoints)] if self._checkpoints else None


class TimelinePOPOFactory(POPOFactory):
    def application_recorder(self) -> ApplicationRecorder:
        return TimelinePOPORecorder()
