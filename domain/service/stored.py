"""The service's default `AggregateStore`: the event store itself."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.aggregates.base import GreenAggregate
from domain.errors import ConcurrentUpdate
from domain.service.mapping import fold
from domain.service.ports import TimelineEntry

if TYPE_CHECKING:
    from domain.service.base import ServiceBase


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
