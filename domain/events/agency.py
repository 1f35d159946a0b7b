"""Events of third-party evaluation agencies and their yearly quota (A12, A22)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.events.base import DomainCreated, DomainEvent


class AgencyRegistered(DomainCreated):
    """A third-party evaluation agency was registered with its legal representative: the name,
    and (version 2) `representative`, the keyed hash of the person's ID number
    (domain.identity), never the number itself. Version 1 events, registered with a name only,
    read as `representative=None`: their quota stays keyed by the name, as it was."""

    class_version = 2

    credit_code: str
    name: str
    legal_representative: str
    city: str
    representative: str | None

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["representative"] = None


class LegalRepresentativeChanged(DomainEvent):
    """The agency's legal representative changed (A22.3): from now on its projects count toward
    the new person's yearly quota. `representative` is the keyed hash of the new person's ID
    number; the projects already counted stay on the previous person's ledger."""

    legal_representative: str
    representative: str


class AgencyMisconductReported(DomainEvent):
    """Falsifying or concealing in an evaluation was reported to the province (A22.1)."""

    description: str
    complaint_id: UUID | None


class QuotaLedgerOpened(DomainCreated):
    """The A22.3 ledger of one legal representative for one year was opened: the name it was
    opened under and (version 2) the person's keyed identity; version 1 ledgers, keyed by the
    name, read as `representative=None`."""

    class_version = 2

    legal_representative: str
    year: int
    representative: str | None

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["representative"] = None


class ProjectCounted(DomainEvent):
    """A third-party report counted toward its legal representative's yearly quota (A22.3)."""

    report_id: UUID
    unit_id: UUID
    agency_id: UUID
    level: str
    kind: str
    counts_as: str
