"""Events of a real-name report (A23). The reporter's identity lives only here."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.events.base import DomainCreated, DomainEvent


class ComplaintFiled(DomainCreated):
    """A real-name report was filed with the handling city bureau (A23.1). Its actor (the
    account that filed it, when a token was used) and the reporter's name and contact are the
    filer's identity: reads withhold them (`domain.reporters`)."""

    target_type: str
    target_id: UUID
    city: str
    reporter_name: str
    reporter_contact: str
    evidence: list[str]
    content: str


class ReporterIdentityRead(DomainEvent):
    """Someone entitled read the reporter's name and contact; every such read is recorded."""


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
