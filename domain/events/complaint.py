"""Events of a real-name report (A23). The reporter's identity lives only here."""

from __future__ import annotations

from uuid import UUID

from domain.events.base import DomainCreated, DomainEvent


class ComplaintFiled(DomainCreated):
    """A real-name report was filed with the handling city bureau (A23.1)."""

    target_type: str
    target_id: UUID
    city: str
    reporter_name: str
    reporter_contact: str
    evidence: list[str]
    content: str


class ReporterIdentityRead(DomainEvent):
    """Someone entitled read the reporter's name and contact; every such read is recorded."""


class ComplaintVerified(DomainEvent):
    """The city verified the report (A23.2)."""

    confirmed: bool
    outcome: str
    notes: str
