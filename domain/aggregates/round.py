"""The Round: the yearly selection at one level (A13.2 quotas, A14.1 window, A15 reviews,
A16 notice and joint publication; a national round ends with the recommendation to MIIT,
A15.4 / A16.3)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain import draws
from domain.acts import Act
from domain.aggregates.base import GreenAggregate, applies, natural_id
from domain.events import round as ev
from domain.rules import dynamic, miit, publication, review, selection
from domain.rules.calendar import (
    Period,
    nomination_deadline,
    nomination_window_closed_on,
    notice_last_day,
    notice_over_on,
)
from domain.rules.eligibility import check_score
from domain.rules.evaluation import Evaluation, quota_and_window
from domain.rules.levels import NATIONAL_PUBLICATION_RULES
from domain.rules.stages import Stage, check_a15_1_order
from domain.values import Level


def round_id(level: Level, year: int) -> UUID:
    return natural_id("round", level.value, year)


class Round(GreenAggregate):
    """One level's selection in one year."""

    if TYPE_CHECKING:  # attributes set by when(); no class annotations, which
        # would make eventsourcing turn the aggregate into a dataclass
        level: str
        year: int

    @classmethod
    def open(cls, act: Act, level: Level, year: int, quotas: dict[str, int]) -> Round:
        """A13.2: the province opens the provincial or national round with the cities' quotas."""
        selection.check_a13_1_round_level(level)
        for city, quota in quotas.items():
            selection.check_a13_2_quota_valid(city, quota)
        return cls._create(
            ev.RoundOpened,
            id=round_id(level, year),
            **act.provenance(["A13.2"]),
            level=level.value,
            year=year,
            quotas=dict(quotas),
        )

    @property
    def round_level(self) -> Level:
        return Level(self.level)

    def used(self, city: str) -> int:
        return Counter(self.nominations.values())[city]

    def set_quota(self, act: Act, city: str, quota: int) -> None:
        """A13.2: a quota set by hand, not by the formula: it needs the act's written
        justification and is recorded as an exception (supervision shows it)."""
        selection.check_a13_2_quota_valid(city, quota)
        selection.check_a13_2_quota_covers(quota, self.used(city))
        manual = selection.check_a13_2_manual_justified(act.justification)
        self.record(
            ev.QuotaSet,
            act,
            ["A13.2"],
            exceptions=manual,
            city=city,
            quota=quota,
            basis="manual",
            inputs={},
        )

    def derive_quota(self, act: Act, city: str, inputs: selection.QuotaInputs) -> int:
        """A13.2: the quota weighs the city's cultivation system and its previous year's
        selection rate, by the documented formula; the inputs are recorded with it, so that
        anyone can recompute it. Returns the quota."""
        quota = selection.derive_quota(inputs)
        selection.check_a13_2_quota_valid(city, quota)
        selection.check_a13_2_quota_covers(quota, self.used(city))
        self.record(
            ev.QuotaSet,
            act,
            ["A13.2"],
            city=city,
            quota=quota,
            basis="derived",
            inputs=inputs.stored(),
        )
        return quota

    def accept_nomination(self, act: Act, unit_id: UUID, city: str) -> list[Evaluation]:
        """A14.1 (by 30 June) and A13.2 (within the city's quota). Returns the two rules'
        evaluations with the ledger and window seen, which the unit's `Nominated` records too."""
        selection.check_a14_1_deadline(self.year, act.judged_at)
        selection.check_a13_2_not_in_round(str(unit_id) in self.nominations)
        used, quota = self.used(city), self.quotas.get(city, 0)
        selection.check_a13_2_quota(city, used, quota)
        selection.check_a14_1_in_review(self.notice is not None, "A14.1")
        deadline = nomination_deadline(self.year)
        seen = quota_and_window(self.level, self.year, city, used, quota, deadline, act.on)
        self.record(
            ev.NominationAccepted,
            act,
            ["A13.2", "A14.1"],
            evaluations=seen,
            unit_id=unit_id,
            city=city,
        )
        return seen

    def submit_adjustment_opinions(
        self, act: Act, city: str, opinions: list[dict[str, Any]]
    ) -> None:
        """A20.3: the city's adjustment opinions on its provincial or national units travel with
        its annual recommendations: by 30 June of the round's year (A14.1), once per change."""
        dynamic.check_a20_3_with_recommendations(self.year, act.judged_at)
        self.record(ev.AdjustmentOpinionsSubmitted, act, ["A20.3"], city=city, opinions=opinions)

    def has_opinion_on(self, change_id: str) -> bool:
        """A20.3: whether the round's recommendations already carry an opinion on the change."""
        return change_id in vars(self).get("opinions", {})  # older snapshots lack them

    def draw_panel(
        self,
        act: Act,
        unit_id: UUID,
        log_head: tuple[int, str],
        pool: list[str],
        exclusions: list[dict[str, str]],
        size: int,
    ) -> list[str]:
        """A15.2: the panel is drawn at random from the eligible pool (the pool less the
        exclusions for conflicts of interest), with a seed nobody chooses: it derives from the
        verifiable log's head (`log_head`: size and hex root) when the pool was frozen, the
        round, the unit and the candidates (`domain.draws.panel_seed`). The pool, the
        exclusions with their reasons, the log head and the seed are recorded so that anyone
        can re-run the draw (`domain.draws.redraw_from_record`). Drawing again for the same
        unit needs a written justification and is flagged as an exception for the
        supervisors."""
        review.check_a15_nominated(str(unit_id) in self.nominations, "A15.2")
        excluded = {x["expert_id"] for x in exclusions}
        candidates = sorted(set(pool) - excluded)
        review.check_a15_2_panel_size(size, len(candidates))
        redraw = selection.in_principle("A15.2", str(unit_id) not in self.panels, act.justification)
        log_size, log_root = log_head
        seed = draws.panel_seed(log_size, log_root, self.id, unit_id, candidates)
        panel = draws.draw_panel(seed, candidates, size)
        self.record(
            ev.ExpertPanelDrawn,
            act,
            ["A15.2"],
            exceptions=redraw,
            unit_id=unit_id,
            seed=seed,
            candidates=candidates,
            size=size,
            panel=panel,
            method=draws.PANEL_METHOD_FROM_LOG,
            seed_source=draws.SEED_FROM_LOG,
            log_size=log_size,
            log_root=log_root,
            pool=sorted(pool),
            exclusions=sorted(exclusions, key=lambda x: x["expert_id"]),
        )
        return panel

    def panel_of(self, unit_id: UUID) -> list[str] | None:
        return self.panels.get(str(unit_id))

    def record_score(
        self, act: Act, unit_id: UUID, stage: Stage | None, score: float, opinion: str
    ) -> float | None:
        """A15.2: an expert drawn onto the unit's panel scores it during its expert review (past
        the preliminary review, before the conclusion is recorded), once; a correction of the
        expert's own score needs a written justification and is flagged as an exception for
        the supervisors. Returns the score corrected, if any."""
        expert = act.actor.id
        check_score("A15.2", score)
        review.check_a15_2_panel_member(expert, self.panel_of(unit_id))
        check_a15_1_order(stage, [Stage.PRELIMINARY_PASSED], "score the unit")
        previous = self.score_of(unit_id, expert)
        correction = review.check_a15_2_one_score(previous, act.justification)
        self.record(
            ev.ExpertScoreRecorded,
            act,
            ["A15.2"],
            exceptions=correction,
            unit_id=unit_id,
            expert_id=expert,
            score=float(score),
            opinion=opinion,
            previous_score=previous,
        )
        return previous

    def score_of(self, unit_id: UUID, expert_id: str) -> float | None:
        scores: dict[str, dict[str, float]] = getattr(self, "scores", {})  # older snapshots
        return scores.get(str(unit_id), {}).get(expert_id)

    def record_supervision(self, act: Act, activity: str, notes: str) -> None:
        """A15.2 (机关纪委现场监督): the discipline inspection committee records that it supervised
        one of the round's activities on site; nothing the round decides depends on it."""
        review.check_a15_2_supervised_activity(activity)
        self.record(ev.OnSiteSupervisionRecorded, act, ["A15.2"], activity=activity, notes=notes)

    def draw_site_sample(
        self, act: Act, seed: str, inputs: dict[str, dict[str, Any]], size: int
    ) -> list[str]:
        """A15.3: a sample of the units past the expert review, weighted by their results: each
        unit's `inputs` (expert score, open questions of its preliminary review) make its
        weight by `draws.WEIGHT_FORMULA`; inputs, weights and formula are recorded."""
        review.check_a15_3_sample_not_drawn(self.sample)
        candidates = [
            (uid, draws.inspection_weight(True, i["expert_score"], i["open_questions"]))
            for uid, i in inputs.items()
        ]
        sample = draws.draw_weighted_sample(seed, candidates, size)
        self.record(
            ev.SiteSampleDrawn,
            act,
            ["A15.3"],
            seed=seed,
            candidates=[[u, w] for u, w in sorted(candidates)],
            size=size,
            sample=sample,
            method=draws.SAMPLE_METHOD,
            inputs={uid: dict(inputs[uid]) for uid in sorted(inputs)},
            weight_formula=draws.WEIGHT_FORMULA,
        )
        return sample

    def is_sampled(self, unit_id: UUID) -> bool:
        return self.sample is not None and str(unit_id) in self.sample

    def close_nomination_window(self, act: Act) -> bool:
        """A14.1: from 1 July the window is closed; recorded once (False: already recorded)."""
        if getattr(self, "window_closed_on", None) is not None:  # older snapshots lack it
            return False
        selection.check_a14_1_window_over(self.year, act.on)
        closes = nomination_window_closed_on(self.year)
        self.record(
            ev.NominationWindowClosed,
            act,
            ["A14.1"],
            closed_on=closes,
            nominations=len(self.nominations),
        )
        return True

    def close_notice(self, act: Act) -> bool:
        """A16.1: the notice ends the day after its last day; recorded once (False: already
        recorded, or the round is published, which needed the notice to be over)."""
        publication.check_a16_1_opened(self.notice is not None)
        assert self.notice is not None
        if self.notice.get("closed_on") is not None or self.published_on is not None:
            return False
        closes = notice_over_on(self.notice["last_day"])
        publication.check_a16_1_ended(self.notice["last_day"], act.on, closes)
        self.record(
            ev.PublicNoticeClosed,
            act,
            ["A16.1"],
            last_day=self.notice["last_day"],
            closed_on=closes,
        )
        return True

    def open_notice(self, act: Act, unit_ids: list[str], period: Period | None = None) -> date:
        """A16.1: the proposed list goes under notice for 15 days (or the configured period,
        domain.calendar); the sample must be drawn."""
        miit.check_a16_3_provincial_procedure_only(self.national, "公示 notice")
        review.check_a15_3_sample_drawn(self.sample)
        publication.check_a16_1_not_open(self.notice is not None)
        last_day = notice_last_day(act.on, period)
        self.record(
            ev.PublicNoticeOpened,
            act,
            ["A16.1"],
            opened_on=act.on,
            last_day=last_day,
            unit_ids=sorted(unit_ids),
        )
        return last_day

    def cosign(self, act: Act, department: str) -> None:
        """A16.2: 省发展改革委 and 省生态环境厅 sign the joint publication."""
        miit.check_a16_3_provincial_procedure_only(self.national, "会签 co-signature")
        publication.check_a16_2_department(department)
        if self.signers.get(department) == act.actor.id:
            return  # the same signature again changes nothing
        signed_other = [d for d, who in self.signers.items() if who == act.actor.id]
        publication.check_a16_2_signs_once(bool(signed_other) or department in self.signers)
        self.record(ev.PublicationCosigned, act, ["A16.2"], department=department)

    def check_publishable(self, act: Act) -> None:
        """A16.1 (the notice is over) and A16.2 (co-signed); a national round is not published
        by the province: it recommends to MIIT (A16.3)."""
        miit.check_a16_3_provincial_procedure_only(self.national, "发布 publication")
        publication.check_a16_2_not_published(self.published_on)
        last_day = self.notice["last_day"] if self.notice else None
        publication.check_a16_1_notice_over(last_day, act.judged_at)
        if self.round_level is Level.PROVINCIAL:
            publication.check_a16_2_cosigned(self.cosigned)

    def publish(self, act: Act, outcome: dict[str, list[str]]) -> None:
        """A16.2: the joint publication, with the removals and adjustments applied (A19, A20.3)."""
        rules = ["A16.2", "A19.1", "A19.2", "A19.3", "A20.3"]
        fields: dict[str, Any] = {"published_on": act.on, **outcome}
        self.record(ev.Published, act, rules, **fields)

    @property
    def national(self) -> bool:
        return self.round_level is Level.NATIONAL

    @property
    def recommended_on(self) -> date | None:
        """A16.3: when the national round's units were recommended to MIIT (None: not yet)."""
        recommendation: dict[str, Any] | None = getattr(self, "recommendation", None)
        return recommendation["recommended_on"] if recommendation else None

    def check_recommendable(self) -> None:
        """A16.3 (a national round, once) and A15.3 (the sample is drawn), as for a notice."""
        miit.check_a16_3_national_round(self.national)
        miit.check_a16_3_not_recommended(self.recommended_on)
        review.check_a15_3_sample_drawn(self.sample)

    def recommend_to_miit(self, act: Act, unit_ids: list[str], withheld: list[str]) -> None:
        """A15.4 / A16.3: the national round ends with the province's recommendation of the
        units past their reviews to MIIT, who decides the national list; no 15-day provincial
        notice and no co-signature come before it (domain.rules.miit)."""
        self.check_recommendable()
        self.record(
            ev.MiitRecommendationSubmitted,
            act,
            list(NATIONAL_PUBLICATION_RULES),
            recommended_on=act.on,
            unit_ids=sorted(unit_ids),
            withheld=sorted(withheld),
        )

    # --- state changes (pure) ------------------------------------------------------------

    @applies
    def _(self, e: ev.RoundOpened) -> None:
        self.level, self.year, self.quotas = e.level, e.year, dict(e.quotas)
        self.nominations: dict[str, str] = {}
        self.panels: dict[str, list[str]] = {}
        self.scores: dict[str, dict[str, float]] = {}
        self.sample: list[str] | None = None
        self.notice: dict[str, Any] | None = None
        self.cosigned: list[str] = []
        self.signers: dict[str, str] = {}
        self.published_on: date | None = None
        self.window_closed_on: date | None = None
        self.recommendation: dict[str, Any] | None = None
        self.opinions: dict[str, str] = {}

    @applies
    def _(self, e: ev.QuotaSet) -> None:
        self.quotas[e.city] = e.quota

    @applies
    def _(self, e: ev.NominationAccepted) -> None:
        self.nominations[str(e.unit_id)] = e.city

    @applies
    def _(self, e: ev.ExpertPanelDrawn) -> None:
        self.panels[str(e.unit_id)] = list(e.panel)
        getattr(self, "scores", {}).pop(str(e.unit_id), None)  # a redraw starts afresh

    @applies
    def _(self, e: ev.SiteSampleDrawn) -> None:
        self.sample = list(e.sample)

    @applies
    def _(self, e: ev.PublicNoticeOpened) -> None:
        self.notice = {
            "opened_on": e.opened_on,
            "last_day": e.last_day,
            "unit_ids": list(e.unit_ids),
        }

    @applies
    def _(self, e: ev.NominationWindowClosed) -> None:
        self.window_closed_on = e.closed_on

    @applies
    def _(self, e: ev.PublicNoticeClosed) -> None:
        assert self.notice is not None
        self.notice["closed_on"] = e.closed_on

    @applies
    def _(self, e: ev.PublicationCosigned) -> None:
        self.cosigned = sorted({*self.cosigned, e.department})
        self.signers[e.department] = e.actor_id

    @applies
    def _(self, e: ev.Published) -> None:
        self.published_on = e.published_on

    @applies
    def _(self, e: ev.MiitRecommendationSubmitted) -> None:
        self.recommendation = {"recommended_on": e.recommended_on, "unit_ids": list(e.unit_ids)}

    @applies
    def _(self, e: ev.ExpertScoreRecorded) -> None:
        scores = vars(self).setdefault("scores", {})  # older snapshots lack them
        scores.setdefault(str(e.unit_id), {})[e.expert_id] = e.score

    @applies
    def _(self, e: ev.OnSiteSupervisionRecorded) -> None:
        """Recorded for the supervisors and auditors; the round's state does not change."""

    @applies
    def _(self, e: ev.AdjustmentOpinionsSubmitted) -> None:
        opinions = vars(self).setdefault("opinions", {})  # older snapshots lack them
        for opinion in e.opinions:
            for change_id in opinion["change_ids"]:
                opinions[change_id] = opinion["action"]
