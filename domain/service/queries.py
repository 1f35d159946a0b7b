"""Reads of single aggregates: current state, state as of an instant, history.
Lists and searches come from the projections, never from replaying many aggregates."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from copy import deepcopy
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, TypeVar, cast
from uuid import UUID

from domain.aggregates.agency import Agency, EvaluationQuota, agency_id, quota_id, quota_key
from domain.aggregates.round import Round, round_id
from domain.aggregates.unit import Unit, unit_id
from domain.errors import NotFound, OutOfRange
from domain.events.base import Provenance
from domain.reporters import shown_actor
from domain.service.base import LogPositions, ServiceBase, Timeline, fold
from domain.service.ports import HeadVersion, RecordedStream
from domain.service.stored import Memo, StoredAggregates, folded, head_version, in_one_trip
from domain.service.views import UnitView
from domain.service.world_time import fold_stated_by
from domain.values import Level, micros


@dataclass(frozen=True)
class EventView:
    """One recorded event of a stream, with its provenance."""

    version: int
    type: str
    recorded_at: datetime
    occurred_at: datetime
    actor_id: str
    actor_role: str
    actor_region: str
    rules: list[str]
    exceptions: list[str]
    ruleset: str
    justification: str
    data: Mapping[str, Any]
    position: int | None = None
    """The event's position in the log: the leaf an inclusion proof is asked for
    (`GET /api/v1/log/proof/inclusion?position=…`)."""


PROVENANCE_FIELDS = frozenset(Provenance.__dataclass_fields__) | {
    "originator_id",
    "originator_version",
    "timestamp",
    "originator_topic",
}


def positioned(recorder: object, originator_id: UUID, views: list[EventView]) -> list[EventView]:
    """The views with their events' log positions (the store's `LogPositions` port)."""
    positions = cast(LogPositions, recorder).positions_of(originator_id)
    return [replace(v, position=positions.get(v.version)) for v in views]


def _micros(instant: datetime) -> int:
    """An instant the stores can compare, or `OutOfRange` (never an overflow deeper down)."""
    try:
        return micros(instant)
    except OverflowError:  # e.g. 9999-12-31T23:59:59-14:00, past year 9999 in UTC
        raise OutOfRange(
            zh=f"时点{instant.isoformat()}超出可表示的范围",
            en=f"the instant {instant.isoformat()} is outside the representable range",
        ) from None


R = TypeVar("R")

DERIVED_VIEWS = 2048
"""How many units' views, each at one version, as a caller derived them (`unit_now_as`), a
service remembers: the most recently read."""


class Queries(ServiceBase):
    """Reads of one unit, round or ledger."""

    _derived: Memo[tuple[UUID, int, Callable[[UnitView], Any]], Any] | None = None
    _derived_lock = threading.Lock()

    def unit_now_as(self, credit_code: str, derive: Callable[[UnitView], R]) -> R:
        """`derive(self.get_unit(credit_code))` (what a reader shows of a unit now, e.g. its
        JSON), worked out once per version of the unit (issue 15 item 4).

        What a unit's version shows never changes: its events are never altered, and the view
        is the fold of them up to that version. So the stream is read as `get_unit` reads it
        (its latest snapshot and the events after it, one round trip, one snapshot of the
        store), and the version it ends at says whether `derive` was already applied to this
        version of this unit: then its result is given again, without decoding and folding
        the events. A read after a command that changed the unit reads the new version, and
        derives afresh. Bounded (`DERIVED_VIEWS`); a store without the one-trip read, or
        aggregates kept elsewhere (simulation.bulk), just derive every time.

        A store that tells an aggregate's latest version in one small look-up (`HeadVersion`)
        is asked that first: a version already derived is given again without reading the
        stream at all (its snapshot and events: most of a read's work in the store and in
        psycopg); a version not yet derived costs that look-up more."""
        code = credit_code.strip().upper()
        store = self.recorder
        stored_here = type(self.aggregate_store) is StoredAggregates
        if not (isinstance(store, RecordedStream) and self.snapshots is not None and stored_here):
            return derive(self.get_unit(credit_code))
        uid = unit_id(code)
        memo = self._derived_views()
        if isinstance(store, HeadVersion):
            latest = store.head_version(uid)
            remembered = memo.get((uid, latest, derive)) if latest else None
            if remembered is not None:
                return cast(R, remembered)
        snapshot, stored = store.stream_recorded_by(uid, None)
        head = head_version(snapshot, stored)
        key = (uid, head or 0, derive)
        found = memo.get(key) if head else None
        if found is not None:
            return cast(R, found)
        unit = folded(self, snapshot, stored)
        if not isinstance(unit, Unit):
            what = f"单位 unit {credit_code}"  # as `get_unit` says it
            raise NotFound(zh=f"{what}不存在", en=f"{what} not found")
        result = derive(UnitView.of(unit))
        memo.put(key, result)
        return result

    def _derived_views(self) -> Memo[tuple[UUID, int, Callable[[UnitView], Any]], Any]:
        with self._derived_lock:
            if self._derived is None:
                self._derived = Memo(DERIVED_VIEWS)
            return self._derived

    def get_unit(self, credit_code: str) -> UnitView:
        return UnitView.of(self._unit(credit_code, fresh=True))

    def unit_as_of(
        self,
        credit_code: str,
        recorded: datetime | None = None,
        *,
        world: datetime | None = None,
    ) -> UnitView:
        """The unit as of a recorded instant, a world instant, or both (M21).

        - `recorded` only: what the system knew at R, the state after the events recorded by
          R: one look-up in the timeline index, then a versioned read from the nearest
          snapshot; no other unit is replayed.
        - `world` only: what was true at W by everything recorded now, the events whose stated
          world time (`occurred_at`) is at or before W: an act back-entered counts from its
          world date (a removal recorded in May for an accident in March shows as of April);
          an act stated after W does not count, whenever it was recorded.
        - both: what the system knew at R about W, the events recorded by R and stated by W.

        The world view folds a subset of the stream, in the order of the record, leaving out
        too an event that presupposes what it left out (domain.service.world_time says why);
        its `version` is that of the last event it holds. Neither: the unit now."""
        if world is None:
            if recorded is None:
                return self.get_unit(credit_code)
            return UnitView.of(self._unit_recorded_by(credit_code, recorded))
        uid = unit_id(credit_code.strip().upper())
        _micros(world)
        if recorded is None:
            events = list(self.events.get(uid))
            if not events:
                raise NotFound(zh=f"单位{credit_code}不存在", en=f"unit {credit_code} not found")
        else:
            version = self._version_recorded_by(uid, recorded)
            events = list(self.events.get(uid, lte=version))
        folded = fold_stated_by(events, world)
        if folded.aggregate is None:
            raise NotFound(
                zh="按所述发生时间，该时点单位尚未登记",
                en="by the dates the acts state, the unit was not registered at that instant",
            )
        assert isinstance(folded.aggregate, Unit)
        return UnitView.of(folded.aggregate)

    def _version_recorded_by(self, uid: UUID, recorded: datetime) -> int:
        """The version the unit had at a recorded instant (the timeline index)."""
        version = cast(Timeline, self.recorder).version_at(uid, _micros(recorded))
        if version == 0:
            raise NotFound(
                zh="该时点单位尚未登记", en="the unit was not registered at that instant"
            )
        return version

    def _unit_recorded_by(self, credit_code: str, recorded: datetime) -> Unit:
        uid = unit_id(credit_code.strip().upper())
        if isinstance(self.recorder, RecordedStream) and self.snapshots is not None:
            return self._unit_in_one_trip(self.recorder, uid, recorded)
        version = self._version_recorded_by(uid, recorded)
        unit = self.store_reader.get(uid, version=version, projector_func=fold)
        assert isinstance(unit, Unit)
        return unit

    def _unit_in_one_trip(self, store: RecordedStream, uid: UUID, recorded: datetime) -> Unit:
        """As `store_reader.get` at the version recorded by then, from one read of the store."""
        unit = in_one_trip(self, store, uid, _micros(recorded))
        if unit is None:
            raise NotFound(
                zh="该时点单位尚未登记", en="the unit was not registered at that instant"
            )
        assert isinstance(unit, Unit)
        return unit

    def unit_history(self, credit_code: str) -> list[EventView]:
        """Every event of the unit's stream, oldest first."""
        uid = self._unit(credit_code, fresh=True).id
        return positioned(self.recorder, uid, [self._event_view(e) for e in self.events.get(uid)])

    @staticmethod
    def _event_view(event: Any) -> EventView:
        """The event as reads show it: the filer of a report withheld (A23.1, domain.reporters)."""
        data = {k: v for k, v in event.__dict__.items() if k not in PROVENANCE_FIELDS}
        actor_id, actor_role, actor_region = shown_actor(event)
        return EventView(
            version=event.originator_version,
            type=type(event).__name__,
            recorded_at=event.timestamp,
            occurred_at=event.occurred_at,
            actor_id=actor_id,
            actor_role=actor_role,
            actor_region=actor_region,
            rules=list(event.rules),
            exceptions=list(event.exceptions),
            ruleset=event.ruleset,
            justification=event.justification,
            data=data,
        )

    def get_round(self, level: Level, year: int) -> Mapping[str, Any]:
        rnd = self._get(Round, round_id(level, year), "round", fresh=True)
        return {
            "id": rnd.id,
            "version": rnd.version,
            "level": rnd.level,
            "year": rnd.year,
            "quotas": dict(rnd.quotas),
            "nominations": dict(rnd.nominations),
            "panels": deepcopy(rnd.panels),
            "sample": rnd.sample,
            "notice": deepcopy(rnd.notice),
            "cosigned": list(rnd.cosigned),
            "published_on": rnd.published_on,
            "recommendation": deepcopy(getattr(rnd, "recommendation", None)),  # A16.3
        }

    def round_history(self, level: Level, year: int) -> list[EventView]:
        rid = round_id(level, year)
        return positioned(self.recorder, rid, [self._event_view(e) for e in self.events.get(rid)])

    def quota_used(self, representative_id: str, year: int) -> Mapping[str, int]:
        """A22.3: projects counted for a legal representative (by resident ID number, hashed
        like at registration) in a year."""
        key = quota_key("", self._person(representative_id))
        try:
            quota = self._get(EvaluationQuota, quota_id(key, year), "quota", fresh=True)
        except NotFound:
            return {"national": 0, "provincial": 0, "none": 0}
        return dict(quota.used)

    def get_agency(self, credit_code: str) -> Mapping[str, Any]:
        agency = self._get(Agency, agency_id(credit_code.strip().upper()), "agency", fresh=True)
        return {
            "id": agency.id,
            "credit_code": agency.credit_code,
            "name": agency.name,
            "legal_representative": agency.legal_representative,
            "misconduct": agency.misconduct,
        }
