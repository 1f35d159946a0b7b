"""The yearly selection: rounds, nominations, reviews, draws, notice and joint publication
(A13.2-A16)."""

from __future__ import annotations

import secrets
from datetime import datetime
from uuid import UUID, uuid4

from domain.aggregates.agency import Agency
from domain.aggregates.experts import POOL_ID, ExpertPool
from domain.aggregates.round import Round, round_id
from domain.aggregates.unit import Unit
from domain.draws import inspection_weight
from domain.errors import NotFound
from domain.rules import identity, publication, review
from domain.rules.stages import PAST_REVIEW, Stage, check_stage
from domain.service.base import ExpectedVersion, Receipt
from domain.service.removals import RemovalPolicy
from domain.values import Actor, Level


class SelectionActs(RemovalPolicy):
    """Province and cities acting on a (level, year) round."""

    def open_round(
        self,
        actor: Actor,
        level: Level,
        year: int,
        quotas: dict[str, int],
        occurred_at: datetime | None = None,
    ) -> Receipt:
        """A13.2: open a provincial or national round with the cities' quotas."""
        self._authorise(actor, "open_round")
        rnd = Round.open(self._act(actor, occurred_at, rules=("A13.2",)), level, year, quotas)
        return self._create(rnd, f"{year}年{level.value}轮次 round")

    def set_quota(
        self,
        actor: Actor,
        level: Level,
        year: int,
        city: str,
        quota: int,
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A13.2: change one city's quota."""
        self._authorise(actor, "set_quota")
        rnd = self._expect(self._round(level, year), expected_version)
        rnd.set_quota(self._act(actor, occurred_at, rules=("A13.2",)), city, quota)
        return self._save(rnd)

    def nominate(
        self,
        actor: Actor,
        credit_code: str,
        level: Level,
        year: int,
        justification: str = "",
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A13.2, A14.1-3, A17 and the standards: a city recommends one of its units."""
        self._may(actor, "nominate")
        unit = self._expect(self._unit(credit_code), expected_version)
        self._authorise(actor, "nominate", unit)
        rnd = self._round(level, year)
        act = self._act(actor, occurred_at, justification, rules=("A13.2", "A14.1"))
        rnd.accept_nomination(act, unit.id, unit.city)
        unit.nominate(act, level, year, rnd.id, self._member_records(unit))
        return self._save(unit, rnd)

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
        try:
            pool = self._get(ExpertPool, POOL_ID, "expert pool")
        except NotFound:
            pool = ExpertPool.open(act)
        self._expect(pool, expected_version)
        pool.enrol(act, expert_id, name, employer)
        return self._save(pool)

    def draw_expert_panel(
        self,
        actor: Actor,
        credit_code: str,
        level: Level,
        year: int,
        size: int = 5,
        seed: str | None = None,
        justification: str = "",
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A15.2: draw a panel at random, excluding experts employed by the applicant or by the
        agency that evaluated it; the seed and candidates are recorded. A second draw for the
        same unit needs a justification. The panel is the round's: `expected_version` is the
        round's."""
        self._authorise(actor, "draw_expert_panel")
        unit = self._unit(credit_code)
        check_stage(
            unit.stage(level), [Stage.PRELIMINARY_PASSED], ("A15.1", "A15.2"), "draw a panel"
        )
        rnd = self._expect(self._round(level, year), expected_version)
        pool = self._get(ExpertPool, POOL_ID, "expert pool")
        excluded = {unit.credit_code}
        agency = unit.evaluating_agency(level)
        if agency is not None:
            excluded.add(self._agency_code(agency))
        candidates = pool.eligible_for(excluded)
        panel = rnd.draw_panel(
            self._act(actor, occurred_at, justification, rules=("A15.2",)),
            unit.id,
            seed or secrets.token_hex(16),
            candidates,
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
    ) -> Receipt:
        """A15.1: the first review step."""
        self._authorise(actor, "record_preliminary_review")
        unit = self._expect(self._unit(credit_code), expected_version)
        act = self._act(actor, occurred_at, rules=("A15.1",))
        unit.review_preliminarily(act, level, passed, notes)
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
        """A15.2: the drawn panel's conclusion; refused before a panel is drawn."""
        self._authorise(actor, "record_expert_review")
        unit = self._expect(self._unit(credit_code), expected_version)
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
        candidates = []
        for uid in rnd.nominations:
            unit = self._get(Unit, UUID(uid), "unit")
            if unit.stage(level) is Stage.EXPERT_PASSED:
                score = float(unit.expert_score(level) or 0)
                candidates.append((uid, inspection_weight(True, score)))
        sample = rnd.draw_site_sample(
            self._act(actor, occurred_at, rules=("A15.3",)),
            seed or secrets.token_hex(16),
            candidates,
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
        """A15.3: only sampled units are inspected on site."""
        self._authorise(actor, "record_site_inspection")
        unit = self._expect(self._unit(credit_code), expected_version)
        year = unit.year(level)
        review.check_a15_3_sampled(bool(year) and self._round(level, year or 0).is_sampled(unit.id))
        unit.inspect_site(self._act(actor, occurred_at, rules=("A15.3",)), level, passed, notes)
        return self._save(unit)

    def open_public_notice(
        self,
        actor: Actor,
        level: Level,
        year: int,
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A16.1: put every unit that passed all its reviews under 15-day notice. Refused while
        a sampled unit still awaits its site inspection (A15.3)."""
        self._authorise(actor, "open_public_notice")
        rnd = self._expect(self._round(level, year), expected_version)
        act = self._act(actor, occurred_at, rules=("A16.1",))
        units = [self._get(Unit, UUID(uid), "unit") for uid in rnd.nominations]
        waiting = [
            u for u in units if u.stage(level) is Stage.EXPERT_PASSED and rnd.is_sampled(u.id)
        ]
        review.check_a15_3_inspected(len(waiting))
        proposed = [u for u in units if u.stage(level) in PAST_REVIEW]
        last_day = rnd.open_notice(act, [str(u.id) for u in proposed], self.notice_period)
        for unit in proposed:
            unit.enter_notice(act, level, last_day)
        return self._save(rnd, *proposed, last_day=last_day)

    def raise_objection(
        self,
        actor: Actor,
        credit_code: str,
        level: Level,
        summary: str,
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A16.1: anyone may object while the notice runs (but the inspectors and auditors,
        who change nothing); the province records it."""
        self._authorise(actor, "raise_objection")
        unit = self._expect(self._unit(credit_code), expected_version)
        publication.check_a16_1_objection_grounds(summary)
        objection_id = uuid4()
        act = self._act(actor, occurred_at, rules=("A16.1",))
        unit.raise_objection(act, level, objection_id, summary)
        return self._save(unit, objection_id=objection_id)

    def decide_objection(
        self,
        actor: Actor,
        credit_code: str,
        level: Level,
        objection_id: UUID,
        upheld: bool,
        justification: str = "",
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A16.1: the province decides; an upheld objection blocks the unit."""
        self._authorise(actor, "decide_objection")
        unit = self._expect(self._unit(credit_code), expected_version)
        unit.decide_objection(
            self._act(actor, occurred_at, justification, rules=("A16.1",)),
            level,
            objection_id,
            upheld,
        )
        return self._save(unit)

    def cosign_publication(
        self,
        actor: Actor,
        level: Level,
        year: int,
        department: str | None = None,
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A16.2: a co-publishing department (发改委 `ndrc`, 生态环境厅 `eco_env`) signs: by
        default the one the signatory's credentials name, and no other (ID.3, A16.2)."""
        self._authorise(actor, "cosign_publication", department=department)
        rnd = self._expect(self._round(level, year), expected_version)
        signer = department or actor.department or ""
        rnd.cosign(self._act(actor, occurred_at, rules=("A16.2",)), signer)
        return self._save(rnd)

    def publish_round(
        self,
        actor: Actor,
        level: Level,
        year: int,
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A16.2: the joint publication. At the annual (provincial) publication the deferred
        removals and adjustments take effect (A19.1-3, A20.3, domain.service.removals)."""
        self._authorise(actor, "publish_round")
        rnd = self._expect(self._round(level, year), expected_version)
        act = self._act(actor, occurred_at, rules=("A16.1", "A16.2"))
        rnd.check_publishable(act)
        loaded: dict[UUID, Unit] = {}
        outcome: dict[str, list[str]] = {
            "listed": [],
            "withheld": [],
            "removed": [],
            "adjusted": [],
        }
        for uid in (rnd.notice or {}).get("unit_ids", []):
            unit = self._load_once(loaded, UUID(uid))
            if unit.stage(level) is Stage.UNDER_NOTICE:
                listed = unit.publish(act, level, self._member_records(unit))
                outcome["listed" if listed else "withheld"].append(uid)
        queue = self._queue(act) if level is Level.PROVINCIAL else None
        if queue is not None:
            self._apply_adjustments(act, queue, loaded, outcome)
            queue.drain(act, rnd.id)
        rnd.publish(act, outcome)
        return self._save(rnd, *loaded.values(), *([queue] if queue else []), **outcome)

    def _round(self, level: Level, year: int) -> Round:
        return self._get(Round, round_id(level, year), f"{year}年{level.value}轮次 round")

    def _agency_code(self, agency_uuid: UUID) -> str:
        return self._get(Agency, agency_uuid, "agency").credit_code
