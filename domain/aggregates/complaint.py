"""A real-name report (A23). The reporter's name and contact, and the account that filed it, are
kept only here, never in the reported unit's stream, so that access to them can be restricted
and logged (issue 9 item 4: filing writes only this aggregate)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

from domain.acts import Act
from domain.aggregates.base import applies
from domain.aggregates.sealed import HoldsSealedData
from domain.custody import Sealer
from domain.events import complaint as ev
from domain.reporters import filed_by, withheld
from domain.rules import accidents as rules
from domain.rules import agencies, custody
from domain.rules.agencies import OUTCOMES
from domain.values import Actor

__all__ = ["OUTCOMES", "Complaint"]


class Complaint(HoldsSealedData):
    """One report against a listed unit or a third-party agency. The reporter's identity and
    statement are sealed (issue 14, domain.custody)."""

    if TYPE_CHECKING:  # attributes set by when(); no class annotations, which
        # would make eventsourcing turn the aggregate into a dataclass
        target_type: str
        target_id: UUID
        city: str

    accepted = False
    """Accepted for verification (A23.2); a class default, so that a snapshot taken before
    acceptance existed still loads."""
    if TYPE_CHECKING:
        rectify_by: date | None
        closed_on: datetime | None
    else:
        rectify_by = None
        closed_on = None
        """Issue 14: when the report was closed (verified, or its rectification checked): its
        personal data's retention runs from then."""
        """A23.2: the day a rectification asked for is due (class defaults, likewise)."""
    rectification_overdue = False
    rectification_checked = False

    @classmethod
    def file(
        cls,
        act: Act,
        target_type: str,
        target_id: UUID,
        city: str,
        reporter_name: str,
        reporter_contact: str,
        evidence: list[str],
        content: str,
        sealer: Sealer,
    ) -> Complaint:
        """A23.1: refused without the reporter's name, contact or evidence. What identifies
        the reporter, and what they wrote, is sealed before it is recorded; the filing is
        recorded under the neutral reporter (issue 14)."""
        agencies.check_a23_1_real_name(reporter_name, reporter_contact, evidence)
        agencies.check_a23_1_target(target_type)
        subject = uuid4()
        record = {
            "name": reporter_name.strip(),
            "contact": reporter_contact.strip(),
            "evidence": list(evidence),
            "statement": content,
            "filed_by": filed_by(act),
        }
        return cls._create(
            ev.ComplaintFiled,
            id=subject,
            **withheld(act).provenance(["A23.1"]),
            target_type=target_type,
            target_id=target_id,
            city=city,
            sealed=cls._seal(sealer, subject, record),
        )

    def accept(self, act: Act) -> None:
        """A23.2: the handling city accepts the report for verification, once, before it
        verifies it. Only an accepted report reaches the reported unit's history, so filings,
        however many, never write to it. Only the handling city acts on it (ID.3: the
        service decides it, domain.rules.jurisdiction)."""
        agencies.check_a23_2_open(self.outcome is not None, self.accepted, accepting=True)
        self.record(ev.ComplaintAccepted, act, ["A23.2"])

    def verify(self, act: Act, confirmed: bool, outcome: str, notes: str) -> None:
        """A23.2: the handling city verifies an accepted report (ID.3: the service decides who
        may, domain.rules.jurisdiction); outcome names what follows."""
        agencies.check_a23_2_open(self.outcome is not None, self.accepted, accepting=False)
        agencies.check_a23_2_outcome(self.target_type, confirmed, outcome)
        self.record(
            ev.ComplaintVerified, act, ["A23.2"], confirmed=confirmed, outcome=outcome, notes=notes
        )

    @applies
    def _(self, e: ev.ComplaintFiled) -> None:
        self.target_type, self.target_id, self.city = e.target_type, e.target_id, e.city
        self.sealed = e.sealed
        self.outcome: str | None = None

    def check_may_see(self, actor: Actor) -> None:
        """A23.1: only the handling city bureau and discipline inspection see who reported and
        what the report says."""
        agencies.check_a23_1_may_see_reporter(actor, self.city)

    def check_may_erase(self, actor: Actor) -> None:
        """Issue 14: the handling city or the province orders a reporter's data erased."""
        custody.check_may_erase_report(actor, self.city)

    @applies
    def _(self, e: ev.ReporterIdentityRead) -> None:  # retired: a read without a reason
        self.disclosures += 1

    @applies
    def _(self, e: ev.ComplaintAccepted) -> None:
        self.accepted = True

    @applies
    def _(self, e: ev.ComplaintVerified) -> None:
        self.outcome = e.outcome
        if e.outcome != "rectification":  # a rectification closes with its follow-up
            self.closed_on = e.timestamp

    # --- A23.2: the follow-up of a rectification ---------------------------------------------

    def require_rectification(self, act: Act, unit_id: UUID, credit_code: str, due: date) -> None:
        """A23.2: the confirmed report asks the unit to rectify by `due`."""
        self.record(
            ev.RectificationRequired,
            act,
            ["A23.2"],
            unit_id=unit_id,
            credit_code=credit_code,
            due_on=due,
        )

    def flag_rectification_overdue(self, act: Act) -> bool:
        """A23.2: the due date passed with no result recorded; flagged once (False: nothing
        to flag, the result is in or it was flagged already)."""
        due = self.rectify_by
        if due is None or self.rectification_checked or self.rectification_overdue:
            return False
        rules.check_a23_2_overdue(due, act.on)
        self.record(ev.RectificationOverdue, act, ["A23.2"], due_on=due)
        return True

    def check_rectification(self, act: Act, rectified: bool, notes: str) -> None:
        """A23.2: the handling city records whether the unit rectified, once."""
        rules.check_a23_2_follow_up_open(self.rectify_by is not None, self.rectification_checked)
        self.record(ev.RectificationChecked, act, ["A23.2"], rectified=rectified, notes=notes)

    @applies
    def _(self, e: ev.RectificationRequired) -> None:
        self.rectify_by = e.due_on

    @applies
    def _(self, e: ev.RectificationOverdue) -> None:
        self.rectification_overdue = True

    @applies
    def _(self, e: ev.RectificationChecked) -> None:
        self.rectification_checked = True
        self.closed_on = e.timestamp
