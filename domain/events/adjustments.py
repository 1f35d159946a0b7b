"""Events of the queue of deferred removals and adjustments (A19.1-3, A20.3)."""

from __future__ import annotations

from uuid import UUID

from domain.events.base import DomainCreated, DomainEvent


class AdjustmentQueueOpened(DomainCreated):
    """The province-wide queue of changes due at the next annual publication was opened."""


class RemovalQueued(DomainEvent):
    """A removal waits for the annual publication (A19.1-3, A20.3)."""

    unit_id: UUID
    level: str


class NameAdjustmentQueued(DomainEvent):
    """A confirmed name change waits for the annual publication (A20.3)."""

    unit_id: UUID
    level: str
    name: str


class QueueDrained(DomainEvent):
    """The annual publication applied everything queued."""

    round_id: UUID
