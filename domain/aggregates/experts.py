"""The Zhejiang green low-carbon expert pool, from which panels are drawn (A15.2)."""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

from domain.acts import Act
from domain.aggregates.base import GreenAggregate, applies, natural_id
from domain.events import experts as ev
from domain.rules.review import check_a15_2_enrolment, check_a15_2_in_pool

POOL_ID: UUID = natural_id("expert-pool", "zhejiang")


class ExpertPool(GreenAggregate):
    """Who may be drawn, and for whom they work (to exclude conflicts of interest)."""

    @classmethod
    def open(cls, act: Act) -> ExpertPool:
        return cls._create(ev.ExpertPoolOpened, id=POOL_ID, **act.provenance(["A15.2"]))

    def enrol(self, act: Act, expert_id: str, name: str, employer_code: str) -> None:
        check_a15_2_enrolment(expert_id, self.experts)
        self.record(
            ev.ExpertEnrolled,
            act,
            ["A15.2"],
            expert_id=expert_id,
            name=name,
            employer_code=employer_code,
        )

    def withdraw(self, act: Act, expert_id: str) -> None:
        check_a15_2_in_pool(expert_id, self.experts)
        self.record(ev.ExpertWithdrawn, act, ["A15.2"], expert_id=expert_id)

    def eligible_for(self, excluded_employers: set[str]) -> list[str]:
        """A15.2: everyone in the pool except those employed by the applicant or its agency."""
        return sorted(
            x for x, employer in self.experts.items() if employer not in excluded_employers
        )

    def frozen(self) -> list[str]:
        """A15.2: the pool as it is when a panel is drawn from it (every expert id, sorted)."""
        return sorted(self.experts)

    def exclusions_for(self, reasons: Mapping[str, str]) -> list[dict[str, str]]:
        """A15.2: each expert whose employer has a conflict of interest (`reasons`: employer
        credit code -> why it conflicts), with that reason, to be recorded with the draw."""
        return [
            {"expert_id": x, "employer_code": employer, "reason": reasons[employer]}
            for x, employer in sorted(self.experts.items())
            if employer in reasons
        ]

    @applies
    def _(self, e: ev.ExpertPoolOpened) -> None:
        self.experts: dict[str, str] = {}

    @applies
    def _(self, e: ev.ExpertEnrolled) -> None:
        self.experts[e.expert_id] = e.employer_code

    @applies
    def _(self, e: ev.ExpertWithdrawn) -> None:
        del self.experts[e.expert_id]
