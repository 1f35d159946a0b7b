"""Real-name reports against the Unit (A23): who may be reported, the report accepted for
verification (recorded in the unit's history by the handling city) and its verified outcome.
The reporter stays in the Complaint (domain.aggregates.complaint)."""

from __future__ import annotations

from uuid import UUID

from domain.acts import Act
from domain.aggregates.base import applies
from domain.aggregates.unit.core import UnitCore
from domain.events import unit as ev
from domain.rules.agencies import Outcome, check_a23_1_reportable


class Complaints(UnitCore):
    """Reports against one unit, as its history records them."""

    def check_reportable(self) -> None:
        """A23.1: only a listed unit is reported. Checked when a report is filed, which
        records nothing in the unit's stream (issue 9 item 4)."""
        check_a23_1_reportable(bool(self.listed_levels))

    def complained_against(self, act: Act, complaint_id: UUID) -> None:
        """A23.2: the handling city accepted a report against the unit for verification; the
        city is the actor, the reporter stays in the complaint. A report filed before
        acceptance existed is already in the stream (the retired `ComplaintReceived`):
        nothing more is recorded for it."""
        if str(complaint_id) in self.complaints:
            return
        self.record(ev.ComplainedAgainst, act, ["A23.2"], complaint_id=complaint_id)

    def record_complaint_outcome(
        self, act: Act, complaint_id: UUID, confirmed: bool, outcome: str
    ) -> None:
        """A23.2: the verified outcome of a report."""
        self.record(
            ev.ComplaintOutcomeRecorded,
            act,
            ["A23.2"],
            complaint_id=complaint_id,
            confirmed=confirmed,
            outcome=outcome,
        )

    # --- state changes (pure) ------------------------------------------------------------

    @applies
    def _on_complaint_received(self, e: ev.ComplaintReceived) -> None:
        self.complaints[str(e.complaint_id)] = None

    @applies
    def _on_complained_against(self, e: ev.ComplainedAgainst) -> None:
        self.complaints[str(e.complaint_id)] = None

    @applies
    def _on_complaint_outcome_recorded(self, e: ev.ComplaintOutcomeRecorded) -> None:
        self.complaints[str(e.complaint_id)] = Outcome(e.outcome)
