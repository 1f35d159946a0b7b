"""The Unit in the yearly selection (A13-A16): the municipal list, nomination, the three review
steps (one table: domain.rules.stages.REVIEW_STEPS), the public notice with its objections and
the joint publication. Checks needing other aggregates (the round's quota and window, park
members' records) get their data from the service."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.acts import Act
from domain.aggregates.base import applies, applies_to
from domain.aggregates.unit.core import UnitCore
from domain.aggregates.unit.state import Objection, Standing
from domain.events import unit as ev
from domain.rules import eligibility, evaluation, publication, review, selection
from domain.rules.evaluation import Evaluation
from domain.rules.exclusions import A17, NegativeRecord
from domain.rules.levels import PRINCIPLE
from domain.rules.stages import (
    PAST_REVIEW,
    REVIEW_STEPS,
    Review,
    Stage,
    check_review_step,
    check_stage,
)
from domain.values import Level

REVIEW_EVENTS: dict[Review, type[Any]] = {
    Review.PRELIMINARY: ev.PreliminaryReviewed,
    Review.EXPERT: ev.ExpertReviewed,
    Review.SITE: ev.SiteInspected,
}
"""The event each review step records (its order and rules: REVIEW_STEPS)."""
STEP_OF = {event: step for step, event in REVIEW_EVENTS.items()}


class Selection(UnitCore):
    """Lists, nominations, reviews, notice and publication of one unit."""

    def _standard_seen(self, level: Level) -> Evaluation:
        """The standards (A9.2/A10.3/A11.3), checked already: the passing reports seen."""
        reports = [
            {"report_id": rid, "level": r.level, "year": r.year, "passed": r.passed}
            for rid, r in self.reports.items()
        ]
        return evaluation.standard_evaluation(
            eligibility.STANDARD_RULE[self.kind], level.value, self.passed_levels(), reports
        )

    def expert_score(self, level: Level) -> float | None:
        standing = self.standing_at(level)
        return standing.expert_score if standing else None

    def list_municipally(self, act: Act, member_records: Iterable[NegativeRecord]) -> None:
        """A13.1: the city's own list; the standards (A9.2/A10.3/A11.3) and A17 still apply."""
        selection.check_a13_1_not_listed(self.is_listed(Level.MUNICIPAL))
        self.check_cultivated()
        eligibility.check_passing_report(self.kind, self.passed_levels(), Level.MUNICIPAL)
        records = [*self.negative_records(), *member_records]
        self.check_not_excluded(act.on, records)
        standard = eligibility.STANDARD_RULE[self.kind]
        seen = [
            evaluation.passed("A13.1", "尚未列入市级名单", "not yet on the municipal list"),
            self._standard_seen(Level.MUNICIPAL),
            *evaluation.a17_evaluations(records, act.on),
        ]
        self.record(
            ev.MunicipallyListed,
            act,
            ["A13.1", standard, *A17],
            evaluations=seen,
            listed_on=act.on,
            name=self.name,
        )

    def nominate(
        self,
        act: Act,
        level: Level,
        year: int,
        round_id: UUID,
        member_records: Iterable[NegativeRecord],
        round_seen: Iterable[Evaluation] = (),
    ) -> None:
        """A14 + A17 + the standards; the round checks the deadline and quota (A13.2, A14.1)
        and hands over what it saw (`round_seen`: the quota ledger and the window)."""
        selection.check_a13_2_nominable(self.stage(level), level)
        self.check_cultivated()
        eligibility.check_passing_report(self.kind, self.passed_levels(), level)
        records = [*self.negative_records(), *member_records]
        self.check_not_excluded(act.on, records)
        lower, principle = PRINCIPLE[level]
        listed_lower = self.is_listed(lower)
        exceptions = selection.in_principle(principle, listed_lower, act.justification)
        standard = eligibility.STANDARD_RULE[self.kind]
        seen = [
            *round_seen,
            evaluation.in_principle(
                principle,
                exceptions,
                act.justification,
                required_listing=lower.value,
                listed=listed_lower,
            ),
            self._standard_seen(level),
            *evaluation.a17_evaluations(records, act.on),
        ]
        self.record(
            ev.Nominated,
            act,
            ["A13.2", "A14.1", principle, standard, *A17],
            evaluations=seen,
            exceptions=exceptions,
            level=level.value,
            year=year,
            round_id=round_id,
        )

    def review_preliminarily(
        self, act: Act, level: Level, passed: bool, notes: str, open_questions: list[str]
    ) -> None:
        """A15.1: the materials are reviewed first; A15.3: the questions left open (待确认问题)
        are recorded for the site inspection, and weigh on its sample."""
        questions = review.check_a15_3_open_questions(open_questions)
        self._review(act, level, Review.PRELIMINARY, passed, notes=notes, open_questions=questions)

    def open_questions(self, level: Level) -> int:
        """A15.3: how many questions this year's preliminary review left open."""
        standing = self.standing_at(level)
        return (standing.open_questions or 0) if standing else 0

    def review_by_experts(
        self, act: Act, level: Level, passed: bool, score: float, panel: list[str]
    ) -> None:
        """A15.2: after a passed preliminary review, by the drawn panel."""
        eligibility.check_score(("A15.1", "A15.2"), score)
        self._review(act, level, Review.EXPERT, passed, score=score, panel=panel)

    def inspect_site(self, act: Act, level: Level, passed: bool, notes: str) -> None:
        """A15.3: only after the expert review."""
        self._review(act, level, Review.SITE, passed, notes=notes)

    def _review(self, act: Act, level: Level, step: Review, passed: bool, **details: Any) -> None:
        """A15.1-A15.3: a review step, in its order; passed, it leads to the next stage."""
        rule = check_review_step(step, self.stage(level))
        seen = evaluation.review_step(rule.codes, rule.act, passed, self.stage(level), details)
        self.record(
            REVIEW_EVENTS[step],
            act,
            list(rule.codes),
            evaluations=seen,
            level=level.value,
            year=self._at(level).year,
            passed=passed,
            **details,
        )

    def enter_notice(self, act: Act, level: Level, last_day: date) -> None:
        """A16.1: only units that passed every review go under notice."""
        check_stage(self.stage(level), PAST_REVIEW, "A16.1", "enter public notice")
        year = self._at(level).year
        rules = ["A15.3", "A16.1"]
        self.record(
            ev.PublicNoticeEntered, act, rules, level=level.value, year=year, last_day=last_day
        )

    def raise_objection(
        self,
        act: Act,
        level: Level,
        objection_id: UUID,
        summary: str,
        filed_at: datetime | None = None,
    ) -> None:
        """A16.1: objections are raised during the 15-day notice. One filed by the public
        (domain.aggregates.objection) is raised here when the province registers it, judged
        at its filing (`filed_at`)."""
        check_stage(self.stage(level), [Stage.UNDER_NOTICE], "A16.1", "raise an objection")
        standing = self._at(level)
        publication.check_a16_1_within_notice(standing.last_day, filed_at or act.judged_at)
        self.record(
            ev.ObjectionRaised,
            act,
            ["A16.1"],
            level=level.value,
            year=standing.year,
            objection_id=objection_id,
            summary=summary,
        )

    def decide_objection(self, act: Act, level: Level, objection_id: UUID, upheld: bool) -> None:
        """A16.1: an upheld objection blocks the unit."""
        standing = self.standing_at(level)
        objection = standing.objection(str(objection_id)) if standing else None
        publication.check_a16_1_pending(objection is not None and objection.upheld is None)
        self.record(
            ev.ObjectionDecided,
            act,
            ["A16.1"],
            level=level.value,
            year=self._at(level).year,
            objection_id=objection_id,
            upheld=upheld,
        )

    def publish(self, act: Act, level: Level, member_records: Iterable[NegativeRecord]) -> bool:
        """A16.2 at the joint publication: listed, or withheld for an upheld objection (A16.1)
        or a ground found since nomination (A17). Returns whether the unit was listed."""
        check_stage(self.stage(level), [Stage.UNDER_NOTICE], "A16.2", "publish")
        standing = self._at(level)
        publication.check_a16_1_objections_decided(standing.pending_objection)
        year = standing.year
        if standing.upheld_objection:
            upheld = [o.id for o in standing.objections or () if o.upheld]
            seen = [evaluation.objection_upheld(upheld)]
            self.record(
                ev.ListingWithheld, act, ["A16.1"], evaluations=seen, level=level.value, year=year
            )
            return False
        records = [*self.negative_records(), *member_records]
        if self._withheld_for_a17(act, level, records):
            return False
        seen = [
            evaluation.passed(
                "A16.2",
                f"公示期满（至{standing.last_day}），异议均已处理且无成立者",
                f"the notice ended ({standing.last_day}) and no objection was upheld",
                last_day=standing.last_day,
                objections=[o.id for o in standing.objections or ()],
            ),
            *evaluation.a17_evaluations(records, act.on),
        ]
        self.record(
            ev.Listed,
            act,
            ["A16.2", *A17],
            evaluations=seen,
            level=level.value,
            year=year,
            listed_on=act.on,
            name=self.name,
            decided_by=ev.DECIDED_BY_PROVINCE,
        )
        return True

    # --- state changes (pure) ------------------------------------------------------------

    @applies
    def _on_municipally_listed(self, e: ev.MunicipallyListed) -> None:
        listing = Standing(
            Stage.LISTED, e.listed_on.year, listed_on=e.listed_on, listed_name=e.name
        )
        self._put(Level.MUNICIPAL, listing)

    @applies
    def _on_nominated(self, e: ev.Nominated) -> None:
        self._put(e.level, Standing(Stage.NOMINATED, e.year, round_id=UUID(str(e.round_id))))

    @applies_to(*REVIEW_EVENTS.values())
    def _on_reviewed(self, e: Any) -> None:
        """A review step passed leads to its next stage; failed, it ends the year's attempt."""
        passed = REVIEW_STEPS[STEP_OF[type(e)]].passed
        reviewed = replace(self._at(Level(e.level)), stage=passed if e.passed else Stage.FAILED)
        if isinstance(e, ev.ExpertReviewed):
            reviewed = replace(reviewed, expert_score=e.score)
        if isinstance(e, ev.PreliminaryReviewed) and e.open_questions:
            reviewed = replace(reviewed, open_questions=len(e.open_questions))
        self._put(e.level, reviewed)

    @applies
    def _on_public_notice_entered(self, e: ev.PublicNoticeEntered) -> None:
        standing = self._at(Level(e.level))
        entered = replace(standing, stage=Stage.UNDER_NOTICE, last_day=e.last_day, objections=())
        self._put(e.level, entered)

    @applies
    def _on_objection_raised(self, e: ev.ObjectionRaised) -> None:
        standing = self._at(Level(e.level))
        self._put(e.level, standing.with_objection(Objection(str(e.objection_id))))

    @applies
    def _on_objection_decided(self, e: ev.ObjectionDecided) -> None:
        decided = Objection(str(e.objection_id), e.upheld)
        self._put(e.level, self._at(Level(e.level)).with_objection(decided))

    @applies
    def _on_listed(self, e: ev.Listed) -> None:
        standing = self._at(Level(e.level))
        listed = replace(standing, stage=Stage.LISTED, listed_on=e.listed_on, listed_name=e.name)
        self._put(e.level, listed)

    @applies
    def _on_listing_withheld(self, e: ev.ListingWithheld) -> None:
        self._put(e.level, replace(self._at(Level(e.level)), stage=Stage.WITHHELD))
