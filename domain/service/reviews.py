"""The reviews of a round (A15): experts enrolled in the pool, the preliminary review, the panel
drawn at random and its conclusion, the site-inspection sample and its inspections."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from domain.aggregates.agency import Agency
from domain.aggregates.experts import POOL_ID, ExpertPool
from domain.aggregates.round import Round, round_id
from domain.aggregates.unit import Unit
from domain.draws import EXCLUDED_AGENCY, EXCLUDED_APPLICANT
from domain.rules import identity, review
from domain.rules.stages import Review, Stage, check_a15_1_order, check_review_step
from domain.service.base import ExpectedVersion, Receipt
from domain.service.ports import LogHead
from domain.service.removals import RemovalPolicy
from domain.values import Actor, Level


class ReviewActs(RemovalPolicy):
    """The province reviewing a round's nominations (A15.1-A15.3)."""

    def enrol_expert(
        self,
        actor: Actor,
        expert_id: str,
        name: str,
        employer_code: str,
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A15.2: add an expert (with employer, a valid credit code (ID.1), for conflicts) to
        the Zhejiang pool, which the first enrolment opens (expecting a version of it before
        then is refused)."""
        self._authorise(actor, "enrol_expert")
        employer = identity.check_id1_credit_code(employer_code.strip().upper())
        act = self._act(actor, occurred_at, rules=("A15.2",))
        pool = self._get_or_open(ExpertPool, POOL_ID, lambda: ExpertPool.open(act))
        pool = self._expect(pool, expected_version)
        pool.enrol(act, expert_id, name, employer)
        return self._save(pool)

    def draw_expert_panel(
        self,
        actor: Actor,
        credit_code: str,
        level: Level,
        year: int,
        size: int = 5,
        justification: str = "",
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
        seed: str | None = None,
    ) -> Receipt:
        """A15.2: draw a panel at random, excluding experts employed by the applicant or by the
        agency that evaluated it. Nobody chooses the seed (issue 12 item 4): it derives from
        the verifiable log's head as the pool and the exclusions are frozen (the stores'
        `LogHead` port; `domain.draws.panel_seed`), and the pool, the exclusions with their
        reasons, the log head, the seed and the panel are recorded, so anyone re-runs the
        draw from the record (`domain.draws.redraw_from_record`). A second draw for the same
        unit needs a justification and shows in supervision. The panel is the round's:
        `expected_version` is the round's. A `seed` the caller states is refused (A15.2), not
        ignored, so that nobody believes it was used."""
        self._authorise(actor, "draw_expert_panel")
        review.check_a15_2_seed_not_chosen(seed)
        unit = self._unit(credit_code)
        check_a15_1_order(unit.stage(level), [Stage.PRELIMINARY_PASSED], "draw a panel")
        rnd = self._expect(self._round(level, year), expected_version)
        pool = self._get(ExpertPool, POOL_ID, "expert pool")
        reasons = {unit.credit_code: EXCLUDED_APPLICANT}
        agency = unit.evaluating_agency(level)
        if agency is not None:
            reasons.setdefault(self._agency_code(agency), EXCLUDED_AGENCY)
        size_now, root = cast(LogHead, self.recorder).log_head()
        panel = rnd.draw_panel(
            self._act(actor, occurred_at, justification, rules=("A15.2",)),
            unit.id,
            (size_now, root.hex()),
            pool.frozen(),
            pool.exclusions_for(reasons),
            size,
        )
        return self._save(rnd, panel=panel)

    def record_preliminary_review(
        self,
        actor: Actor,
        credit_code: str,
        level: Level,
        passed: bool,
        notes: str = "",
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
        open_questions: Sequence[str] = (),
    ) -> Receipt:
        """A15.1: the first review step; A15.3: the questions it leaves open (待确认问题) go to
        the site inspection and weigh on its sample."""
        self._authorise(actor, "record_preliminary_review")
        unit = self._expect(self._unit(credit_code), expected_version)
        act = self._act(actor, occurred_at, rules=("A15.1",))
        unit.review_preliminarily(act, level, passed, notes, list(open_questions))
        return self._save(unit)

    def record_expert_review(
        self,
        actor: Actor,
        credit_code: str,
        level: Level,
        passed: bool,
        score: float,
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A15.2: the drawn panel's conclusion; refused before a panel is drawn. A15.1: the
        order first (a unit whose preliminary review is not recorded is refused naming A15.1,
        whether or not a panel was drawn)."""
        self._authorise(actor, "record_expert_review")
        unit = self._expect(self._unit(credit_code), expected_version)
        check_review_step(Review.EXPERT, unit.stage(level))
        year = unit.year(level)
        panel = self._round(level, year).panel_of(unit.id) if year else None
        review.check_a15_2_panel_drawn(panel)
        assert panel is not None
        act = self._act(actor, occurred_at, rules=("A15.2",))
        unit.review_by_experts(act, level, passed, score, panel)
        return self._save(unit)

    def draw_site_sample(
        self,
        actor: Actor,
        level: Level,
        year: int,
        size: int,
        seed: str | None = None,
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A15.3: sample units past the expert review, weighted by their review results."""
        self._authorise(actor, "draw_site_sample")
        rnd = self._expect(self._round(level, year), expected_version)
        inputs: dict[str, dict[str, Any]] = {}
        for uid in rnd.nominations:
            unit = self._get(Unit, UUID(uid), "unit")
            if unit.stage(level) is Stage.EXPERT_PASSED:
                inputs[uid] = {
                    "expert_score": float(unit.expert_score(level) or 0),
                    "open_questions": unit.open_questions(level),
                }
        sample = rnd.draw_site_sample(
            self._act(actor, occurred_at, rules=("A15.3",)),
            seed or secrets.token_hex(16),
            inputs,
            size,
        )
        return self._save(rnd, sample=sample)

    def record_site_inspection(
        self,
        actor: Actor,
        credit_code: str,
        level: Level,
        passed: bool,
        notes: str = "",
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A15.3: only sampled units are inspected on site. A15.1: the order first (a unit not
        past its expert review is refused naming A15.1, before the sample is looked at)."""
        self._authorise(actor, "record_site_inspection")
        unit = self._expect(self._unit(credit_code), expected_version)
        check_review_step(Review.SITE, unit.stage(level))
        year = unit.year(level)
        review.check_a15_3_sampled(bool(year) and self._round(level, year or 0).is_sampled(unit.id))
        unit.inspect_site(self._act(actor, occurred_at, rules=("A15.3",)), level, passed, notes)
        return self._save(unit)

    def _round(self, level: Level, year: int) -> Round:
        return self._get(Round, round_id(level, year), f"{year}年{level.value}轮次 round")

    def _agency_code(self, agency_uuid: UUID) -> str:
        return self._get(Agency, agency_uuid, "agency").credit_code
