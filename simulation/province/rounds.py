"""The province story's rounds, provincial and national, each year: quotas (A13.2: derived from
the previous year's selection rate and the cultivation pool, one a year set by hand), nominations
(some off the lower list, with a justification, A14.2/A14.3), preliminary and expert reviews,
panel draws (a few redrawn), the weighted site sample and its inspections, the notice with
objections, co-signatures and the joint publication (A15-A16); the national round ends with the
recommendation to MIIT and MIIT's outcomes, recorded when the ministry publishes (A16.3)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from functools import partial
from math import ceil
from uuid import UUID

from domain.aggregates.round import Round, round_id
from domain.aggregates.unit import IN_SELECTION, Unit
from domain.rules.selection import QuotaInputs, derive_quota
from domain.rules.stages import Stage
from domain.values import CITIES, Level
from simulation import draws
from simulation.cast import Member
from simulation.province.acts import M, P
from simulation.province.life import ProvinceLife
from simulation.scenarios import ECO_ENV, NDRC, PROVINCE_ACTOR, city_actor


class ProvinceRounds(ProvinceLife):
    """A round's stages, planned day by day from what the service decided."""

    def quotas(self, candidates: list[Member], share: float) -> dict[str, int]:
        per_city = Counter(u.city for u in candidates)
        return {c: max(2, ceil(per_city[c] * share)) for c in CITIES}

    def open_round(self, level: Level, year: int, quotas: dict[str, int]) -> None:
        self.act(self.app.open_round, PROVINCE_ACTOR, level, year, quotas)

    def previous_rates(self, level: Level, year: int) -> dict[str, float | None]:
        """A13.2: each city's selection rate at `level` the year before, from that round's
        record (its nominations) and the units' standing (listed); None for a city that
        nominated nobody, or when there was no round."""
        try:
            before = self.store.get(Round, round_id(level, year - 1))
        except KeyError:
            return dict.fromkeys(CITIES)
        nominated, listed = Counter[str](), Counter[str]()
        for uid, city in before.nominations.items():
            nominated[city] += 1
            unit = self.store.get(Unit, UUID(uid))
            listed[city] += unit.stage_in(level, year - 1) is Stage.LISTED
        return {c: listed[c] / nominated[c] if nominated[c] else None for c in CITIES}

    def derive_quotas(self, level: Level, year: int) -> None:
        """A13.2: each city's quota derived from its previous year's selection rate, its
        cultivation pool (A8) and its base (the quota the round opened with); one city, drawn
        at random, gets one more by hand, with a written justification (supervision shows it)."""
        rnd = self.store.get(Round, round_id(level, year))
        rates = self.previous_rates(level, year)
        pools = Counter(u.city for u in self.units if self.unit(u.code).pools)
        by_hand = self.rng.choice(sorted(CITIES))
        for city in sorted(CITIES):
            inputs = QuotaInputs(rates[city], pools[city], rnd.quotas[city])
            if city == by_hand:
                why = f"{CITIES[city]}新增重点培育对象，经厅务会研究在测算名额外追加1个推荐名额"
                quota = derive_quota(inputs) + 1
                self.act(self.app.set_quota, PROVINCE_ACTOR, level, year, city, quota, why)
                continue
            self.act(
                self.app.derive_quota,
                PROVINCE_ACTOR,
                level,
                year,
                city,
                inputs.previous_rate,
                inputs.pool_size,
                inputs.base,
            )

    def nominate(self, level: Level, year: int, unit: Member, why: str) -> None:
        u = self.unit(unit.code)
        rnd = self.store.get(Round, round_id(level, year))
        if (
            u.stage(level) in (*IN_SELECTION, Stage.LISTED)
            or not u.pools
            or level not in u.passed_levels()
            or rnd.used(unit.city) >= rnd.quotas.get(unit.city, 0)
            or self.excluded(unit.code, self.today)
        ):
            return
        lower = M if level is P else P
        if not u.is_listed(lower) and not why:
            return
        self.act(self.app.nominate, city_actor(unit.city), unit.code, level, year, why)

    def nominate_with(self, level: Level, year: int, nominee: tuple[Member, str]) -> None:
        """`nominate` a (unit, justification) pair planned on the agenda."""
        self.nominate(level, year, *nominee)

    # --- a round's reviews, notice and publication ---------------------------------------

    def round_units(self, level: Level, year: int, *stages: Stage) -> list[str]:
        rnd = self.store.get(Round, round_id(level, year))
        found = []
        for uid in rnd.nominations:
            unit = self.store.get(Unit, UUID(uid))
            if unit.stage_in(level, year) in stages:
                found.append(unit.credit_code)
        return found

    def plan_reviews(self, level: Level, year: int, first: date) -> None:
        """Preliminary reviews (A15.1), panels and expert reviews (A15.2), then the sample."""
        a = self.agenda

        def day(n: int) -> date:
            return first + timedelta(days=n)

        nominated = self.round_units(level, year, Stage.NOMINATED)
        a.spread(nominated, day(0), day(10), partial(self.preliminary, level))
        a.on(day(13), partial(self.plan_panels, level, year, day(13), day(24)))
        a.on(day(27), partial(self.plan_expert_reviews, level, year, day(27), day(38)))
        a.on(day(41), partial(self.sample_sites, level, year, day(42), day(50)))
        if level is not P:  # A16.3: recommended to MIIT, who decides; no provincial notice
            a.on(date(year, 9, 2), partial(self.recommend_to_miit, year), hour=9, minute=30)
            return
        notice = date(year, 9, 1)
        a.on(notice, partial(self.notice, level, year), hour=9, minute=30)
        a.on(date(year, 9, 16), partial(self.cosign, year), hour=15)
        a.on(notice + timedelta(days=17), partial(self.publish, level, year))

    def preliminary(self, level: Level, code: str) -> None:
        passed = self.rng.random() < 0.92
        notes = draws.PRELIMINARY_NOTES[passed]
        self.act(self.app.record_preliminary_review, PROVINCE_ACTOR, code, level, passed, notes)

    def plan_panels(self, level: Level, year: int, first: date, last: date) -> None:
        passed = self.round_units(level, year, Stage.PRELIMINARY_PASSED)
        self.agenda.spread(passed, first, last, partial(self.draw_panel, level, year))

    def draw_panel(self, level: Level, year: int, code: str) -> None:
        draw = self.app.draw_expert_panel
        self.act(draw, PROVINCE_ACTOR, code, level, year, size=5)  # A15.2: nobody's seed
        if self.rng.random() < 0.02:  # A15.2: an expert withdrew; drawn again, with reasons
            self.agenda.later(90)
            why = "原抽取专家因回避事由申请退出，经批准重新抽取"
            self.act(draw, PROVINCE_ACTOR, code, level, year, 5, why)

    def plan_expert_reviews(self, level: Level, year: int, first: date, last: date) -> None:
        ready = self.round_units(level, year, Stage.PRELIMINARY_PASSED)
        self.agenda.spread(ready, first, last, partial(self.expert_review, level))

    def expert_review(self, level: Level, code: str) -> None:
        passed = self.rng.random() < 0.9
        score = draws.expert_score(self.rng, passed)
        self.act(self.app.record_expert_review, PROVINCE_ACTOR, code, level, passed, score)

    def sample_sites(self, level: Level, year: int, first: date, last: date) -> None:
        candidates = self.round_units(level, year, Stage.EXPERT_PASSED)
        size = max(1, len(candidates) // 6)
        receipt = self.act(
            self.app.draw_site_sample, PROVINCE_ACTOR, level, year, size, f"{year}-site"
        )
        if receipt is None:
            return
        codes = [self.store.get(Unit, UUID(u)).credit_code for u in receipt.details["sample"]]
        self.agenda.spread(codes, first, last, partial(self.inspect, level))

    def inspect(self, level: Level, code: str) -> None:
        """A15.3; one in ten is recorded a few days after the visit (back-entered)."""
        passed = self.rng.random() < 0.9
        notes = draws.INSPECTION_NOTES[passed]
        visited = None
        if self.rng.random() < 0.1:
            visited = self.agenda.now - timedelta(days=self.rng.randint(2, 4))
        self.act(
            self.app.record_site_inspection,
            PROVINCE_ACTOR,
            code,
            level,
            passed,
            notes,
            occurred_at=visited,
        )

    def notice(self, level: Level, year: int) -> None:
        """A16.1: the notice; objections against a few, decided before the publication."""
        if self.act(self.app.open_public_notice, PROVINCE_ACTOR, level, year) is None:
            return
        proposed = self.round_units(level, year, Stage.UNDER_NOTICE)
        opened = self.today
        for code in self.sample(proposed, 0.03):
            raised = opened + timedelta(days=self.rng.randint(1, 9))
            self.agenda.on(raised, partial(self.object, level, code, opened + timedelta(days=11)))

    def object(self, level: Level, code: str, decide_on: date) -> None:
        summary = draws.OBJECTION
        receipt = self.act(self.app.raise_objection, PROVINCE_ACTOR, code, level, summary)
        if receipt is not None:
            upheld = self.rng.random() < 0.4
            decide = partial(self.decide, level, code, receipt.details["objection_id"], upheld)
            self.agenda.on(decide_on, decide, hour=14)

    def decide(self, level: Level, code: str, objection: UUID, upheld: bool) -> None:
        why = draws.DECISION[upheld]
        self.act(self.app.decide_objection, PROVINCE_ACTOR, code, level, objection, upheld, why)

    def cosign(self, year: int) -> None:
        self.act(self.app.cosign_publication, NDRC, P, year, "ndrc")
        self.agenda.later(60 * 3)
        self.act(self.app.cosign_publication, ECO_ENV, P, year, "eco_env")

    def publish(self, level: Level, year: int) -> None:
        self.act(self.app.publish_round, PROVINCE_ACTOR, level, year)

    def recommend_to_miit(self, year: int) -> None:
        """A16.3: the national round's units past their reviews go to MIIT; MIIT publishes its
        list in late November and the province records each outcome (most listed)."""
        receipt = self.act(self.app.recommend_to_miit, PROVINCE_ACTOR, year)
        if receipt is None:
            return
        codes = [self.store.get(Unit, UUID(u)).credit_code for u in receipt.details["recommended"]]
        published = date(year, 11, 22)
        document = f"工信厅节函〔{year}〕{300 + year % 100}号"
        for code in codes:
            listed = self.rng.random() < 0.8
            outcome = partial(self.miit_outcome, year, code, listed, document)
            self.agenda.on(published, outcome, hour=16)

    def miit_outcome(self, year: int, code: str, listed: bool, document: str) -> None:
        """A16.3: recorded the day MIIT published (occurred_at: the publication)."""
        published = self.agenda.now
        record = self.app.record_miit_outcome
        self.act(record, PROVINCE_ACTOR, code, year, listed, document, published)
