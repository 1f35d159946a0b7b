"""The yearly selection: rounds, quotas, nominations, notice, objections and joint publication
(A13.2-A14, A16); the reviews in between are `domain.service.reviews` (A15)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from domain.aggregates.objection import NoticeObjection
from domain.aggregates.round import Round
from domain.aggregates.unit import Unit
from domain.rules import publication, review
from domain.rules.selection import QuotaInputs
from domain.rules.stages import PAST_REVIEW, Stage
from domain.service.base import ExpectedVersion, Receipt
from domain.service.objections import ObjectionActs
from domain.service.reviews import ReviewActs
from domain.values import Actor, Level


class SelectionActs(ObjectionActs, ReviewActs):
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
        justification: str = "",
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A13.2: set one city's quota by hand, with a written justification (refused without:
        JustificationRequired); recorded as an exception the supervisors see. A quota weighed
        by the article's formula is `derive_quota`."""
        self._authorise(actor, "set_quota")
        rnd = self._expect(self._round(level, year), expected_version)
        act = self._act(actor, occurred_at, justification, rules=("A13.2",))
        rnd.set_quota(act, city, quota)
        return self._save(rnd, basis="manual", quota=quota)

    def derive_quota(
        self,
        actor: Actor,
        level: Level,
        year: int,
        city: str,
        previous_rate: float | None,
        pool_size: int,
        base: int,
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A13.2: derive one city's quota from the previous year's selection rate (listed /
        nominated at this level, the selection_rates read model; None if it nominated nobody),
        its cultivation pool's size (its cultivation system, A8) and its base share of the
        yearly target; the inputs and the formula's name are recorded with the quota
        (domain.rules.selection.derive_quota). The receipt's details carry the quota."""
        self._authorise(actor, "derive_quota")
        rnd = self._expect(self._round(level, year), expected_version)
        act = self._act(actor, occurred_at, rules=("A13.2",))
        inputs = QuotaInputs(previous_rate=previous_rate, pool_size=pool_size, base=base)
        quota = rnd.derive_quota(act, city, inputs)
        return self._save(rnd, basis="derived", quota=quota)

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
        seen = rnd.accept_nomination(act, unit.id, unit.city)
        unit.nominate(act, level, year, rnd.id, self._member_records(unit), seen)
        return self._save(unit, rnd)

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
        """A16.1: the province records an objection it received by another channel while the
        notice runs; its staff is the actor. Anyone else objects through `file_objection`, which
        keeps the objector out of the unit's history (A16.1, A23.1: the same protection as a
        reporter's)."""
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
        filed = self.aggregate_store.load(objection_id, False)
        publication.check_a16_1_not_filed(isinstance(filed, NoticeObjection))
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
        self._check_filed_objections_decided(rnd)
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
