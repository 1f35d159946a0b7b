"""Which reports and objections keep personal data past its retention (issue 14 item 3; A23.1,
A16.1): what the scheduler's retention job erases (scheduler.jobs).

A reporter's or objector's identity is kept no longer than the handling of the report or
objection needs (domain.rules.custody): `days` after it was closed (a report verified, or its
rectification checked; an objection decided), its data key is destroyed. Found from the log
itself, read through only the events that close a subject or erase its data (the recorder's
topic filter: the database passes over the log once and sends and decodes only those), so the
answer never waits for a read model; only the subjects it names are then loaded, by the erasing
act. The scheduler asks once a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.events import complaint as co
from domain.events import objection as ob
from domain.events.base import PersonalDataErased
from domain.rules.custody import retention_ends
from domain.service.base import ServiceBase
from domain.values import local_date

REPORT, OBJECTION = "complaint", "objection"
CLOSING: dict[type, str] = {
    co.ComplaintVerified: REPORT,
    co.RectificationChecked: REPORT,
    ob.ObjectionHandled: OBJECTION,
}
"""The events after which a report or an objection is closed (Complaint.closed_on,
NoticeObjection.closed_on), with the kind of subject they close."""
BATCH = 1000


@dataclass(frozen=True)
class Closed:
    """A closed report or objection whose personal data was not erased yet."""

    kind: str
    """"complaint" or "objection"."""
    id: UUID
    closed_at: datetime
    """When it was closed (the closing event's recorded instant, as the aggregate's closed_on)."""


class CustodyQueries(ServiceBase):
    """Reads over the sealed personal data's custody."""

    def retention_ended(self, on: date, days: int) -> list[Closed]:
        """The reports and objections whose retention of `days` days after closing ended on or
        before `on` (domain.rules.custody.retention_ends) and whose personal data was not
        erased, in the order they were closed."""
        return [
            c for c in self.closed_unerased() if retention_ends(local_date(c.closed_at), days) <= on
        ]

    def closed_unerased(self) -> list[Closed]:
        """Every closed report and objection whose personal data was not erased yet. A report
        verified with a rectification to follow closes only when the rectification is checked
        (its ComplaintVerified is passed over)."""
        erasures = (co.ReporterDataErased, ob.ObjectorDataErased)
        topics = [get_topic(cls) for cls in (*CLOSING, *erasures)]
        closed: dict[UUID, Closed] = {}
        erased: set[UUID] = set()
        after = 0
        while True:
            batch = self.recorder.select_notifications(
                start=after, limit=BATCH, topics=topics, inclusive_of_start=False
            )
            for notification in batch:
                event: Any = self.mapper.to_domain_event(notification)
                subject = event.originator_id
                if isinstance(event, PersonalDataErased):
                    erased.add(subject)
                elif not (
                    isinstance(event, co.ComplaintVerified) and event.outcome == "rectification"
                ):
                    closed[subject] = Closed(CLOSING[type(event)], subject, event.timestamp)
            if len(batch) < BATCH:
                break
            after = batch[-1].id
        return sorted((c for c in closed.values() if c.id not in erased), key=lambda c: c.closed_at)
