"""What the service offers and needs at its edges: the receipt of a command, the version a
caller expects, and the ports the event stores implement (the timeline index, the log
positions) and through which commands load and write aggregates."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Final, Protocol, runtime_checkable
from uuid import UUID

from eventsourcing.persistence import Notification, StoredEvent

from domain.aggregates.base import GreenAggregate


@dataclass(frozen=True)
class Receipt:
    """What a command returns: the aggregate it acted on, its new version, the log position of
    the last event written (for read-your-writes) and any ids it created; `kind` and `rules`
    (the aggregate's class, the rule codes its events carry) are for the logs, not the answer."""

    aggregate_id: UUID
    version: int
    position: int | None
    details: Mapping[str, Any] = field(default_factory=dict)
    kind: str = ""
    rules: tuple[str, ...] = ()


class AnyVersion(Enum):
    """The expectation of a caller that knows the record exists, whatever its version (HTTP
    `If-Match: *`)."""

    ANY = "any"


ANY_VERSION: Final = AnyVersion.ANY
ExpectedVersion = int | AnyVersion | None
"""What the caller of a command expects of the record it acts on (the one its receipt names):
the version it read (HTTP If-Match), `ANY_VERSION` (it exists), or None (no expectation)."""


class Timeline(Protocol):
    """The port the event stores implement (greenlist.stores): the version an aggregate had at a
    recorded instant, from an index written in the same transaction as the events."""

    def version_at(self, originator_id: UUID, recorded_micros: int) -> int: ...


@runtime_checkable
class RecordedStream(Protocol):
    """What a store may offer for an as-of read by recorded time (M21), or a read of an
    aggregate now (`recorded_micros` None), in one round trip: the latest snapshot at or
    before the version the aggregate had at the recorded instant, and its events after the
    snapshot up to that version, as stored; (None, []) when it had none then. Without it,
    the timeline index, the snapshot and the events are read apart."""

    def stream_recorded_by(
        self, originator_id: UUID, recorded_micros: int | None
    ) -> tuple[StoredEvent | None, list[StoredEvent]]: ...


@runtime_checkable
class HeadVersion(Protocol):
    """What a store may offer for a read of an aggregate now whose derived view is remembered
    per version (`Queries.unit_now_as`): its latest version (0: none), one small look-up, so
    that a view already derived is given again without reading the stream."""

    def head_version(self, originator_id: UUID) -> int: ...


@runtime_checkable
class LogByAggregate(Protocol):
    """What a store may offer a rebuild of the read models whose rows each belong to one
    aggregate (projections.engine.rebuilding): the log up to position `head`, each
    aggregate's events together and in order of version, the aggregates in the order of
    their ids; `limit` events after (aggregate id, version) `after` (None: from the first).
    Such a model, read this way, needs an aggregate's rows only while its events come, so a
    rebuild holds a few aggregates' rows, not the whole log's (issue 15 item 3)."""

    def select_by_aggregate(
        self,
        after: tuple[UUID, int] | None,
        head: int,
        limit: int,
        skipping: Sequence[str] = (),
    ) -> Sequence[Notification]:
        """... leaving out the events of the topics `skipping` (on the server: they are
        neither sent nor parsed)."""
        ...

    def count_events(self, head: int) -> int:
        """How many events the log holds up to position `head` (positions may have gaps)."""
        ...

    def select_in_order(
        self, after: int, head: int, limit: int, skipping: Sequence[str] = ()
    ) -> Sequence[Notification]:
        """The log in order after position `after` up to `head`, `limit` events, leaving out
        the events of the topics `skipping` (a rebuild's process whose read models handle
        none of them)."""
        ...

    def first_events(self, head: int, limit: int) -> Iterator[Sequence[Notification]]:
        """The first event (version 1: the one that created it) of each aggregate up to
        position `head`, in log order, `limit` at a time: what a rebuild reads first to know
        what every aggregate is about (projections.subjects)."""
        ...


class LogPositions(Protocol):
    """The port the event stores implement (greenlist.stores): the log position (notification
    id) of each event of an aggregate, by version, so that every decision shown names the
    position an auditor proves it by (issue 10: the verifiable log)."""

    def positions_of(self, originator_id: UUID) -> Mapping[int, int]: ...


class LogHead(Protocol):
    """The port the event stores implement (greenlist.adapters.stores): the verifiable log's
    head now, its tree size and RFC 6962 root, which depends on every event recorded before.
    A15.2's panel seed derives from it, so the province cannot choose the seed (issue 12
    item 4; domain.draws.panel_seed)."""

    def log_head(self) -> tuple[int, bytes]: ...


TimelineEntry = tuple[UUID, int, int]
"""(aggregate id, version, recorded instant in microseconds): one row of the timeline index."""


@runtime_checkable
class AggregateStore(Protocol):
    """The port through which commands load the aggregates they decide on and write what they
    decided. The service's default is the event store (`StoredAggregates`); a bulk writer that
    generates a large history for a benchmark (simulation.bulk) plugs in here instead, keeping
    the aggregates in memory and writing many commands' events in one transaction, with the
    rules checked exactly as in production."""

    def load(self, aggregate_id: UUID, fresh: bool) -> GreenAggregate | None:
        """The aggregate as a command sees it (a cached copy unless `fresh`), or None."""
        ...

    def write(
        self, aggregates: Sequence[GreenAggregate], timeline: Sequence[TimelineEntry]
    ) -> int | None:
        """Record every pending event of `aggregates`, with their timeline entries, atomically;
        the log position of the last one (None if it is not written yet). Raises
        `ConcurrentUpdate` if another act wrote one of these aggregates first (or created it)."""
        ...
