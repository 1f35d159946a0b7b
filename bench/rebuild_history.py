"""A large, realistic event log for the rebuild benchmark (bench.rebuild), generated fast.

Every event is made by the service's own commands, with the rules checked as in production, on
a `SettableClock` that follows a calendar of working days (simulation.agenda): each year
the cities cultivate their pools (A8-A11), units are evaluated (A12, A22.3) and put on the
municipal lists (A13.1); the provincial and national rounds run with quotas, nominations (some
off the lower list, with a justification, A14.2/A14.3), preliminary and expert reviews, panel
draws (a few redrawn), the weighted site sample and its inspections, the notice with
objections, co-signatures and the joint publication (A13.2-A16); listed units file yearly
forms, on time, late or not at all (A18, A19.2), declare changes and are re-checked (A20), are
reported (A23, reporters' identities read), get negative records (A17, reaching the parks that
contain them), accidents (A19.4) and five-yearly re-reviews (A21); parks change members.

What is not production-like is only how the events reach the store: `BulkService._save` keeps
them in memory, in command order, and `flush` writes a few thousand at a time in one
transaction, with their timeline entries computed exactly as `ServiceBase._save` does. Calling
the real `_save` with many aggregates at once would group each aggregate's events together and
so lose the log's time order, which the read models see (which rows a batch finds); snapshots
are not taken (a rebuild never reads them)."""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import partial
from math import ceil
from typing import Any
from uuid import UUID

from domain.aggregates.base import GreenAggregate
from domain.aggregates.membership import ParkMembership, membership_id
from domain.aggregates.round import Round, round_id
from domain.aggregates.unit import IN_SELECTION, Unit, unit_id
from domain.clock import Clock, SettableClock
from domain.errors import ConcurrentUpdate, GreenlistError, NotFound, RuleViolation
from domain.rules.checks import (
    NATIONAL_PROJECTS_PER_YEAR,
    PROVINCIAL_PROJECTS_PER_YEAR,
    a22_3_counts_as,
)
from domain.service import Greenlist
from domain.service.base import Receipt
from domain.values import CITIES, SHANGHAI, Actor, Level, UnitKind, local_date, micros
from greenlist.config import store_env
from simulation.agenda import Agenda
from simulation.cast import BRANDS, EXPERTS, INDUSTRIES, Member
from simulation.scenarios import (
    ECO_ENV,
    FACTS,
    INSPECTOR,
    NDRC,
    PROVINCE_ACTOR,
    PUBLIC,
    SYSTEM_ACTOR,
    agency_actor,
    city_actor,
    credit_code,
    enterprise_actor,
    report_hash,
)

M, P, N = Level.MUNICIPAL, Level.PROVINCIAL, Level.NATIONAL
START = datetime(2024, 7, 1, 8, tzinfo=SHANGHAI)
CITY_WEIGHTS = {
    "330100": 18,
    "330200": 16,
    "330300": 11,
    "330400": 10,
    "330500": 7,
    "330600": 10,
    "330700": 9,
    "330800": 4,
    "330900": 3,
    "331000": 9,
    "331100": 3,
}
LIMITS = {"provincial": PROVINCIAL_PROJECTS_PER_YEAR, "national": NATIONAL_PROJECTS_PER_YEAR}
GROUNDS = ("A17.1", "A17.2", "A17.4", "A17.5", "A17.6")
CONTINUING = ("A17.1", "A17.5", "A17.6")


class BulkService(Greenlist):
    """The service whose `_save` defers writing: aggregates stay in memory (`aggregates`), their
    events are kept in command order and written by `flush`, `flush_every` at a time."""

    name = Greenlist.name  # the same tables as the service's

    def __init__(self, env: dict[str, str], clock: Clock, flush_every: int = 4000) -> None:
        super().__init__(env, clock)
        self.aggregates: dict[UUID, GreenAggregate] = {}
        self.kept: list[Any] = []
        self.flush_every = flush_every
        self.written = 0
        self.write_seconds = 0.0

    def _get(self, cls: Any, aggregate_id: UUID, what: str, fresh: bool = False) -> Any:
        aggregate = self.aggregates.get(aggregate_id)
        if not isinstance(aggregate, cls):
            raise NotFound(zh=f"{what}不存在", en=f"{what} not found")
        return aggregate

    def _parks_containing(self, member_code: str) -> list[Unit]:
        index = self.aggregates.get(membership_id(member_code))
        if not isinstance(index, ParkMembership):
            return []
        return [self._get(Unit, UUID(park), "park") for park in index.parks]

    def _save(self, primary: GreenAggregate, *others: GreenAggregate, **details: Any) -> Receipt:
        for aggregate in (primary, *others):
            if self.aggregates.setdefault(aggregate.id, aggregate) is not aggregate:
                raise ConcurrentUpdate(zh="已存在", en="another aggregate has this id")
            self.kept.extend(aggregate.collect_events())
        if len(self.kept) >= self.flush_every:
            self.flush()
        return Receipt(primary.id, primary.version, None, details)

    def flush(self) -> None:
        """Write the events kept so far, in command order, with their timeline entries."""
        if not self.kept:
            return
        started = time.perf_counter()
        timeline = [(e.originator_id, e.originator_version, micros(e.timestamp)) for e in self.kept]
        self.save(*self.kept, timeline=timeline)
        self.written += len(self.kept)
        self.kept = []
        self.write_seconds += time.perf_counter() - started

    def dirty(self) -> bool:
        """Whether a refused command left events on an aggregate (it changed it before being
        refused): the in-memory state would then differ from the log."""
        return any(a.pending_events for a in self.aggregates.values())


class History:
    """Plans a province's years on an agenda and runs them through a `BulkService`."""

    def __init__(
        self, app: BulkService, clock: SettableClock, units: int, last_year: int, seed: int
    ) -> None:
        self.app, self.rng = app, random.Random(seed)
        self.agenda = Agenda(clock, self.rng, START)
        self.target_units, self.last_year = units, last_year
        self.serial = 10_000
        self.units: list[Member] = []
        self.by_code: dict[str, Member] = {}
        self.agencies: list[tuple[str, str]] = []
        """(credit code, legal representative)"""
        self.used: Counter[tuple[str, int, str]] = Counter()
        self.changes: dict[str, UUID] = {}
        self.refused: Counter[str] = Counter()
        self.acts = 0

    # --- running -------------------------------------------------------------------------

    def run(self) -> None:
        a = self.agenda
        a.on(date(2024, 7, 2), self.register_agencies)
        a.on(date(2024, 7, 3), self.enrol_experts)
        initial = self.new_units(int(self.target_units * 0.55))
        factories = [u for u in initial if u.kind is UnitKind.FACTORY]
        others = [u for u in initial if u.kind is not UnitKind.FACTORY]
        a.spread(factories, date(2024, 7, 8), date(2024, 8, 16), self.register)
        a.spread(others, date(2024, 8, 19), date(2024, 8, 30), self.register)
        a.spread(initial, date(2024, 9, 2), date(2024, 10, 31), partial(self.cultivate, year=2024))
        evaluate = partial(self.evaluate, level=M, pass_rate=0.88)
        a.spread(initial, date(2024, 11, 1), date(2024, 12, 6), evaluate)
        a.spread(initial, date(2024, 12, 9), date(2024, 12, 27), self.list_municipally)
        for year in range(2025, self.last_year + 1):
            a.on(date(year, 1, 2), partial(self.plan_year, year), hour=8)
        a.run()
        self.app.flush()

    def act(self, command: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a command; a refusal is counted (the generator checks first, so they are rare)
        and must have left nothing half-done in memory."""
        self.acts += 1
        try:
            return command(*args, **kwargs)
        except GreenlistError as refusal:
            if self.app.dirty():
                raise RuntimeError(f"{command.__name__} refused half-way: {refusal}") from None
            self.refused[command.__name__] += 1
            return None

    def unit(self, code: str) -> Unit:
        return self.app._get(Unit, unit_id(code), code)

    def excluded(self, code: str, on: date) -> bool:
        """A17 (for a park also its members' records): the unit is refused nearly everything."""
        unit = self.unit(code)
        try:
            unit.check_not_excluded(on, self.app._member_records(unit))
        except RuleViolation:
            return True
        return False

    @property
    def today(self) -> date:
        return local_date(self.agenda.now)

    def sample(self, items: list[Any], share: float) -> list[Any]:
        return [x for x in items if self.rng.random() < share]

    # --- the cast ------------------------------------------------------------------------

    def new_units(self, count: int) -> list[Member]:
        """Factories (85 %), parks with factories of their city inside (7 %) and supply-chain
        lead companies (8 %), spread over the cities by their industry."""
        cities = list(CITY_WEIGHTS)
        weights = list(CITY_WEIGHTS.values())
        made: list[Member] = []
        for _ in range(count):
            self.serial += self.rng.randint(1, 7)
            city = self.rng.choices(cities, weights)[0]
            draw = self.rng.random()
            brand, trade = self.rng.choice(BRANDS), self.rng.choice(INDUSTRIES)
            if draw < 0.07:
                local = [
                    u.code
                    for u in [*self.units, *made]
                    if u.city == city and u.kind is UnitKind.FACTORY
                ]
                inside = tuple(sorted(self.rng.sample(local, min(len(local), 5))))
                code = credit_code(self.serial, city, prefix="11")
                name = f"{CITIES[city]}{brand}{trade}产业园区管理委员会{self.serial % 1000}"
                member = Member(code, UnitKind.PARK, name, city, inside)
            elif draw < 0.15:
                code = credit_code(self.serial, city)
                name = f"{CITIES[city]}{brand}{trade}集团股份有限公司"
                member = Member(code, UnitKind.SUPPLY_CHAIN, name, city)
            else:
                code = credit_code(self.serial, city)
                member = Member(
                    code, UnitKind.FACTORY, f"{CITIES[city]}{brand}{trade}有限公司", city
                )
            made.append(member)
        return made

    def register_agencies(self) -> None:
        """Forty agencies under thirty legal representatives (A22.3 counts per representative)."""
        for i in range(40):
            city = list(CITIES)[i % len(CITIES)]
            code = credit_code(5000 + i * 13, city)
            representative = f"法定代表人{i % 30:02d}"
            name = f"{CITIES[city]}绿色评价技术服务有限公司{i:02d}"
            self.act(self.app.register_agency, PROVINCE_ACTOR, code, name, representative)
            self.agencies.append((code, representative))
            self.agenda.later(7)

    def enrol_experts(self) -> None:
        employers = [credit_code(5900 + i, "330100", prefix="12") for i in range(6)]
        employers += [code for code, _ in self.agencies[:6]]
        for i in range(48):
            name = f"{EXPERTS[i % len(EXPERTS)]}{i // len(EXPERTS) or ''}"
            employer = employers[i % len(employers)]
            self.act(self.app.enrol_expert, PROVINCE_ACTOR, f"ZJ-EXP-{i:03d}", name, employer)
            self.agenda.later(3)

    def register(self, unit: Member) -> None:
        by_itself = unit.kind is not UnitKind.PARK and self.rng.random() < 0.5
        actor = enterprise_actor(unit.code) if by_itself else city_actor(unit.city)
        if self.act(self.app.register_unit, actor, unit.code, unit.kind, unit.name, unit.members):
            self.units.append(unit)
            self.by_code[unit.code] = unit

    # --- cultivation, evaluation, municipal list ----------------------------------------

    def cultivate(self, unit: Member, year: int) -> None:
        if unit.code not in self.by_code or self.excluded(unit.code, self.today):
            return
        facts: dict[str, Any] = dict(FACTS[unit.kind])
        if unit.kind is UnitKind.FACTORY:
            facts["site_region"] = unit.city[:4] + self.rng.choice(("02", "03", "81", "82"))
        priority = self.rng.random() < 0.25
        self.act(self.app.cultivate, city_actor(unit.city), unit.code, year, facts, priority)

    def evaluate(self, unit: Member, level: Level, pass_rate: float) -> None:
        if unit.code not in self.by_code or self.excluded(unit.code, self.today):
            return
        passed = self.rng.random() < pass_rate
        score = round(self.rng.uniform(76, 96) if passed else self.rng.uniform(52, 68), 1)
        digest = report_hash(f"{unit.code}/{level.value}/{self.today}/{score}")
        actor = self.evaluator(unit, level)
        year = self.today.year
        self.act(self.app.submit_evaluation, actor, unit.code, level, year, digest, score, passed)

    def evaluator(self, unit: Member, level: Level) -> Actor:
        """An agency whose legal representative has room under A22.3 (60 %), or the enterprise
        itself (a park's report is always by an agency)."""
        counts_as = a22_3_counts_as(level, unit.kind)
        if unit.kind is UnitKind.PARK or self.rng.random() < 0.6:
            for code, representative in self.rng.sample(self.agencies, len(self.agencies)):
                key = (representative, self.today.year, counts_as or "none")
                if counts_as is None or self.used[key] < LIMITS[counts_as]:
                    self.used[key] += 1
                    return agency_actor(code)
        return enterprise_actor(unit.code)

    def list_municipally(self, unit: Member) -> None:
        if unit.code not in self.by_code:
            return
        u = self.unit(unit.code)
        if (
            u.is_listed(M)
            or not u.pools
            or M.value not in u.passed_levels()
            or self.excluded(unit.code, self.today)
        ):
            return
        self.act(self.app.list_municipally, city_actor(unit.city), unit.code)

    # --- the year ------------------------------------------------------------------------

    def plan_year(self, year: int) -> None:
        """Everything of a year, planned on 2 January from what the units are then."""
        a = self.agenda

        def day(month: int, d: int) -> date:
            return date(year, month, d)

        units = list(self.units)
        on = day(1, 6)
        active = [u for u in units if not self.excluded(u.code, on)]
        state = {u.code: self.unit(u.code) for u in units}
        a.spread(active, day(1, 6), day(1, 30), partial(self.cultivate, year=year))

        # municipal: report then list those not on their city's list yet
        unlisted = [u for u in active if not state[u.code].is_listed(M)]
        to_report = [u for u in unlisted if M.value not in state[u.code].passed_levels()]
        a.spread(to_report, day(2, 3), day(2, 28), partial(self.evaluate, level=M, pass_rate=0.85))
        a.spread(unlisted, day(3, 3), day(4, 30), self.list_municipally)

        # the rounds' candidates: a share of the lower list, reported in February
        nominees: dict[Level, list[tuple[Member, str]]] = {}
        for level, lower, share, pass_rate in ((P, M, 0.3, 0.9), (N, P, 0.2, 0.85)):
            ready = [
                u
                for u in active
                if state[u.code].is_listed(lower)
                and state[u.code].status(level) not in (*IN_SELECTION, "listed")
            ]
            chosen = [(u, "") for u in self.sample(ready, share)]
            off_list = [u for u in active if not state[u.code].is_listed(lower)]
            why = f"该单位{lower.value}名单列入手续在办，评价报告已通过，特此说明"
            chosen += [(u, why) for u in self.sample(off_list, 0.004)]
            report = partial(self.evaluate, level=level, pass_rate=pass_rate)
            a.spread([u for u, _ in chosen], day(2, 3), day(2, 28), report)
            nominees[level] = chosen
        quotas = {
            level: self.quotas([u for u, _ in chosen], share)
            for level, chosen, share in ((P, nominees[P], 0.85), (N, nominees[N], 0.8))
        }
        for level in (P, N):
            a.on(day(3, 2), partial(self.open_round, level, year, quotas[level]))
            a.on(day(4, 8), partial(self.adjust_quotas, level, year), hour=15)
            nominate = partial(self.nominate, level, year)
            a.spread(nominees[level], day(5, 6), day(6, 20), lambda item, f=nominate: f(*item))
            first = date(year, 7, 1)
            a.on(first, partial(self.plan_reviews, level, year, first))

        self.plan_forms(year - 1, units, state)
        self.plan_life(year, units, state)
        joiners = self.new_units(int(self.target_units * 0.45 / (self.last_year - 2024)))
        a.spread(joiners, day(2, 17), day(11, 27), self.register)

    def quotas(self, candidates: list[Member], share: float) -> dict[str, int]:
        per_city = Counter(u.city for u in candidates)
        return {c: max(2, ceil(per_city[c] * share)) for c in CITIES}

    def open_round(self, level: Level, year: int, quotas: dict[str, int]) -> None:
        self.act(self.app.open_round, PROVINCE_ACTOR, level, year, quotas)

    def adjust_quotas(self, level: Level, year: int) -> None:
        """A13.2: two cities get one more recommendation."""
        rnd = self.app._get(Round, round_id(level, year), "round")
        for city in self.rng.sample(list(CITIES), 2):
            self.act(self.app.set_quota, PROVINCE_ACTOR, level, year, city, rnd.quotas[city] + 1)

    def nominate(self, level: Level, year: int, unit: Member, why: str) -> None:
        u = self.unit(unit.code)
        rnd = self.app._get(Round, round_id(level, year), "round")
        if (
            u.status(level) in (*IN_SELECTION, "listed")
            or not u.pools
            or level.value not in u.passed_levels()
            or rnd.used(unit.city) >= rnd.quotas.get(unit.city, 0)
            or self.excluded(unit.code, self.today)
        ):
            return
        lower = M if level is P else P
        if not u.is_listed(lower) and not why:
            return
        self.act(self.app.nominate, city_actor(unit.city), unit.code, level, year, why)

    # --- a round's reviews, notice and publication ---------------------------------------

    def round_units(self, level: Level, year: int, *statuses: str) -> list[str]:
        rnd = self.app._get(Round, round_id(level, year), "round")
        found = []
        for uid in rnd.nominations:
            unit = self.app._get(Unit, UUID(uid), "unit")
            if unit.status(level) in statuses and unit.standing[level.value]["year"] == year:
                found.append(unit.credit_code)
        return found

    def plan_reviews(self, level: Level, year: int, first: date) -> None:
        """Preliminary reviews (A15.1), panels and expert reviews (A15.2), then the sample."""
        a = self.agenda

        def day(n: int) -> date:
            return first + timedelta(days=n)

        nominated = self.round_units(level, year, "nominated")
        a.spread(nominated, day(0), day(10), partial(self.preliminary, level))
        a.on(day(13), partial(self.plan_panels, level, year, day(13), day(24)))
        a.on(day(27), partial(self.plan_expert_reviews, level, year, day(27), day(38)))
        a.on(day(41), partial(self.sample_sites, level, year, day(42), day(50)))
        notice = date(year, 9, 1) if level is P else date(year, 9, 2)
        a.on(notice, partial(self.notice, level, year), hour=9, minute=30)
        if level is P:
            a.on(date(year, 9, 16), partial(self.cosign, year), hour=15)
        a.on(notice + timedelta(days=17), partial(self.publish, level, year))

    def preliminary(self, level: Level, code: str) -> None:
        passed = self.rng.random() < 0.92
        notes = "材料齐全，指标体系符合要求" if passed else "材料不全：缺少近三年能源审计报告"
        self.act(self.app.record_preliminary_review, PROVINCE_ACTOR, code, level, passed, notes)

    def plan_panels(self, level: Level, year: int, first: date, last: date) -> None:
        passed = self.round_units(level, year, "preliminary_passed")
        self.agenda.spread(passed, first, last, partial(self.draw_panel, level, year))

    def draw_panel(self, level: Level, year: int, code: str) -> None:
        draw = self.app.draw_expert_panel
        self.act(draw, PROVINCE_ACTOR, code, level, year, size=5, seed=f"{year}-{code}")
        if self.rng.random() < 0.02:  # A15.2: an expert withdrew; drawn again, with reasons
            self.agenda.later(90)
            why = "原抽取专家因回避事由申请退出，经批准重新抽取"
            seed = f"{year}-{code}-2"
            self.act(draw, PROVINCE_ACTOR, code, level, year, 5, seed, why)

    def plan_expert_reviews(self, level: Level, year: int, first: date, last: date) -> None:
        ready = self.round_units(level, year, "preliminary_passed")
        self.agenda.spread(ready, first, last, partial(self.expert_review, level))

    def expert_review(self, level: Level, code: str) -> None:
        passed = self.rng.random() < 0.9
        score = round(self.rng.uniform(80, 95) if passed else self.rng.uniform(55, 64), 1)
        self.act(self.app.record_expert_review, PROVINCE_ACTOR, code, level, passed, score)

    def sample_sites(self, level: Level, year: int, first: date, last: date) -> None:
        candidates = self.round_units(level, year, "expert_passed")
        size = max(1, len(candidates) // 6)
        receipt = self.act(
            self.app.draw_site_sample, PROVINCE_ACTOR, level, year, size, f"{year}-site"
        )
        if receipt is None:
            return
        codes = [
            self.app._get(Unit, UUID(u), "unit").credit_code for u in receipt.details["sample"]
        ]
        self.agenda.spread(codes, first, last, partial(self.inspect, level))

    def inspect(self, level: Level, code: str) -> None:
        """A15.3; one in ten is recorded a few days after the visit (back-entered)."""
        passed = self.rng.random() < 0.9
        notes = "现场布局、工艺装备与报告一致" if passed else "现场能耗计量数据与评价报告不符"
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
        proposed = self.round_units(level, year, "under_notice")
        opened = self.today
        for code in self.sample(proposed, 0.03):
            raised = opened + timedelta(days=self.rng.randint(1, 9))
            self.agenda.on(raised, partial(self.object, level, code, opened + timedelta(days=11)))

    def object(self, level: Level, code: str, decide_on: date) -> None:
        summary = "公示期间收到实名异议：反映该单位固废处置台账不完整"
        receipt = self.act(self.app.raise_objection, PROVINCE_ACTOR, code, level, summary)
        if receipt is not None:
            upheld = self.rng.random() < 0.4
            decide = partial(self.decide, level, code, receipt.details["objection_id"], upheld)
            self.agenda.on(decide_on, decide, hour=14)

    def decide(self, level: Level, code: str, objection: UUID, upheld: bool) -> None:
        why = "经核查异议属实" if upheld else "经核查异议不成立"
        self.act(self.app.decide_objection, PROVINCE_ACTOR, code, level, objection, upheld, why)

    def cosign(self, year: int) -> None:
        self.act(self.app.cosign_publication, NDRC, P, year, "ndrc")
        self.agenda.later(60 * 3)
        self.act(self.app.cosign_publication, ECO_ENV, P, year, "eco_env")

    def publish(self, level: Level, year: int) -> None:
        self.act(self.app.publish_round, PROVINCE_ACTOR, level, year)

    # --- listed units' lives -------------------------------------------------------------

    def plan_forms(self, year: int, units: list[Member], state: dict[str, Unit]) -> None:
        """A18 for reporting year `year`: mostly on time, some late, some never (A19.2)."""
        a, owing = self.agenda, []
        for u in units:
            for level in (P, N):
                standing = state[u.code].standing.get(level.value, {})
                if standing.get("status") == "listed" and standing["listed_on"].year <= year:
                    owing.append((u.code, level))
        self.rng.shuffle(owing)
        late, overdue = owing[: len(owing) // 20], owing[len(owing) // 20 : len(owing) // 10]
        on_time = owing[len(owing) // 10 :]
        form = partial(self.form, year)
        a.spread(on_time, date(year + 1, 2, 16), date(year + 1, 4, 14), lambda x: form(*x))
        a.spread(late, date(year + 1, 4, 20), date(year + 1, 5, 29), lambda x: form(*x))
        for code, level in overdue:
            mark = partial(self.mark_overdue, year, code, level)
            a.on(date(year + 1, 4, 16), mark, hour=9)

    def form(self, year: int, code: str, level: Level) -> None:
        u = self.unit(code)
        if not u.is_listed(level) or f"{level.value}/{year}" in u.forms:
            return
        indicators = {
            "energy_per_output_tce_per_10k_yuan": round(self.rng.uniform(0.05, 0.6), 3),
            "water_reuse_rate_pct": round(self.rng.uniform(60, 98), 1),
            "renewable_energy_share_pct": round(self.rng.uniform(3, 45), 1),
            "co2_emissions_t": self.rng.randrange(2_000, 180_000),
        }
        actor = enterprise_actor(code)
        self.act(self.app.submit_dynamic_form, actor, code, level, year, indicators)

    def mark_overdue(self, year: int, code: str, level: Level) -> None:
        u = self.unit(code)
        if not u.is_listed(level) or f"{level.value}/{year}" in u.forms:
            return
        self.act(self.app.mark_form_overdue, SYSTEM_ACTOR, code, level, year)

    def plan_life(self, year: int, units: list[Member], state: dict[str, Unit]) -> None:
        """Changes, reports, negative records, accidents, re-reviews and park members."""
        a, rng = self.agenda, self.rng
        first, last = date(year, 3, 2), date(year, 11, 27)
        listed = [u for u in units if state[u.code].listed_levels]
        a.spread(self.sample(listed, 0.05), first, last, self.declare)
        a.spread(self.sample(listed, 0.03), first, last, self.complain)
        a.spread(self.sample(units, 0.012), first, last, self.ground)
        a.spread(self.sample(listed, 0.002), first, last, self.accident)
        a.spread(rng.sample(self.agencies, 3), first, last, self.complain_agency)
        parks = [u for u in units if u.kind is UnitKind.PARK]
        a.spread(self.sample(parks, 0.08), first, last, self.redeclare_members)
        for u in listed:
            for level in state[u.code].listed_levels:
                due = state[u.code].rereview_due(level)
                if due is not None and due.year == year:
                    when = max(date(year, 1, 5), due - timedelta(days=rng.randint(7, 40)))
                    a.on(when, partial(self.rereview, u.code, level))

    def declare(self, unit: Member) -> None:
        """A20.1, re-checked by the city two or three weeks later (A20.2)."""
        u = self.unit(unit.code)
        if not u.listed_levels or any(c["status"] == "declared" for c in u.changes.values()):
            return
        kind = self.rng.choice(("name", "name", "scope", "address"))
        new_name = ""
        if kind == "name":
            new_name = u.name.replace("有限公司", "集团有限公司", 1)
            new_name = new_name if new_name != u.name else f"浙江{u.name}"
        description = {
            "name": "股份制改造后更名",
            "scope": "主体产线搬迁改造，停产约八个月",
            "address": "新增生产基地",
        }[kind]
        receipt = self.act(
            self.app.declare_change,
            enterprise_actor(unit.code),
            unit.code,
            kind,
            description,
            new_name,
        )
        if receipt is not None:
            later = self.today + timedelta(days=self.rng.randint(14, 21))
            self.agenda.on(later, partial(self.recheck, unit, receipt.details["change_id"]))

    def recheck(self, unit: Member, change: UUID) -> None:
        still_meets = self.rng.random() < 0.93
        self.act(
            self.app.recheck_change, city_actor(unit.city), unit.code, change, True, still_meets
        )

    def complain(self, unit: Member) -> None:
        """A23: a real-name report; the city accepts it, reads who reported, then verifies."""
        if not self.unit(unit.code).listed_levels:
            return
        receipt = self.act(
            self.app.file_complaint,
            PUBLIC,
            "unit",
            unit.code,
            self.rng.choice(("李娜", "王强", "张磊", "陈芳")),
            f"138{self.rng.randrange(10**7, 10**8)}",
            ["现场照片.jpg", "监测报告.pdf"],
            self.rng.choice(("夜间偷排未经处理的废水", "厂区噪声扰民", "危废贮存场所标识不全")),
        )
        if receipt is None:
            return
        complaint = receipt.aggregate_id
        city = city_actor(unit.city)
        self.accept(city, complaint)
        if self.rng.random() < 0.6:
            read = partial(self.act, self.app.read_reporter, city, complaint)
            self.agenda.on(self.today + timedelta(days=self.rng.randint(2, 7)), read)
        if self.rng.random() < 0.1:
            read = partial(self.act, self.app.read_reporter, INSPECTOR, complaint)
            self.agenda.on(self.today + timedelta(days=self.rng.randint(8, 12)), read)
        outcome = self.rng.choices(("unfounded", "rectification", "removal"), (50, 38, 12))[0]
        verify = partial(self.verify, city, complaint, outcome)
        self.agenda.on(self.today + timedelta(days=self.rng.randint(21, 42)), verify)

    def accept(self, city: Actor, complaint: UUID) -> None:
        """A23.2: the next day the city accepts the report for verification."""
        accept = partial(self.act, self.app.accept_complaint, city, complaint, "受理，转核实")
        self.agenda.on(self.today + timedelta(days=1), accept)

    def verify(self, city: Actor, complaint: UUID, outcome: str) -> None:
        notes = {
            "unfounded": "监测结果达标，举报不属实",
            "rectification": "属实，已责令限期整改",
            "removal": "经现场核查与执法监测，举报属实",
        }[outcome]
        confirmed = outcome != "unfounded"
        self.act(self.app.verify_complaint, city, complaint, confirmed, outcome, notes)

    def complain_agency(self, agency: tuple[str, str]) -> None:
        code, city = agency[0], agency[0][2:6] + "00"
        receipt = self.act(
            self.app.file_complaint,
            PUBLIC,
            "agency",
            code,
            "王强",
            "13800000000",
            ["报告比对.pdf"],
            "评价报告能耗数据与企业台账不一致",
            city=city,
        )
        if receipt is not None:
            self.accept(city_actor(city), receipt.aggregate_id)
            confirmed = self.rng.random() < 0.5
            outcome = "agency_misconduct" if confirmed else "unfounded"
            verify = partial(self.verify_agency, city, receipt.aggregate_id, confirmed, outcome)
            self.agenda.on(self.today + timedelta(days=30), verify)

    def verify_agency(self, city: str, complaint: UUID, confirmed: bool, outcome: str) -> None:
        notes = "报告数据失实，已报省经信厅" if confirmed else "经核查，报告数据与台账一致"
        self.act(self.app.verify_complaint, city_actor(city), complaint, confirmed, outcome, notes)

    def ground(self, unit: Member) -> None:
        """A17: a ground found by the city; a continuing one often ends months later."""
        ground = self.rng.choice(GROUNDS)
        occurred = self.today - timedelta(days=self.rng.randint(1, 40))
        source = "国家企业信用信息公示系统" if ground == "A17.1" else "信用中国"
        receipt = self.act(
            self.app.record_negative_record,
            city_actor(unit.city),
            unit.code,
            ground,
            occurred,
            source,
            f"第十七条情形 {ground}",
        )
        if receipt is not None and ground in CONTINUING and self.rng.random() < 0.6:
            ended = self.today + timedelta(days=self.rng.randint(30, 150))
            end = partial(self.end_ground, unit, receipt.details["record_id"], ended)
            self.agenda.on(ended + timedelta(days=3), end)

    def end_ground(self, unit: Member, record: UUID, ended: date) -> None:
        self.act(self.app.end_negative_record, city_actor(unit.city), unit.code, record, ended)

    def accident(self, unit: Member) -> None:
        if not self.unit(unit.code).listed_levels:
            return
        occurred = self.today - timedelta(days=2)
        text = "车间爆燃事故，造成重大人员伤亡（应急管理部门认定为重大事故）"
        self.act(self.app.report_major_accident, city_actor(unit.city), unit.code, occurred, text)

    def rereview(self, code: str, level: Level) -> None:
        if not self.unit(code).is_listed(level):
            return
        passed = self.rng.random() < 0.95
        self.act(self.app.record_rereview, city_actor(code[2:6] + "00"), code, level, passed)

    def redeclare_members(self, park: Member) -> None:
        """A park's members change: one leaves, another factory of the city joins."""
        u = self.unit(park.code)
        members = list(u.members)
        if members:
            members.remove(self.rng.choice(members))
        local = [x.code for x in self.units if x.city == park.city and x.kind is UnitKind.FACTORY]
        joining = [c for c in self.rng.sample(local, min(3, len(local))) if c not in members]
        members += joining[:1]
        actor = city_actor(park.city)
        self.act(self.app.declare_park_members, actor, park.code, sorted(members))


def generate(url: str, units: int, last_year: int, seed: int) -> dict[str, Any]:
    """Generate the history into the (empty) store at `url`; what was done."""
    clock = SettableClock(START)
    app = BulkService(store_env(url), clock)
    try:
        if app.recorder.max_notification_id():
            raise RuntimeError("the store is not empty")
        started = time.perf_counter()
        history = History(app, clock, units, last_year, seed)
        history.run()
        return {
            "events": app.written,
            "units": len(history.units),
            "acts": history.acts,
            "refused": dict(history.refused),
            "seconds": time.perf_counter() - started,
            "write_seconds": app.write_seconds,
            "last_year": last_year,
            "seed": seed,
        }
    finally:
        app.close()
