"""The in-memory store with the timeline index, for fast tests."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, StoredEvent
from eventsourcing.popo import POPOApplicationRecorder, POPOFactory

from greenlist.stores import TIMELINE_KWARG


class TimelinePOPORecorder(POPOApplicationRecorder):
    """eventsourcing's in-memory recorder plus the index."""

    def __init__(self) -> None:
        super().__init__()
        self._timeline: dict[UUID, list[tuple[int, int]]] = {}

    def _insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        with self._database_lock:
            ids = super()._insert_events(stored_events, **kwargs)
            for oid, version, at in kwargs.get(TIMELINE_KWARG) or ():
                bisect.insort(self._timeline.setdefault(oid, []), (at, version))
            return ids

    def version_at(self, originator_id: UUID, recorded_micros: int) -> int:
        with self._database_lock:
            entries = self._timeline.get(originator_id, [])
            known = entries[: bisect.bisect_right(entries, (recorded_micros, 2**62))]
            return max((version for _, version in known), default=0)


class TimelinePOPOFactory(POPOFactory):
    def application_recorder(self) -> ApplicationRecorder:
        return TimelinePOPORecorder()
