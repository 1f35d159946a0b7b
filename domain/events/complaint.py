"""Events of a real-name report (A23). The reporter's identity lives only here."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.custody import upcast_clear_filing
from domain.events.base import DomainCreated, DomainEvent, IdentityDisclosed, PersonalDataErased


class ComplaintFiled(DomainCreated):
    """A real-name report was filed with the handling city bureau (A23.1).

    class_version 2 (issue 14): the reporter's name, contact, evidence and statement, and the
    account that filed it, are `sealed` (domain.custody: a ciphertext bound to this report and
    version 1, under the report's own data key); the event's actor is the neutral reporter
    (`domain.reporters.WITHHELD`). Version 1 stored them in clear, and the filer as the actor:
    such an event reads with its fields in a legacy envelope, readable as before."""

    class_version = 2

    target_type: str
    target_id: UUID
    city: str
    sealed: str

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        upcast_clear_filing(state, "reporter_name", "reporter_contact", "content")


class ReporterIdentityRead(DomainEvent):
    """Someone entitled read the reporter's name and contact; every such read is recorded.
    Retired (issue 14): a disclosure now states its reason (`custody.IdentityDisclosed`);
    older reports keep these."""


class ComplaintAccepted(DomainEvent):
    """The handling city accepted the report for verification (A23.2); only now does the
    reported unit's history say that it was complained against."""


class ComplaintVerified(DomainEvent):
    """The city verified the report (A23.2)."""

    confirmed: bool
    outcome: str
    notes: str


class RectificationRequired(DomainEvent):
    """A confirmed report asks the unit to rectify by `due_on` (A23.2): a follow-up the city
    records the result of."""

    unit_id: UUID
    credit_code: str
    due_on: date


class RectificationOverdue(DomainEvent):
    """The rectification's due date passed without the city recording its result (A23.2);
    recorded by the scheduler the day after."""

    due_on: date


class RectificationChecked(DomainEvent):
    """The city recorded whether the unit rectified (A23.2): rectified closes the follow-up;
    not rectified leads to removal at the annual publication (A19)."""

    rectified: bool
    notes: str


class ReporterDisclosed(IdentityDisclosed):
    """The handling city bureau or discipline inspection opened the reporter's sealed identity
    for the reason stated (A23.1, issue 14)."""


class ReporterDataErased(PersonalDataErased):
    """The reporter's sealed data was erased: its data key destroyed (issue 14)."""
