"""The service's foundation: store, clock, transcodings, loading and saving, the expected
version of the record acted on, and who may act (from domain.rules.jurisdiction's table)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from datetime import datetime
from typing import Any, ClassVar, TypeVar
from uuid import UUID

from eventsourcing.application import Application, Repository
from eventsourcing.persistence import (
    JSONTranscoder,
    Mapper,
)

from domain.acts import Act
from domain.aggregates.adjustments import AdjustmentQueue
from domain.aggregates.agency import Agency, EvaluationQuota
from domain.aggregates.base import GreenAggregate
from domain.aggregates.complaint import Complaint
from domain.aggregates.experts import ExpertPool
from domain.aggregates.membership import ParkMembership
from domain.aggregates.round import Round
from domain.aggregates.sealed import HoldsSealedData
from domain.aggregates.unit import TRANSCODINGS, Unit, unit_id
from domain.clock import Clock
from domain.custody import NoVault, Sealer
from domain.errors import (
    AlreadyExists,
    ConcurrentUpdate,
    NotFound,
    VersionMismatch,
)
from domain.identity import IdentityHasher, KeyedHash
from domain.rules import agencies, custody, jurisdiction, rule_order
from domain.rules.calendar import Period
from domain.rules.exclusions import NegativeRecord
from domain.rules.provenance import CLOCK_SKEW, check_not_future_dated
from domain.service.mapping import CheckedMapper, DateAsISO, fold, required_fields
from domain.service.ports import (
    ANY_VERSION,
    AggregateStore,
    AnyVersion,
    ExpectedVersion,
    LogPositions,
    Receipt,
    Timeline,
    TimelineEntry,
)
from domain.service.stored import StoredAggregates
from domain.values import Actor, Level, micros

__all__ = [
    "ANY_VERSION",
    "AggregateStore",
    "AnyVersion",
    "CheckedMapper",
    "DateAsISO",
    "ExpectedVersion",
    "LogPositions",
    "Receipt",
    "ServiceBase",
    "StoredAggregates",
    "Timeline",
    "TimelineEntry",
    "fold",
    "required_fields",
]

A = TypeVar("A", bound=GreenAggregate)


SNAPSHOT_INTERVAL = 50
UNIT_SNAPSHOT_INTERVAL = 10
"""Units are read as of past instants: a snapshot every 10 events keeps any version within
nine events of one."""


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
        identity: IdentityHasher | None = None,
        vault: Sealer | None = None,
    ) -> None:
        super().__init__(env=env)
        self.clock = clock
        self.identity: IdentityHasher = identity or KeyedHash.ephemeral()
        """A22.3: turns a legal representative's ID number into the keyed identity that is
        stored (domain.identity); the composition root passes the configured key."""
        self.vault: Sealer = vault or NoVault()
        """Issue 14: seals the reporters' and objectors' personal data before it is stored
        (domain.custody); the composition root passes the configured vault. Without one,
        nothing personal can be filed."""
        self.notice_period = notice_period or Period()
        """A16.1: 15 calendar days unless configured (domain.calendar)."""
        self.store_reader: Repository[UUID] = Repository(
            event_store=self.events, snapshot_store=self.snapshots
        )
        self.aggregate_store: AggregateStore = aggregates or StoredAggregates(self)
        """Where commands load and write aggregates: the event store unless told."""

    def close(self) -> None:
        """The event store closed, and the vault (its own connections: issue 14)."""
        try:
            super().close()
        finally:
            self.vault.close()

    def _person(self, representative_id: str) -> str:
        """A22.3: the keyed identity of a valid resident ID number (the number is not kept)."""
        return self.identity(agencies.check_a22_3_representative_id(representative_id))

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
        codes = {c for a in aggregates for e in a.pending_events for c in getattr(e, "rules", ())}
        position = self.aggregate_store.write(aggregates, timeline)
        rules = tuple(sorted(codes, key=rule_order))
        return Receipt(
            primary.id, primary.version, position, details, type(primary).__name__, rules
        )

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

    def _expect(self, aggregate: A, expected: ExpectedVersion) -> A:
        """Optimistic concurrency for a caller that read the record (HTTP If-Match): the act is
        refused (`VersionMismatch`, nothing recorded) unless the record is at the `expected`
        version or, for `ANY_VERSION`, exists. Judged on the version it was loaded at, so an
        act that would create the record finds no version to match. The record to act on is
        returned: a copy kept in memory that does not match is dropped and the record read
        from the store, and judged again there (found by an outside attack: a kept copy one
        version behind refused the version every read showed, at every resend)."""
        if expected is None:
            return aggregate
        loaded = aggregate.version - len(aggregate.pending_events)
        if loaded == 0:
            raise VersionMismatch(
                zh="记录尚不存在，请先读取后重试",
                en="the record does not exist yet: there is no version to match",
            )
        if isinstance(expected, int) and expected != loaded and not aggregate.pending_events:
            self._evict([aggregate])
            stored = self.aggregate_store.load(aggregate.id, fresh=True)
            if isinstance(stored, type(aggregate)):
                aggregate, loaded = stored, stored.version
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

    def _complaint(self, complaint_id: UUID, expected_version: ExpectedVersion = None) -> Complaint:
        """A real-name report (A23), at the version the caller read if it names one."""
        return self._expect(self._get(Complaint, complaint_id, "举报 complaint"), expected_version)

    def _erase_sealed(self, holder: HoldsSealedData, act: Act, basis: str, reason: str) -> Receipt:
        """Issue 14: record the erasure of a report's or objection's sealed data, then destroy
        its data key; the filing event stays as stored (its leaf unchanged). Erased already:
        the key destroyed again (mends a crash between the two) and 410 saying when and why."""
        if not holder.erase(act, basis, reason):
            self.vault.shred(holder.id)
            raise custody.erased(holder.codes, holder.erased_on, holder.erased_because)
        receipt = self._save(holder)
        self.vault.shred(holder.id)
        return receipt

    def _get_or_open(self, cls: type[A], aggregate_id: UUID, opened: Callable[[], A]) -> A:
        """The aggregate of this id, or a new one (`opened()`, not saved yet) when there is
        none: the queue, the expert pool, a park member's index, an agency's yearly quota are
        opened by the first act that needs them."""
        aggregate = self.aggregate_store.load(aggregate_id, False)
        if aggregate is None:
            return opened()
        if not isinstance(aggregate, cls):
            raise NotFound(zh=f"{cls.__name__}不存在", en=f"{cls.__name__} not found")
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
