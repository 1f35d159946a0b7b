"""The province-wide queue of what the next annual publication applies: deferred removals
(A19.1-3, A20.3, A21, A23.2) and confirmed name changes of listed units (A20.3)."""

from __future__ import annotations

from uuid import UUID

from domain.acts import Act
from domain.aggregates.base import GreenAggregate, applies, natural_id
from domain.events import adjustments as ev
from domain.values import Level

QUEUE_ID: UUID = natural_id("adjustment-queue", "zhejiang")


class AdjustmentQueue(GreenAggregate):
    """Pending removals and renames, drained by the annual (provincial) publication."""

    @classmethod
    def open(cls, act: Act) -> AdjustmentQueue:
        return cls._create(ev.AdjustmentQueueOpened, id=QUEUE_ID, **act.provenance(["A19.1"]))

    def queue_removal(self, act: Act, unit_id: UUID, level: Level, codes: list[str]) -> None:
        self.record(ev.RemovalQueued, act, codes, unit_id=unit_id, level=level.value)

    def queue_rename(self, act: Act, unit_id: UUID, level: Level, name: str) -> None:
        self.record(
            ev.NameAdjustmentQueued, act, ["A20.3"], unit_id=unit_id, level=level.value, name=name
        )

    def drain(self, act: Act, round_id: UUID) -> None:
        self.record(ev.QueueDrained, act, ["A19.1", "A20.3"], round_id=round_id)

    @property
    def pending_units(self) -> list[str]:
        return sorted({*self.removals, *self.renames})

    @applies
    def _(self, e: ev.AdjustmentQueueOpened) -> None:
        self.removals: dict[str, list[str]] = {}
        self.renames: dict[str, dict[str, str]] = {}

    @applies
    def _(self, e: ev.RemovalQueued) -> None:
        self.removals.setdefault(str(e.unit_id), []).append(e.level)

    @applies
    def _(self, e: ev.NameAdjustmentQueued) -> None:
        self.renames.setdefault(str(e.unit_id), {})[e.level] = e.name

    @applies
    def _(self, e: ev.QueueDrained) -> None:
        self.removals, self.renames = {}, {}
