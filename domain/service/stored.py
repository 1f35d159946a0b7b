"""The service's default `AggregateStore`: the event store itself."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Sequence
from itertools import chain
from typing import TYPE_CHECKING, Generic, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError, StoredEvent

from domain.aggregates.base import GreenAggregate
from domain.errors import ConcurrentUpdate
from domain.service.mapping import fold
from domain.service.ports import RecordedStream, TimelineEntry

if TYPE_CHECKING:
    from domain.service.base import ServiceBase


def in_one_trip(
    service: ServiceBase, store: RecordedStream, aggregate_id: UUID, recorded: int | None
) -> GreenAggregate | None:
    """What `store_reader.get` gives (at the version recorded by `recorded`, micros; None:
    now), from one read of the store (`RecordedStream`): the snapshot decoded as the snapshot
    store decodes it, then the events after it; None when there is nothing."""
    snapshot, stored = store.stream_recorded_by(aggregate_id, recorded)
    return folded(service, snapshot, stored)


def folded(
    service: ServiceBase, snapshot: StoredEvent | None, stored: Sequence[StoredEvent]
) -> GreenAggregate | None:
    """The aggregate of a snapshot (decoded as the snapshot store decodes it) and the stored
    events after it; None when there is nothing."""
    assert service.snapshots is not None
    if snapshot is None and not stored:
        return None
    to_event = service.mapper.to_domain_event
    first = [service.snapshots.mapper.to_domain_event(snapshot)] if snapshot else []
    aggregate = fold(None, chain(first, (to_event(e) for e in stored)))
    return aggregate if isinstance(aggregate, GreenAggregate) else None


def head_version(snapshot: StoredEvent | None, stored: Sequence[StoredEvent]) -> int | None:
    """The version a stream read (`RecordedStream`) ends at: what the aggregate it folds to
    is determined by, together with its id (its events are never altered)."""
    versions = [e.originator_version for e in (snapshot, *stored) if e is not None]
    return max(versions) if versions else None


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    """A bounded, thread-safe memo (least recently used out first)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def run(self, keys: Iterable[K]) -> list[tuple[K, V]]:
        """The values of `keys` up to the first not remembered (one acquisition of the lock)."""
        found = []
        with self._lock:
            for k in keys:
                v = self._items.get(k)
                if v is None:
                    break
                self._items.move_to_end(k)
                found.append((k, v))
        return found

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


class StoredAggregates:
    """The default `AggregateStore`: eventsourcing's repository (its cache, as configured, or
    the store itself when `fresh`) and `Application.save`; a lost race evicts the stale copies
    and is a `ConcurrentUpdate`."""

    def __init__(self, service: ServiceBase) -> None:
        self.service = service

    def load(self, aggregate_id: UUID, fresh: bool) -> GreenAggregate | None:
        service = self.service
        store = service.recorder
        if fresh and isinstance(store, RecordedStream) and service.snapshots is not None:
            return in_one_trip(service, store, aggregate_id, None)
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
