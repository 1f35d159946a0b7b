"""A bulk writer for large generated histories (the province story, simulation.province): the
service's `AggregateStore` port (domain.service.base) with the aggregates kept in memory and
the events of many commands written in one transaction.

Every event is still made by the service's own commands, with every rule checked as in
production; what is not production-like is only how the events reach the store. They are kept
in command order, with the timeline entries the service computed for them, and written
`flush_every` at a time by `Application.save` (the library's public write: no snapshots, a
rebuild never reads them). Writing each command's aggregates at once would keep the log's time
order too, but a round trip per command is what makes a large history slow to generate."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any, TypeVar
from uuid import UUID

from domain.aggregates.base import GreenAggregate
from domain.aggregates.unit import Unit, unit_id
from domain.clock import Clock
from domain.custody import Sealer
from domain.errors import ConcurrentUpdate
from domain.rules.checks import NegativeRecord
from domain.service import Greenlist
from domain.service.base import TimelineEntry
from greenlist.vault import KeyRing, Vault
from greenlist.vault.envelope import new_data_key
from projections.engine.sqlite_db import SQLiteDb

A = TypeVar("A", bound=GreenAggregate)


class BulkWriter:
    """Aggregates by id, in memory, and the events not written yet, in command order."""

    def __init__(self, flush_every: int = 4000) -> None:
        self.aggregates: dict[UUID, GreenAggregate] = {}
        self.kept: list[Any] = []
        self.timeline: list[TimelineEntry] = []
        self.flush_every = flush_every
        self.written = 0
        self.write_seconds = 0.0
        self._service: Greenlist | None = None

    @classmethod
    def service(
        cls,
        env: dict[str, str],
        clock: Clock,
        flush_every: int = 4000,
        vault: Sealer | None = None,
    ) -> Greenlist:
        """The service on the store `env` describes, loading and writing through a new
        bulk writer (its `aggregate_store`); reports are sealed by `vault` (default: one in
        memory, under a key of the process: a generated history's reporters are invented)."""
        writer = cls(flush_every)
        sealer = vault or Vault(SQLiteDb(":memory:"), KeyRing(new_data_key()))
        writer._service = Greenlist(env, clock, aggregates=writer, vault=sealer)
        return writer._service

    # --- the port ------------------------------------------------------------------------

    def load(self, aggregate_id: UUID, fresh: bool) -> GreenAggregate | None:
        return self.aggregates.get(aggregate_id)

    def write(
        self, aggregates: Sequence[GreenAggregate], timeline: Sequence[TimelineEntry]
    ) -> int | None:
        if any(self.aggregates.get(a.id, a) is not a for a in aggregates):
            raise ConcurrentUpdate(zh="已存在", en="another aggregate has this id")
        for aggregate in aggregates:
            self.aggregates[aggregate.id] = aggregate
            self.kept.extend(aggregate.collect_events())
        self.timeline.extend(timeline)
        if len(self.kept) >= self.flush_every:
            self.flush()
        return None

    # --- writing and reading what it holds -----------------------------------------------

    def flush(self) -> None:
        """Write the events kept so far, in command order, with their timeline entries."""
        if not self.kept:
            return
        assert self._service is not None, "built by BulkWriter.service"
        started = time.perf_counter()
        self._service.save(*self.kept, timeline=self.timeline)
        self.written += len(self.kept)
        self.kept, self.timeline = [], []
        self.write_seconds += time.perf_counter() - started

    def get(self, cls: type[A], aggregate_id: UUID) -> A:
        """An aggregate the commands made (KeyError if there is none; TypeError if it is not a
        `cls`): the generator plans from what the service decided."""
        aggregate = self.aggregates[aggregate_id]
        if not isinstance(aggregate, cls):
            raise TypeError(f"{aggregate_id} is a {type(aggregate).__name__}, not a {cls}")
        return aggregate

    def unit(self, code: str) -> Unit:
        return self.get(Unit, unit_id(code))

    def member_records(self, park: Unit) -> list[NegativeRecord]:
        """A17 "含园区内企业": the records of the registered enterprises inside a park, as the
        service gathers them when it checks the park."""
        members = (self.aggregates.get(unit_id(code)) for code in park.members)
        return [r for m in members if isinstance(m, Unit) for r in m.negative_records()]

    def dirty(self) -> bool:
        """Whether a refused command left events on an aggregate (it changed it before being
        refused): the in-memory state would then differ from the log."""
        return any(a.pending_events for a in self.aggregates.values())
