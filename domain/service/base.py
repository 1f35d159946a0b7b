"""The service's foundation: store, clock, transcodings, loading and saving, the expected
version of the record acted on, and who may act (from domain.rules.jurisdiction's table)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any, ClassVar, Final, Protocol, TypeVar, runtime_checkable
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, Repository
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    Mapper,
    StoredEvent,
    Transcoding,
)

from domain.acts import Act
from domain.aggregates.adjustments import AdjustmentQueue
from domain.aggregates.agency import Agency, EvaluationQuota
from domain.aggregates.base import GreenAggregate
from domain.aggregates.complaint import Complaint
from domain.aggregates.experts import ExpertPool
from domain.aggregates.membership import ParkMembership
from domain.aggregates.round import Round
from domain.aggregates.unit import TRANSCODINGS, Unit, unit_id
from domain.clock import Clock
from domain.errors import (
    AlreadyExists,
    ConcurrentUpdate,
    NotFound,
    UndecodableEvent,
    VersionMismatch,
)
from domain.rules import jurisdiction, rule_order
from domain.rules.calendar import Period
from domain.rules.exclusions import NegativeRecord
from domain.rules.provenance import CLOCK_SKEW, check_not_future_dated
from domain.values import Actor, Level, micros

A = TypeVar("A", bound=GreenAggregate)


class DateAsISO(Transcoding):
    """Business dates (when something happened in the world) are stored as ISO dates."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


@dataclass(frozen=True)
class Receipt:
    """What a command returns: the aggregate it acted on, its new version, the log position of
    the last event written (for read-your-writes) and any ids it created."""

    aggregate_id: UUID
    version: int
    position: int | None
    details: Mapping[str, Any] = field(default_factory=dict)


class AnyVersion(Enum):
    """The expectation of a caller that knows the record exists, whatever its version (HTTP
    `If-Match: *`)."""

    ANY = "any"


ANY_VERSION: Final = AnyVersion.ANY
ExpectedVersion = int | AnyVersion | None
"""What the caller of a command expects of the record it acts on (the one its receipt names):
the version it read (HTTP If-Match), `ANY_VERSION` (it exists), or None (no expectation)."""


SNAPSHOT_INTERVAL = 50
UNIT_SNAPSHOT_INTERVAL = 10
"""Units are read as of past instants: a snapshot every 10 events keeps any version within
nine events of one."""


class Timeline(Protocol):
    """The port the event stores implement (greenlist.stores): the version an aggregate had at a
    recorded instant, from an index written in the same transaction as the events."""

    def version_at(self, originator_id: UUID, recorded_micros: int) -> int: ...


class LogPositions(Protocol):
    """The port the event stores implement (greenlist.stores): the log position (notification
    id) of each event of an aggregate, by version, so that every decision shown names the
    position an auditor proves it by (issue 10: the verifiable log)."""

    def positions_of(self, originator_id: UUID) -> Mapping[int, int]: ...


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


class StoredAggregates:
    """The default `AggregateStore`: eventsourcing's repository (its cache, as configured, or
    the store itself when `fresh`) and `Application.save`; a lost race evicts the stale copies
    and is a `ConcurrentUpdate`."""

    def __init__(self, service: ServiceBase) -> None:
        self.service = service

    def load(self, aggregate_id: UUID, fresh: bool) -> GreenAggregate | None:
        service = self.service
        repository = service.store_reader if fresh else service.repository
        try:
            aggregate: GreenAggregate = repository.get(aggregate_id, projector_func=fold)
        except AggregateNotFoundError:
            return None
        return aggregate

    def write(
        self, aggregates: Sequence[GreenAggregate], timeline: Sequence[TimelineEntry]
    ) -> int | None:
        try:
            recordings = self.service.save(*aggregates, timeline=list(timeline))
        except IntegrityError:
            self.service._evict(aggregates)
            raise ConcurrentUpdate(
                zh="数据已被其他操作修改，请刷新后重试",
                en="another act changed the same record first; reload and retry",
            ) from None
        return max((r.notification.id for r in recordings), default=None)


def fold(aggregate: Any, events: Iterable[Any]) -> Any:
    """Apply events in order. eventsourcing's default projector also asserts each event's type,
    which costs about half the time of a replay; our events are all `DomainEvent`s. An event
    that decodes but cannot be applied (a value of the wrong type in its stored state) fails
    the read with `UndecodableEvent`, naming it, not with whatever the handler raised."""
    for event in events:
        try:
            aggregate = event.mutate(aggregate)
        except Exception as error:
            raise UndecodableEvent(
                getattr(event, "originator_id", "?"),
                getattr(event, "originator_version", 0),
                f"{type(event).__name__} cannot be applied: {error!r}",
            ) from error
    return aggregate


_REQUIRED: dict[type, frozenset[str]] = {}


def required_fields(cls: type) -> frozenset[str]:
    """The fields an event (or snapshot) class has no default for: its stored state must hold
    each of them, or a handler or projection would fail on the first one it reads."""
    names = _REQUIRED.get(cls)
    if names is None:
        if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
            raise TypeError(f"{cls!r} is not an event class")
        names = frozenset(
            f.name
            for f in dataclasses.fields(cls)
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        )
        _REQUIRED[cls] = names
    return names


class CheckedMapper(Mapper[UUID]):
    """eventsourcing's mapper, whose every failure to turn a stored event (or snapshot) back
    into a domain event is an `UndecodableEvent` naming the aggregate, the version and, for a
    record read from the log, its position (issue 9 item 7): a topic that names no event class
    (`TopicError`), a state that is not JSON or names a transcoding nobody registered
    (`MapperDeserialisationError`), a state that is no object (`TypeError`) or lacks a field of
    its class. Without it, a read of the aggregate fails with whichever of these (a 500 with no
    word of which event), and a projection rebuild dies on an AttributeError further on."""

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        try:
            event = super().to_domain_event(stored_event)
            required = required_fields(type(event))
            if not vars(event).keys() >= required:
                missing = ", ".join(sorted(required - vars(event).keys()))
                raise ValueError(f"its state lacks {missing}")
        except Exception as error:
            raise UndecodableEvent(
                stored_event.originator_id,
                stored_event.originator_version,
                f"topic {stored_event.topic!r}: {error}",
                position=getattr(stored_event, "id", None),  # a Notification: its position
            ) from error
        return event


class ServiceBase(Application[UUID]):
    """Stores and clock; every command goes through `_act` and `_save`, and is decided by
    `_authorise` (or `_may`, then `_authorise` once its record is loaded) from the one table
    of who may do what (domain.rules.jurisdiction).

    Every command on a record that exists takes `expected_version` (`ExpectedVersion`): the
    version of the record its receipt names, as the caller read it. The command checks it
    when it loads that record (`_expect`), before deciding anything on it.

    Commands may read aggregates from the repository's cache (greenlist.config: `trusted` when
    this process is the only writer, `checked` = fast-forwarded from the store otherwise).
    Every write is checked by the store's version constraint, so a decision taken on a stale
    copy is never recorded: the copy is evicted and the caller gets `ConcurrentUpdate`.
    Queries always read the store."""

    name = "greenlist"
    snapshotting_intervals: ClassVar[dict[Any, int]] = {  # type: ignore[misc]
        Unit: UNIT_SNAPSHOT_INTERVAL,
    } | {
        cls: SNAPSHOT_INTERVAL
        for cls in (
            Round,
            Agency,
            EvaluationQuota,
            Complaint,
            ExpertPool,
            AdjustmentQueue,
            ParkMembership,
        )
    }

    def __init__(
        self,
        env: Mapping[str, str],
        clock: Clock,
        notice_period: Period | None = None,
        *,
        aggregates: AggregateStore | None = None,
    ) -> None:
        super().__init__(env=env)
        self.clock = clock
        self.notice_period = notice_period or Period()
        """A16.1: 15 calendar days unless configured (domain.calendar)."""
        self.store_reader: Repository[UUID] = Repository(
            event_store=self.events, snapshot_store=self.snapshots
        )
        self.aggregate_store: AggregateStore = aggregates or StoredAggregates(self)
        """Where commands load and write aggregates: the event store unless told."""

    def construct_mapper(self) -> Mapper[UUID]:
        """Every stored event and snapshot is decoded by `CheckedMapper`."""
        return self.factory.mapper(
            transcoder=self.construct_transcoder(), mapper_class=CheckedMapper
        )

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
        for transcoding in TRANSCODINGS:  # the Unit's typed state, in its snapshots
            transcoder.register(transcoding)

    # --- acts and saving -----------------------------------------------------------------

    def _act(
        self,
        actor: Actor,
        occurred_at: datetime | None = None,
        justification: str = "",
        *,
        rules: Iterable[str],
    ) -> Act:
        """The act of a command, recorded now (the injected clock).

        No act may be dated after the instant it is recorded, beyond a few seconds of clock
        skew (issue 9 item 3, checks.check_not_future_dated): a deadline is judged at the
        act's date, so a stated future would let an actor publish before the notice is over
        (A16.1), mark a form overdue before 16 April (A18) or count a report in next year's
        quota (A22.3). Each command names `rules`: the rules it is done under, among them the
        deadline or count its date decides, so that the refusal names the rule the act would
        have dodged; the events' own codes would not always say it (a publication's events
        carry A16.2 and A17, not the notice's A16.1). Required, so that a new command states
        them too. Called before any aggregate is changed, so a refused act leaves nothing
        behind; `_save` checks the events again, for an act built any other way."""
        now = self.clock.now()
        if occurred_at is not None:
            check_not_future_dated(occurred_at, now, sorted(set(rules), key=rule_order))
        return Act(actor, now, occurred_at or now, justification)

    def _save(self, primary: GreenAggregate, *others: GreenAggregate, **details: Any) -> Receipt:
        """Write all pending events of the aggregates atomically, with their timeline entries;
        a lost race writes nothing."""
        aggregates = (primary, *others)
        self._check_not_future_dated(aggregates)
        timeline = [
            (e.originator_id, e.originator_version, micros(e.timestamp))
            for aggregate in aggregates
            for e in aggregate.pending_events
        ]
        position = self.aggregate_store.write(aggregates, timeline)
        return Receipt(primary.id, primary.version, position, details)

    def _check_not_future_dated(self, aggregates: tuple[GreenAggregate, ...]) -> None:
        """The catch-all behind `_act`'s check (issue 9 item 3): no event is saved dated after
        its recording beyond the clock skew, whichever way its act was built. The refused act
        is dropped (its changes evicted from the cached copies, nothing left pending) and the
        refusal names the rules its events carry."""
        for aggregate in aggregates:
            for e in aggregate.pending_events:
                occurred, recorded = getattr(e, "occurred_at", None), e.timestamp
                if occurred is None or occurred <= recorded + CLOCK_SKEW:
                    continue
                self._evict(aggregates)
                codes = {
                    c for a in aggregates for p in a.pending_events for c in getattr(p, "rules", ())
                }
                for a in aggregates:
                    a.collect_events()  # the refused act leaves nothing pending
                check_not_future_dated(occurred, recorded, sorted(codes, key=rule_order))

    def _evict(self, aggregates: Iterable[GreenAggregate]) -> None:
        cache = self.repository.cache
        if cache is not None:
            for aggregate in aggregates:
                with suppress(KeyError):
                    cache.get(aggregate.id, evict=True)

    def _create(self, aggregate: A, what: str) -> Receipt:
        try:
            return self._save(aggregate)
        except ConcurrentUpdate:
            raise AlreadyExists(zh=f"{what}已存在", en=f"{what} already exists") from None

    # --- loading -------------------------------------------------------------------------

    @staticmethod
    def _expect(aggregate: A, expected: ExpectedVersion) -> A:
        """Optimistic concurrency for a caller that read the record (HTTP If-Match): the act is
        refused (`VersionMismatch`, nothing recorded) unless the record is at the `expected`
        version or, for `ANY_VERSION`, exists. Judged on the version it was loaded at, so an
        act that would create the record finds no version to match."""
        if expected is None:
            return aggregate
        loaded = aggregate.version - len(aggregate.pending_events)
        if loaded == 0:
            raise VersionMismatch(
                zh="记录尚不存在，请先读取后重试",
                en="the record does not exist yet: there is no version to match",
            )
        if isinstance(expected, int) and expected != loaded:
            raise VersionMismatch(
                zh=f"版本已变为{loaded}，请刷新后重试",
                en=f"expected version {expected}, the record is at {loaded}",
            )
        return aggregate

    def _get(self, cls: type[A], aggregate_id: UUID, what: str, fresh: bool = False) -> A:
        """Load an aggregate for a command (from the cache if enabled) or, `fresh`, from the
        store."""
        aggregate = self.aggregate_store.load(aggregate_id, fresh)
        if not isinstance(aggregate, cls):
            raise NotFound(zh=f"{what}不存在", en=f"{what} not found")
        return aggregate

    def _unit(self, credit_code: str, fresh: bool = False) -> Unit:
        code = credit_code.strip().upper()
        return self._get(Unit, unit_id(code), f"单位 unit {credit_code}", fresh)

    def _member_records(self, unit: Unit) -> list[NegativeRecord]:
        """A17 "含园区内企业": the records of the registered enterprises inside a park."""
        records: list[NegativeRecord] = []
        for code in unit.members:
            with suppress(NotFound):
                records.extend(self._unit(code).negative_records())
        return records

    # --- who may act (domain.rules.jurisdiction) -----------------------------------------

    @staticmethod
    def _may(actor: Actor, act: str) -> None:
        """ID.3, the role table: refused unless the actor's role may do `act`. Called when the
        act starts, before any record is read, by the acts whose reach is judged on a record
        (`_authorise` once it is loaded)."""
        jurisdiction.check_role(actor, act)

    @staticmethod
    def _authorise(
        actor: Actor,
        act: str,
        unit: Unit | None = None,
        *,
        level: Level | None = None,
        city: str | None = None,
        credit_code: str | None = None,
        department: str | None = None,
    ) -> None:
        """ID.3 and the role table: the actor's role may do `act` and it reaches what the act
        acts on: the `unit` (its city, its credit code), a list `level`, a report's handling
        `city`, an agency's `credit_code`, a co-signing `department`."""
        target = jurisdiction.Target(
            city=unit.city if unit is not None else city,
            credit_code=unit.credit_code if unit is not None else credit_code,
            level=level,
            department=department,
        )
        jurisdiction.check_reach(actor, act, target)
