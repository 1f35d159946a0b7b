"""Event stores with a timeline index and the verifiable log's leaves.

- The timeline index: each event's recorded instant and version, written in the same transaction as
  the event, so that "the aggregate as of instant T" is one indexed look-up plus a versioned read
  (domain.service.base.Timeline is the port they implement).
- The leaves (issue 10): each stored event's RFC 6962 leaf hash (`auditlog.offline.event_leaf_hash`
  over its position, aggregate id, version, topic and stored state), numbered 0, 1, 2, … in log
  order and written in the same transaction as the event, so that the Merkle tree over them
  commits to the log as it was recorded. Nothing a rebuild of the read models derives can change
  them. `LeafStore` is the port the stores implement for the tree, the proofs and the verifier.

Until issue 11 these modules were `greenlist.stores.*`; eventsourcing settings written with the
old topics (`PERSISTENCE_MODULE=greenlist.stores.postgres:TimelinePostgresFactory`, an
`APPLICATION_RECORDER_TOPIC` of `greenlist.stores.sqlite:...`) still resolve: the old package
name is registered as a topic of this one.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, cast
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import register_topic

from auditlog.offline import event_leaf_hash

TIMELINE_KWARG = "timeline"
"""`Application.save(..., timeline=[(originator_id, version, recorded_micros), ...])` reaches
the recorder's `_insert_events` inside the events' transaction."""


@dataclass(frozen=True)
class Leaf:
    """A leaf of the log: its index in the tree, the position (notification id) of its event and
    the hash that was computed when the event was stored."""

    index: int
    position: int
    hash: bytes


@dataclass(frozen=True)
class StoredCheckpoint:
    """A signed checkpoint as the store keeps it (public: sizes, roots and signatures only)."""

    size: int
    root: bytes
    note: str


class LeafStore(Protocol):
    """What the verifiable log reads from an event store."""

    def leaf_count(self) -> int: ...

    def leaf_hashes(self, start: int, stop: int) -> Sequence[bytes]:
        """The hashes of the leaves with index in [start, stop), in order."""

    def select_leaves(self, start: int, limit: int) -> Sequence[Leaf]:
        """Up to `limit` leaves from index `start`, in order (the verifier's walk)."""

    def leaf_at_position(self, position: int) -> Leaf | None:
        """The leaf of the event at a log position, if it has one."""

    def leaves_up_to(self, position: int) -> int:
        """How many leaves belong to events at positions up to `position`: the size of the
        tree that a read model having applied `position` was derived from."""

    def insert_checkpoint(self, checkpoint: StoredCheckpoint) -> None: ...

    def latest_checkpoint(self) -> StoredCheckpoint | None: ...


class LogHeadOfLeaves:
    """The `LogHead` port (domain.service.ports) for a store that implements `LeafStore`: the
    tree size now and its root, through the process's cached tree (greenlist.vlog.tree). A15.2's
    panel seed derives from it (issue 12 item 4)."""

    def log_head(self) -> tuple[int, bytes]:
        from greenlist.vlog.tree import tree_of  # it imports this package: resolved at call

        store = cast(LeafStore, self)
        size = store.leaf_count()
        return size, tree_of(self).root(size)


def leaf_hashes_of(stored_events: Sequence[StoredEvent], positions: Sequence[int]) -> list[bytes]:
    """The leaf hashes of events just stored at these positions (same order)."""
    return [
        event_leaf_hash(
            position,
            _uuid(event.originator_id),
            event.originator_version,
            event.topic,
            event.state,
        )
        for event, position in zip(stored_events, positions, strict=True)
    ]


def _uuid(value: UUID | str) -> UUID:
    return value if isinstance(value, UUID) else UUID(value)


OLD_PACKAGE = "greenlist.stores"
"""Where these stores lived before issue 11; topics naming it resolve to this package."""
register_topic(OLD_PACKAGE, sys.modules[__name__])
