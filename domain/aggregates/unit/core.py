"""What every part of the Unit builds on: its registration and state, the questions the service
asks it, and the acts before selection (members, cultivation, evaluation: ID.1-ID.2, A8-A12).

Commands check their rules (domain.rules) then record one event; the `when()` handlers, one
per event, replace the frozen values of the state (domain.aggregates.unit.state)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, Self
from uuid import UUID

from domain.acts import Act
from domain.aggregates.base import GreenAggregate, applies, natural_id
from domain.aggregates.unit.state import (
    Change,
    Forms,
    NegativeEntry,
    Report,
    Standing,
    Standings,
)
from domain.events import unit as ev
from domain.rules import eligibility, evaluation, identity
from domain.rules.agencies import Outcome
from domain.rules.dynamic import check_listed_at
from domain.rules.exclusions import (
    A17,
    NegativeRecord,
    a17_grounds_in_force,
    check_a17_exclusions,
)
from domain.rules.levels import LEVEL_RANK, passed_levels
from domain.rules.stages import Stage
from domain.values import Level, UnitKind


def unit_id(credit_code: str) -> UUID:
    """A unit's id is derived from its credit code (a park: its management body's code)."""
    return natural_id("unit", credit_code)


class UnitCore(GreenAggregate):
    """An applicant unit's identity and state, and the questions asked of it."""

    if TYPE_CHECKING:  # attributes set by when(); no class annotations, which
        # would make eventsourcing turn the aggregate into a dataclass
        credit_code: str
        kind: UnitKind
        name: str
        names: list[str]
        city: str
        members: list[str]
        standing: Standings
        pools: dict[str, bool]
        """Cultivation pools by year (as text): whether the unit is a priority (A8)."""
        reports: dict[str, Report]
        negatives: dict[str, NegativeEntry]
        forms: Forms
        changes: dict[str, Change]
        complaints: dict[str, Outcome | None]
        record_rows: dict[str, int]
        """The record files' rows the unit was listed from (`<level>:<sha256>:<row>` -> the
        list's year)."""

    @classmethod
    def register(
        cls, act: Act, credit_code: str, kind: UnitKind, name: str, members: Iterable[str]
    ) -> Self:
        """ID.1, ID.2 (A9.1): a valid Zhejiang code; factories and supply chains are enterprises."""
        code = identity.check_id1_credit_code(credit_code)
        city = identity.check_id2_city(code)
        eligibility.check_a9_1_registration_type(kind, code)
        name = identity.check_id1_name(name)
        declared = eligibility.check_a10_1_members(kind, members)
        return cls._create(
            ev.UnitRegistered,
            id=unit_id(code),
            **act.provenance(["ID.1", "ID.2"]),
            credit_code=code,
            kind=kind.value,
            name=name,
            city=city,
            members=declared,
        )

    # --- questions -----------------------------------------------------------------------

    def standing_at(self, level: Level) -> Standing | None:
        return self.standing.of(level)

    def stage(self, level: Level) -> Stage | None:
        standing = self.standing.of(level)
        return standing.stage if standing else None

    def stage_in(self, level: Level, year: int) -> Stage | None:
        """The stage at a level in the selection of `year` (None: not in that year's)."""
        standing = self.standing.of(level)
        return standing.stage if standing and standing.year == year else None

    def year(self, level: Level) -> int | None:
        """The year of the unit's standing at a level (its selection's or its listing's)."""
        standing = self.standing.of(level)
        return standing.year if standing else None

    def is_listed(self, level: Level) -> bool:
        return self.stage(level) is Stage.LISTED

    @property
    def listed_levels(self) -> list[Level]:
        return [lvl for lvl in Level if self.is_listed(lvl)]

    def negative_records(self) -> list[NegativeRecord]:
        """The A17 grounds recorded on the unit, oldest first."""
        return [
            NegativeRecord(
                r.ground.value, r.occurred_on, r.ended_on, self.credit_code, key, r.source
            )
            for key, r in self.negatives.items()
        ]

    def passed_levels(self) -> frozenset[Level]:
        """The levels whose standards a passing report shows; a higher one covers lower ones."""
        passing = [r.level for r in self.reports.values() if r.passed]
        return passed_levels(max(passing, key=LEVEL_RANK.__getitem__) if passing else None)

    def evaluating_agency(self, level: Level) -> UUID | None:
        """The agency of the latest passing third-party report of a level (A15.2 conflicts)."""
        agencies = [
            r.agency_id
            for r in self.reports.values()
            if r.passed and r.level is level and r.agency_id
        ]
        return agencies[-1] if agencies else None

    # --- guards --------------------------------------------------------------------------

    def check_not_excluded(self, on: date, member_records: Iterable[NegativeRecord] = ()) -> None:
        """A17: neither the unit nor, for a park, an enterprise inside it has a ground."""
        check_a17_exclusions([*self.negative_records(), *member_records], on)

    def check_cultivated(self) -> None:
        """A8 with A9.1/A10.1/A11.1: only a unit in a city's cultivation pool goes further."""
        eligibility.check_a8_cultivated(self.kind, bool(self.pools))

    def _require_listed(self, level: Level, code: str) -> Standing:
        check_listed_at(self.is_listed(level), level, code)
        return self._at(level)

    def _withheld_for_a17(self, act: Act, level: Level, records: list[NegativeRecord]) -> bool:
        """A17 at the end of a year's selection (the provincial publication, A16.2, or the
        recommendation to MIIT, A16.3): a ground in force among `records` (the unit's own and
        its park members') withholds the unit, each ground refused with the record that made
        it so. Returns whether it was withheld."""
        found = a17_grounds_in_force(records, act.on)
        if not found:
            return False
        grounds = sorted({r.ground for r in found})
        seen = evaluation.a17_evaluations(records, act.on, grounds)
        year = self._at(level).year
        self.record(
            ev.ListingWithheld, act, grounds, evaluations=seen, level=level.value, year=year
        )
        return True

    def _at(self, level: Level) -> Standing:
        """The standing at a level, which an act or an event of that level presumes."""
        standing = self.standing.of(level)
        if standing is None:
            raise LookupError(f"the unit has no standing at the {level.value} level")
        return standing

    def _put(self, level: str | Level, standing: Standing) -> None:
        self.standing = self.standing.put(Level(level), standing)

    # --- acts before selection -----------------------------------------------------------

    def declare_members(self, act: Act, members: Iterable[str]) -> None:
        """A park declares the enterprises inside it (A17 includes them)."""
        declared = eligibility.check_a10_1_members(self.kind, members)
        self.record(ev.ParkMembersDeclared, act, ["A10.1", *A17], members=declared)

    def cultivate(
        self,
        act: Act,
        year: int,
        priority: bool,
        facts: dict[str, Any],
        member_records: Iterable[NegativeRecord],
    ) -> None:
        """A8-A11: the city puts an eligible unit in its pool, optionally as a priority."""
        eligibility.check_cultivation_facts(self.kind, facts)
        self.check_not_excluded(act.on, member_records)
        rules = ["A8", *eligibility.CULTIVATION_RULES[self.kind], *A17]
        self.record(ev.Cultivated, act, rules, year=year, priority=priority, facts=facts)

    def submit_evaluation(
        self,
        act: Act,
        report_id: UUID,
        level: Level,
        year: int,
        agency_id: UUID | None,
        content_hash: str,
        score: float,
        passed: bool,
        member_records: Iterable[NegativeRecord],
        extra_rules: Iterable[str] = (),
    ) -> None:
        """A12: a self or third-party report; refused for a unit with an A17 ground."""
        eligibility.check_score("A12", score)
        self.check_not_excluded(act.on, member_records)
        self.record(
            ev.EvaluationSubmitted,
            act,
            ["A12", *A17, *extra_rules],
            report_id=report_id,
            level=level.value,
            year=year,
            evaluator="third_party" if agency_id else "self",
            agency_id=agency_id,
            content_hash=content_hash,
            score=score,
            passed=passed,
        )

    # --- state changes (pure) ------------------------------------------------------------

    @applies
    def _on_unit_registered(self, e: ev.UnitRegistered) -> None:
        self.credit_code, self.kind, self.name = e.credit_code, UnitKind(e.kind), e.name
        self.city, self.members = e.city, list(e.members)
        self.names = [e.name]
        self.standing = Standings()
        self.pools = {}
        self.reports = {}
        self.negatives = {}
        self.forms = Forms()
        self.changes = {}
        self.complaints = {}
        self.record_rows = {}

    @applies
    def _on_park_members_declared(self, e: ev.ParkMembersDeclared) -> None:
        self.members = list(e.members)

    @applies
    def _on_cultivated(self, e: ev.Cultivated) -> None:
        self.pools[str(e.year)] = e.priority

    @applies
    def _on_evaluation_submitted(self, e: ev.EvaluationSubmitted) -> None:
        agency = UUID(str(e.agency_id)) if e.agency_id else None
        self.reports[str(e.report_id)] = Report(Level(e.level), e.year, e.passed, agency)
