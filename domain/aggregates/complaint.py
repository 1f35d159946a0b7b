"""A real-name report (A23). The reporter's name and contact, and the account that filed it, are
kept only here, never in the reported unit's stream, so that access to them can be restricted
and logged (issue 9 item 4: filing writes only this aggregate)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID, uuid4

from domain.acts import Act
from domain.aggregates.base import GreenAggregate, applies
from domain.errors import OutOfJurisdiction, RuleViolation
from domain.events import complaint as ev
from domain.rules import checks
from domain.values import Role

OUTCOMES = ("rectification", "removal", "agency_misconduct", "unfounded")


class Complaint(GreenAggregate):
    """One report against a listed unit or a third-party agency."""

    if TYPE_CHECKING:  # attributes set by when(); no class annotations, which
        # would make eventsourcing turn the aggregate into a dataclass
        target_type: str
        target_id: UUID
        city: str

    accepted = False
    """Accepted for verification (A23.2); a class default, so that a snapshot taken before
    acceptance existed still loads."""

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
    ) -> Complaint:
        """A23.1: refused without the reporter's name, contact or evidence."""
        checks.check_a23_1_real_name(reporter_name, reporter_contact, evidence)
        if target_type not in ("unit", "agency"):
            raise RuleViolation(
                "A23.1",
                zh="举报对象须为名单单位或第三方机构",
                en="a report targets a listed unit or an agency",
            )
        return cls._create(
            ev.ComplaintFiled,
            id=uuid4(),
            **act.provenance(["A23.1"]),
            target_type=target_type,
            target_id=target_id,
            city=city,
            reporter_name=reporter_name.strip(),
            reporter_contact=reporter_contact.strip(),
            evidence=list(evidence),
            content=content,
        )

    def accept(self, act: Act) -> None:
        """A23.2: the handling city accepts the report for verification, once, before it
        verifies it. Only an accepted report reaches the reported unit's history, so filings,
        however many, never write to it. Only the handling city acts on it (ID.3: the
        service decides it, domain.rules.jurisdiction)."""
        if self.outcome is not None:
            raise RuleViolation("A23.2", zh="该举报已核实", en="the report is already verified")
        if self.accepted:
            raise RuleViolation(
                "A23.2", zh="该举报已受理核实", en="the report is already accepted for verification"
            )
        self.record(ev.ComplaintAccepted, act, ["A23.2"])

    def verify(self, act: Act, confirmed: bool, outcome: str, notes: str) -> None:
        """A23.2: the handling city verifies an accepted report (ID.3: the service decides who
        may, domain.rules.jurisdiction); outcome names what follows."""
        if self.outcome is not None:
            raise RuleViolation("A23.2", zh="该举报已核实", en="the report is already verified")
        if not self.accepted:
            raise RuleViolation(
                "A23.2",
                zh="举报须先受理，方可核实",
                en="a report is accepted for verification before it is verified",
            )
        valid = OUTCOMES[:3] if confirmed else OUTCOMES[3:]
        if outcome not in valid:
            raise RuleViolation(
                "A23.2",
                zh=f"核实结论无效：{outcome}",
                en=f"outcome must be one of {', '.join(valid)}",
            )
        if self.target_type == "agency" and confirmed and outcome != "agency_misconduct":
            raise RuleViolation(
                "A22.1",
                zh="第三方机构举报属实的按第二十二条处理",
                en="a confirmed report against an agency is handled under A22.1",
            )
        self.record(
            ev.ComplaintVerified, act, ["A23.2"], confirmed=confirmed, outcome=outcome, notes=notes
        )

    @applies
    def _(self, e: ev.ComplaintFiled) -> None:
        self.target_type, self.target_id, self.city = e.target_type, e.target_id, e.city
        self.reporter_name, self.reporter_contact = e.reporter_name, e.reporter_contact
        self.outcome: str | None = None
        self.disclosures = 0

    def disclose_reporter(self, act: Act) -> dict[str, str]:
        """A23.1: only the handling city bureau and discipline inspection see who reported, and
        each look is recorded."""
        role, region = act.actor.role, act.actor.region
        if not (role is Role.INSPECTOR or (role is Role.CITY and region == self.city)):
            raise OutOfJurisdiction(
                "A23.1",
                zh="无权查看举报人信息",
                en="only the handling city bureau and inspectors see the reporter",
            )
        self.record(ev.ReporterIdentityRead, act, ["A23.1"])
        return {"name": self.reporter_name, "contact": self.reporter_contact}

    @applies
    def _(self, e: ev.ReporterIdentityRead) -> None:
        self.disclosures += 1

    @applies
    def _(self, e: ev.ComplaintAccepted) -> None:
        self.accepted = True

    @applies
    def _(self, e: ev.ComplaintVerified) -> None:
        self.outcome = e.outcome
