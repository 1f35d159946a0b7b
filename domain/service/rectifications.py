"""A23.2: the follow-up of a confirmed report that asks the unit to rectify: due by a date
(domain.rules.accidents.rectification_due), flagged overdue by the scheduler the day after,
closed by the city's record of the result; a unit that did not rectify is removed at the
annual publication (A19), as a confirmed report asking for removal is."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from domain.aggregates.complaint import Complaint
from domain.aggregates.unit import Unit
from domain.service.base import ExpectedVersion, Receipt
from domain.service.deadlines import DeadlineActs
from domain.values import Actor


class RectificationActs(DeadlineActs):
    """A23.2: the rectification's result, recorded by the handling city; its overdue flag."""

    def record_rectification(
        self,
        actor: Actor,
        complaint_id: UUID,
        rectified: bool,
        notes: str = "",
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A23.2: the handling city records whether the unit rectified: rectified closes the
        follow-up; not rectified decides its removal at the next annual publication (A23.2,
        A19.3, as `verify_complaint` with the outcome removal)."""
        self._may(actor, "record_rectification")
        complaint = self._expect(self._complaint(complaint_id), expected_version)
        self._authorise(actor, "record_rectification", city=complaint.city)
        act = self._act(actor, occurred_at, notes, rules=("A23.2",))
        complaint.check_rectification(act, rectified, notes)
        if rectified:
            return self._save(complaint, removal_pending=[])
        unit = self._get(Unit, complaint.target_id, "unit")
        queue = self._queue(act)
        deferred = self._defer_removal(
            act,
            unit,
            unit.listed_levels,
            ["A23.2", "A19.3"],
            "举报核实属实且未按要求整改 / confirmed report, not rectified as required",
            queue,
        )
        return self._save(complaint, unit, queue, removal_pending=deferred)

    def flag_rectification_overdue(
        self, actor: Actor, complaint_id: UUID, due_on: date
    ) -> Receipt | None:
        """A23.2: the day after its due date a rectification with no result recorded is
        overdue (the scheduler's act; the follow-up stays open until the city records it)."""
        complaint = self._get(Complaint, complaint_id, "complaint", fresh=True)
        act = self._deadline_act(actor, "flag_rectification_overdue", "A23.2", due_on)
        if not complaint.flag_rectification_overdue(act):
            return None
        return self._save(complaint)
