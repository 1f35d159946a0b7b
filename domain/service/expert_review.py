"""The expert review's own acts (A15.2): the drawn experts' scores and the on-site supervision
by the department's discipline inspection committee (机关纪委). Both are recorded on the round,
which holds the panels."""

from __future__ import annotations

from datetime import datetime

from domain.aggregates.round import Round, round_id
from domain.service.base import ExpectedVersion, Receipt, ServiceBase
from domain.values import Actor, Level


class ExpertReviewActs(ServiceBase):
    """Experts scoring the units they were drawn for; inspectors recording their supervision."""

    def score_unit(
        self,
        actor: Actor,
        level: Level,
        year: int,
        credit_code: str,
        score: float,
        opinion: str = "",
        justification: str = "",
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A15.2: an expert (the actor's id is the expert's id in the pool) drawn onto the
        unit's panel in this round scores it, after the preliminary review and before the
        conclusion is recorded; once, a correction needing a written justification.
        `details.previous_score` is the score corrected (null for a first score). The score is
        the round's: `expected_version` is the round's."""
        self._authorise(actor, "score_unit")
        unit = self._unit(credit_code)
        rnd = self._expect(self._review_round(level, year), expected_version)
        stage = unit.stage_in(level, year)
        act = self._act(actor, occurred_at, justification, rules=("A15.2",))
        previous = rnd.record_score(act, unit.id, stage, score, opinion)
        return self._save(rnd, unit_id=unit.id, previous_score=previous)

    def record_on_site_supervision(
        self,
        actor: Actor,
        level: Level,
        year: int,
        activity: str,
        notes: str = "",
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A15.2 (由机关纪委进行现场监督): the discipline inspection committee records that it
        supervised the round's panel draw, expert review, site inspection or publication on
        site. The inspectors' only act: they read everything and change nothing else."""
        self._authorise(actor, "record_on_site_supervision")
        rnd = self._expect(self._review_round(level, year), expected_version)
        rnd.record_supervision(self._act(actor, occurred_at, rules=("A15.2",)), activity, notes)
        return self._save(rnd)

    def _review_round(self, level: Level, year: int) -> Round:
        return self._get(Round, round_id(level, year), f"{year}年{level.value}轮次 round")
