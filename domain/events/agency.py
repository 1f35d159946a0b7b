"""Events of third-party evaluation agencies and their yearly quota (A12, A22)."""

from __future__ import annotations

from uuid import UUID

from domain.events.base import DomainCreated, DomainEvent


class AgencyRegistered(DomainCreated):
    """A third-party evaluation agency was registered with its legal representative."""

    credit_code: str
    name: str
    legal_representative: str
    city: str


class AgencyMisconductReported(DomainEvent):
    """Falsifying or concealing in an evaluation was reported to the province (A22.1)."""

    description: str
    complaint_id: UUID | None


class QuotaLedgerOpened(DomainCreated):
    """The A22.3 ledger of one legal representative for one year was opened."""

    legal_representative: str
    year: int


class ProjectCounted(DomainEvent):
    """A third-party report counted toward its legal representative's yearly quota (A22.3)."""

    report_id: UUID
    unit_id: UUID
    agency_id: UUID
    level: str
    kind: str
    counts_as: str
