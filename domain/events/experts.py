"""Events of the Zhejiang green low-carbon expert pool (A15.2)."""

from __future__ import annotations

from domain.events.base import DomainCreated, DomainEvent


class ExpertPoolOpened(DomainCreated):
    """The province's expert pool was opened."""


class ExpertEnrolled(DomainEvent):
    """An expert joined the pool; the employer's credit code is kept to exclude conflicts."""

    expert_id: str
    name: str
    employer_code: str


class ExpertWithdrawn(DomainEvent):
    """An expert left the pool."""

    expert_id: str
