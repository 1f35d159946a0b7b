"""Real-name reports (A23): filed by anyone, verified by the handling city."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.aggregates.agency import Agency, agency_id
from domain.aggregates.complaint import Complaint
from domain.aggregates.unit import Unit
from domain.rules.accidents import rectification_due
from domain.rules.agencies import check_a23_1_handling_city
from domain.service.base import ExpectedVersion, Receipt
from domain.service.removals import RemovalPolicy
from domain.values import Actor


class ComplaintActs(RemovalPolicy):
    """A23.1 filing, A23.2 acceptance for verification, verification and what follows."""

    def file_complaint(
        self,
        actor: Actor,
        target_type: str,
        target_code: str,
        reporter_name: str,
        reporter_contact: str,
        evidence: list[str],
        content: str,
        city: str | None = None,
        occurred_at: datetime | None = None,
    ) -> Receipt:
        """A23.1: a report against a listed unit (handled by its city) or an agency (handled by
        the city where it works, given by `city`). Only the Complaint is written: the unit is
        read, never changed, so that filings (anonymous floods included) cannot contend with
        the unit's own writes nor put the filer in its history (issue 9 item 4). Anyone files,
        but the inspectors and auditors, who read and change nothing."""
        self._authorise(actor, "file_complaint")
        act = self._act(actor, occurred_at, rules=("A23.1",))
        if target_type == "unit":
            unit = self._unit(target_code)
            unit.check_reportable()
            complaint = Complaint.file(
                act,
                "unit",
                unit.id,
                unit.city,
                reporter_name,
                reporter_contact,
                evidence,
                content,
                self.vault,
            )
            return self._save(complaint)
        agency = self._get(Agency, agency_id(target_code.strip().upper()), "agency")
        city = check_a23_1_handling_city(city)
        complaint = Complaint.file(
            act,
            "agency",
            agency.id,
            city,
            reporter_name,
            reporter_contact,
            evidence,
            content,
            self.vault,
        )
        return self._save(complaint)

    def accept_complaint(
        self,
        actor: Actor,
        complaint_id: UUID,
        notes: str = "",
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A23.2: the handling city accepts the report for verification. A report against a
        unit is recorded in the unit's history now ("complained against", by the city), in the
        same transaction as the acceptance."""
        self._may(actor, "accept_complaint")
        complaint = self._expect(self._complaint(complaint_id), expected_version)
        act = self._act(actor, occurred_at, notes, rules=("A23.2",))
        self._authorise(actor, "accept_complaint", city=complaint.city)
        complaint.accept(act)
        if complaint.target_type != "unit":
            return self._save(complaint)
        unit = self._get(Unit, complaint.target_id, "unit")
        unit.complained_against(act, complaint.id)
        return self._save(complaint, unit)

    def verify_complaint(
        self,
        actor: Actor,
        complaint_id: UUID,
        confirmed: bool,
        outcome: str,
        notes: str = "",
        occurred_at: datetime | None = None,
        rectify_by: date | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A23.2: a confirmed report leads to rectification or removal at the annual publication
        (A19.3); one against an agency is reported under A22.1. A rectification has a
        follow-up due by `rectify_by` (default: 90 days on, domain.rules.accidents)."""
        self._may(actor, "verify_complaint")
        complaint = self._expect(self._complaint(complaint_id), expected_version)
        act = self._act(actor, occurred_at, notes, rules=("A23.2",))
        self._authorise(actor, "verify_complaint", city=complaint.city)
        complaint.verify(act, confirmed, outcome, notes)
        if complaint.target_type == "agency":
            agency = self._get(Agency, complaint.target_id, "agency")
            if confirmed:
                agency.report_misconduct(act, notes or outcome, complaint.id)
            return self._save(complaint, agency)
        unit = self._get(Unit, complaint.target_id, "unit")
        unit.record_complaint_outcome(act, complaint.id, confirmed, outcome)
        if outcome == "rectification":
            due = rectification_due(act.on, rectify_by)
            complaint.require_rectification(act, unit.id, unit.credit_code, due)
            return self._save(complaint, unit, rectify_by=due)
        if outcome != "removal":
            return self._save(complaint, unit)
        queue = self._queue(act)
        self._defer_removal(
            act,
            unit,
            unit.listed_levels,
            ["A23.2", "A19.3"],
            "举报核实属实 / confirmed real-name report",
            queue,
        )
        return self._save(complaint, unit, queue)

    def disclose_reporter(
        self, actor: Actor, complaint_id: UUID, reason: str
    ) -> tuple[dict[str, Any], Receipt]:
        """The reporter's identity, for the handling city bureau and inspectors only, for a
        stated reason (issue 14): the disclosure is recorded in the report's stream first."""
        self._may(actor, "disclose_reporter")
        complaint = self._complaint(complaint_id)
        self._authorise(actor, "disclose_reporter", city=complaint.city)
        act = self._act(actor, None, reason, rules=("A23.1",))
        identity = complaint.disclose(act, reason, self.vault)
        return identity, self._save(complaint)

    def read_complaint(self, actor: Actor, complaint_id: UUID) -> dict[str, Any]:
        """The report as the handling city works on it (and inspectors oversee it): target,
        state, statement and evidence opened from the seal, never who filed it."""
        complaint = self._complaint(complaint_id)
        case = complaint.read_case(actor, self.vault)
        return {
            "id": complaint.id,
            "target_type": complaint.target_type,
            "target_id": complaint.target_id,
            "city": complaint.city,
            "accepted": complaint.accepted,
            "outcome": complaint.outcome,
            "closed_on": complaint.closed_on,
            **case,
            **complaint.custody,
        }

    def erase_reporter_data(
        self,
        actor: Actor,
        complaint_id: UUID,
        reason: str,
        occurred_at: datetime | None = None,
        *,
        basis: str = "order",
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """Issue 14: erase the reporter's sealed data (`_erase_sealed`): by the handling city or
        the province with a reason, or by the scheduler at the end of the retention."""
        self._may(actor, "erase_reporter_data")
        complaint = self._complaint(complaint_id, expected_version)
        self._authorise(actor, "erase_reporter_data", city=complaint.city)
        act = self._act(actor, occurred_at, reason, rules=("A23.1",))
        return self._erase_sealed(complaint, act, basis, reason)
