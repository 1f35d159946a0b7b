"""The province story (simulation.province): a province of any size over any number of years,
its acts checked first so that the service seldom refuses one. Its cast: units drawn over the
cities by their industry, forty agencies and forty-eight experts; registration (ID.1-2),
cultivation (A8-A11), evaluation (A12, A22.3) and the municipal lists (A13.1)."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.aggregates.unit import Unit
from domain.clock import SettableClock
from domain.errors import GreenlistError, RuleViolation
from domain.rules.checks import a22_3_counts_as
from domain.service import Greenlist
from domain.values import CITIES, SHANGHAI, Actor, Level, UnitKind, local_date
from simulation import draws
from simulation.agenda import Agenda
from simulation.bulk import BulkWriter
from simulation.cast import BRANDS, EXPERTS, INDUSTRIES, Member
from simulation.scenarios import (
    PROVINCE_ACTOR,
    agency_actor,
    city_actor,
    credit_code,
    enterprise_actor,
    report_hash,
    representative_id,
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


class ProvinceActs:
    """The service, its bulk writer (whose aggregates the story plans from), the agenda and
    the cast; one method per act of registration, cultivation and evaluation."""

    def __init__(
        self, app: Greenlist, clock: SettableClock, units: int, last_year: int, seed: int
    ) -> None:
        if not isinstance(app.aggregate_store, BulkWriter):
            raise TypeError("the province story plans from memory: build it by BulkWriter.service")
        self.app, self.store, self.rng = app, app.aggregate_store, random.Random(seed)
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

    # --- acting and reading --------------------------------------------------------------

    def act(self, command: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a command; a refusal is counted (the generator checks first, so they are rare)
        and must have left nothing half-done in memory."""
        self.acts += 1
        try:
            return command(*args, **kwargs)
        except GreenlistError as refusal:
            if self.store.dirty():
                raise RuntimeError(f"{command.__name__} refused half-way: {refusal}") from None
            self.refused[command.__name__] += 1
            return None

    def unit(self, code: str) -> Unit:
        return self.store.unit(code)

    def excluded(self, code: str, on: date) -> bool:
        """A17 (for a park also its members' records): the unit is refused nearly everything."""
        unit = self.unit(code)
        try:
            unit.check_not_excluded(on, self.store.member_records(unit))
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
            self.act(
                self.app.register_agency,
                PROVINCE_ACTOR,
                code,
                name,
                representative,
                representative_id(representative),
            )
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
        actor = draws.registrant(self.rng, unit)
        if self.act(self.app.register_unit, actor, unit.code, unit.kind, unit.name, unit.members):
            self.units.append(unit)
            self.by_code[unit.code] = unit

    # --- cultivation, evaluation, municipal list ----------------------------------------

    def cultivate(self, unit: Member, year: int) -> None:
        if unit.code not in self.by_code or self.excluded(unit.code, self.today):
            return
        facts, priority = draws.cultivation(self.rng, unit)
        self.act(self.app.cultivate, city_actor(unit.city), unit.code, year, facts, priority)

    def evaluate(self, unit: Member, level: Level, pass_rate: float) -> None:
        if unit.code not in self.by_code or self.excluded(unit.code, self.today):
            return
        passed = self.rng.random() < pass_rate
        score = draws.report_score(self.rng, passed)
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
                if counts_as is None or self.used[key] < draws.A22_3_LIMITS[counts_as]:
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
            or M not in u.passed_levels()
            or self.excluded(unit.code, self.today)
        ):
            return
        self.act(self.app.list_municipally, city_actor(unit.city), unit.code)
