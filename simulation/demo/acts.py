"""The acts of the demo history, each done by the actor the rules give it (lifecycle.md), on the
agenda's clock. Third-party reports go to agencies whose legal representative still has room
under A22.3; evaluations are otherwise self-evaluations (A12)."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.aggregates.unit import unit_id
from domain.clock import SettableClock
from domain.rules.checks import a22_3_counts_as
from domain.rules.selection import QuotaInputs, derive_quota
from domain.service import Greenlist
from domain.values import CITIES, Actor, Level, local_date
from simulation import draws
from simulation.agenda import Agenda
from simulation.cast import Cast, Member, cast
from simulation.scenarios import (
    ECO_ENV,
    NDRC,
    PROVINCE_ACTOR,
    PUBLIC,
    agency_actor,
    city_actor,
    enterprise_actor,
    report_hash,
    representative_id,
)

P = Level.PROVINCIAL
OPINION_REASONS = {
    "rename": "经复核，企业更名属实，建议省级名单同步更名",
    "removal": "经复核，变更后不再符合绿色工厂标准，建议移出省级名单",
}
"""A20.3: the reasons of the cities' adjustment opinions in the demo."""
UNLISTED_REASON = "该企业整改后省级评价已通过，市级名单将于年内补列"


def quotas(big: int, other: int = 4) -> dict[str, int]:
    """A13.2: the two largest cities get more recommendations (the bases: each city's share of
    the yearly target, which the round opens with before the quotas are derived)."""
    return {c: big if c in ("330100", "330200") else other for c in CITIES}


MANUAL_QUOTA = (
    "330100",
    "杭州市新增省级园区培育对象2家，经厅务会研究在测算名额外追加1个推荐名额",
)
"""A13.2: the one quota the demo sets by hand, with its justification (supervision shows it)."""


@dataclass
class Outcome:
    """What the history did, for the demo's printout and the tests."""

    showcase: str = ""
    listed: dict[int, list[str]] = field(default_factory=dict)
    withheld: dict[int, list[str]] = field(default_factory=dict)
    removed_2026: list[str] = field(default_factory=list)
    adjusted_2026: list[str] = field(default_factory=list)
    accident: str = ""
    late_forms: list[str] = field(default_factory=list)
    overdue_forms: list[str] = field(default_factory=list)
    miit: dict[str, bool] = field(default_factory=dict)
    """A16.3: MIIT's outcome (listed or not) per unit the province recommended."""
    events: int = 0


OBJECTOR = ("陈晓", "13700001234")
"""Who objects to the 2025 notice under their real name (A16.1); kept in the objection only."""


class DemoActs:
    """The service, the cast and the clock, with one method per act the history uses."""

    def __init__(
        self, app: Greenlist, clock: SettableClock, rng: random.Random, start: datetime
    ) -> None:
        self.app, self.agenda, self.rng = app, Agenda(clock, rng, start), rng
        self.cast: Cast = cast(rng)
        self.code_of = {str(unit_id(u.code)): u.code for u in self.cast.units}
        self.used: Counter[tuple[str, int, str]] = Counter()
        self.changes: dict[str, UUID] = {}
        self.complaints: dict[str, UUID] = {}
        self.objections: dict[str, UUID] = {}
        self.filed: set[str] = set()
        self.records: dict[str, UUID] = {}
        self.out = Outcome()
        self.nominees: dict[int, list[Member]] = {}
        self.fail: dict[int, dict[str, Member | None]] = {}
        self.national: dict[int, list[Member]] = {}
        self.grounded: set[str] = set()
        """Units with an article 17 ground: not nominated again (A17)."""
        parks = {code for park in self.cast.parks for code in park.members}
        self.free = [f for f in self.cast.factories if f.code not in parks]
        """Factories inside no park: their grounds and removals touch no park (A17)."""
        self.rng.shuffle(self.free)
        self.late, self.refused, self.abnormal = self.free[:4], self.free[4:7], self.free[7]
        """joining in 2025; failing their first report; on the abnormal-operations list"""
        self.unlisted = self.refused[0]
        """nominated in 2025 without a municipal listing, with a justification (A14.2)"""
        self.showcase = self.free[8]
        """listed in 2025, renamed, reported and removed in 2026: the demo prints its history"""

    @property
    def year(self) -> int:
        return local_date(self.agenda.now).year

    def codes(self, unit_ids: list[str]) -> list[str]:
        return sorted(self.code_of[u] for u in unit_ids)

    def quota_inputs(
        self, year: int, base: dict[str, int], cultivated: list[Member]
    ) -> dict[str, QuotaInputs]:
        """A13.2: what each city's quota weighs: its provincial selection rate of the previous
        year, from that round's record (nominated) and publication (listed), none if it had
        no round or nominated nobody; the units in its cultivation pool; its base."""
        nominated: Counter[str] = Counter()
        listed: Counter[str] = Counter()
        if year - 1 in self.out.listed:
            cities = self.app.get_round(P, year - 1)["nominations"]
            nominated.update(cities.values())
            by_code = {self.code_of[u]: c for u, c in cities.items()}
            listed.update(by_code[c] for c in self.out.listed[year - 1] if c in by_code)
        pool = Counter(u.city for u in cultivated)
        return {
            c: QuotaInputs(
                previous_rate=listed[c] / nominated[c] if nominated[c] else None,
                pool_size=pool[c],
                base=base[c],
            )
            for c in CITIES
        }

    @staticmethod
    def derived(inputs: dict[str, QuotaInputs]) -> dict[str, int]:
        """The quotas the formula gives (A13.2): the demo plans its nominations within them."""
        return {c: derive_quota(i) for c, i in inputs.items()}

    def set_quotas(
        self, year: int, inputs: dict[str, QuotaInputs], manual: dict[str, tuple[int, str]]
    ) -> None:
        """A13.2: each city's quota derived from its inputs, or set by hand with a
        justification where `manual` says so."""
        for city, i in inputs.items():
            if city in manual:
                quota, why = manual[city]
                self.app.set_quota(PROVINCE_ACTOR, P, year, city, quota, why)
            else:
                self.app.derive_quota(
                    PROVINCE_ACTOR, P, year, city, i.previous_rate, i.pool_size, i.base
                )

    @staticmethod
    def pick(
        pool: list[Member], n: int, limits: dict[str, int], taken: Counter[str]
    ) -> list[Member]:
        """Up to `n` units of `pool`, leaving each city one recommendation to spare (A13.2)."""
        chosen: list[Member] = []
        for unit in pool:
            if len(chosen) < n and taken[unit.city] < limits[unit.city] - 1:
                taken[unit.city] += 1
                chosen.append(unit)
        return chosen

    # --- set-up, registration, cultivation, evaluation, municipal list ------------------

    def register_agencies(self) -> None:
        for code, name, representative in self.cast.agencies:
            self.app.register_agency(
                PROVINCE_ACTOR, code, name, representative, representative_id(representative)
            )
            self.agenda.later(12)

    def enrol_experts(self) -> None:
        for expert_id, name, employer in self.cast.experts:
            self.app.enrol_expert(PROVINCE_ACTOR, expert_id, name, employer)
            self.agenda.later(5)

    def register(self, unit: Member) -> None:
        actor = draws.registrant(self.rng, unit)
        self.app.register_unit(actor, unit.code, unit.kind, unit.name, unit.members)

    def cultivate(self, unit: Member, year: int) -> None:
        facts, priority = draws.cultivation(self.rng, unit)
        self.app.cultivate(city_actor(unit.city), unit.code, year, facts, priority)

    def evaluate(self, unit: Member, level: Level, year: int, passed: bool = True) -> None:
        score = draws.report_score(self.rng, passed)
        digest = report_hash(f"{unit.code}/{level.value}/{year}/{score}")
        actor = self._evaluator(unit, level)
        self.app.submit_evaluation(actor, unit.code, level, year, digest, score, passed)

    def _evaluator(self, unit: Member, level: Level) -> Actor:
        """An agency with room under A22.3 (60 %), or the enterprise itself."""
        counts_as = a22_3_counts_as(level, unit.kind)
        agencies = list(self.cast.agencies)
        self.rng.shuffle(agencies)
        if self.rng.random() < 0.6:
            for code, _, representative in agencies:
                key = (representative, self.year, counts_as or "none")
                if counts_as is None or self.used[key] < draws.A22_3_LIMITS[counts_as]:
                    self.used[key] += 1
                    return agency_actor(code)
        return enterprise_actor(unit.code)

    def list_municipally(self, unit: Member) -> None:
        self.app.list_municipally(city_actor(unit.city), unit.code)

    # --- selection (A13.2-A16) ---------------------------------------------------------

    def provincial_report(self, unit: Member) -> None:
        self.evaluate(unit, P, self.year)

    def nominate(self, year: int, unit: Member) -> None:
        why = UNLISTED_REASON if unit is self.unlisted else ""
        self.app.nominate(city_actor(unit.city), unit.code, P, year, why)

    def preliminary(self, unit: Member, passed: bool) -> None:
        notes = draws.PRELIMINARY_NOTES[passed]
        self.app.record_preliminary_review(PROVINCE_ACTOR, unit.code, P, passed, notes)

    def draw_panel(self, unit: Member, year: int) -> None:
        self.app.draw_expert_panel(PROVINCE_ACTOR, unit.code, P, year, size=5)

    def expert_review(self, unit: Member, passed: bool) -> None:
        score = draws.expert_score(self.rng, passed)
        self.app.record_expert_review(PROVINCE_ACTOR, unit.code, P, passed, score)

    def inspect(self, code: str, passed: bool) -> None:
        notes = draws.INSPECTION_NOTES[passed]
        self.app.record_site_inspection(PROVINCE_ACTOR, code, P, passed, notes)

    def cosign(self, year: int) -> None:
        self.app.cosign_publication(NDRC, P, year, "ndrc")
        self.agenda.later(60 * 24)
        self.app.cosign_publication(ECO_ENV, P, year, "eco_env")

    def object(self, code: str) -> None:
        receipt = self.app.raise_objection(PROVINCE_ACTOR, code, P, draws.OBJECTION)
        self.objections[code] = receipt.details["objection_id"]

    def object_publicly(self, year: int, code: str) -> None:
        """A16.1: a member of the public objects, without a token, under their real name."""
        name, phone = OBJECTOR
        receipt = self.app.file_objection(
            PUBLIC, P, year, code, name, phone, list(draws.EVIDENCE), draws.OBJECTION
        )
        self.objections[code] = receipt.aggregate_id
        self.filed.add(code)

    def register_objection(self, code: str) -> None:
        """A16.1: the province registers the filed objection: the unit's history hears of it."""
        self.app.register_objection(PROVINCE_ACTOR, self.objections[code])

    def decide(self, code: str, upheld: bool) -> None:
        why = draws.DECISION[upheld]
        if code in self.filed:
            self.app.decide_filed_objection(PROVINCE_ACTOR, self.objections[code], upheld, why)
            return
        self.app.decide_objection(PROVINCE_ACTOR, code, P, self.objections[code], upheld, why)

    # --- dynamic management (A17-A23) ---------------------------------------------------

    def form(self, code: str, year: int) -> None:
        indicators = draws.indicators(self.rng)
        self.app.submit_dynamic_form(enterprise_actor(code), code, P, year, indicators)

    def declare(self, code: str, kind: str, description: str, new_name: str = "") -> None:
        receipt = self.app.declare_change(enterprise_actor(code), code, kind, description, new_name)
        self.changes[code] = receipt.details["change_id"]

    def recheck(self, code: str, still_meets: bool = True) -> None:
        city = city_actor(code[2:6] + "00")
        self.app.recheck_change(city, code, self.changes[code], True, still_meets)

    def send_opinions(self, actions: dict[str, str]) -> None:
        """A20.3: with its 2026 recommendations each city sends its adjustment opinions on its
        units whose changes it confirmed: the new name on the list, or the removal."""
        by_city: dict[str, list[dict[str, Any]]] = {}
        for code, action in actions.items():
            reasons = OPINION_REASONS[action]
            opinion = {
                "credit_code": code,
                "change_ids": [str(self.changes[code])],
                "action": action,
            }
            by_city.setdefault(code[2:6] + "00", []).append({**opinion, "reasons": reasons})
        for city, opinions in sorted(by_city.items()):
            self.app.submit_adjustment_opinions(city_actor(city), P, 2026, opinions)

    def complain(self, code: str, content: str, agency_city: str | None = None) -> None:
        target = "agency" if agency_city else "unit"
        name, phone = draws.reporter(self.rng)
        receipt = self.app.file_complaint(
            PUBLIC, target, code, name, phone, list(draws.EVIDENCE), content, city=agency_city
        )
        self.complaints[code] = receipt.aggregate_id

    def accept(self, code: str, city: str) -> None:
        """A23.2: the handling city takes the report up; only now is the unit's history told."""
        self.app.accept_complaint(city_actor(city), self.complaints[code], draws.ACCEPTED)

    def disclose(self, code: str, city: str, reason: str) -> None:
        """A23.1, issue 14: the handling city opens the reporter's identity, for its reason."""
        self.app.disclose_reporter(city_actor(city), self.complaints[code], reason)

    def erase(self, code: str, city: str, reason: str) -> None:
        """Issue 14: the handling city orders the reporter's data erased (the key destroyed)."""
        self.app.erase_reporter_data(city_actor(city), self.complaints[code], reason)

    def verify(self, code: str, city: str, confirmed: bool, outcome: str, notes: str) -> None:
        complaint = self.complaints[code]
        self.app.verify_complaint(city_actor(city), complaint, confirmed, outcome, notes)

    def ground(
        self, code: str, ground: str, occurred: date, text: str, ended: date | None = None
    ) -> None:
        source = draws.record_source(ground)
        city = city_actor(code[2:6] + "00")
        receipt = self.app.record_negative_record(city, code, ground, occurred, source, text, ended)
        self.records[code] = receipt.details["record_id"]

    def end_ground(self, code: str, ended: date) -> None:
        """A17.1/5/6: a continuing ground ends; the three years run from then."""
        city = city_actor(code[2:6] + "00")
        self.app.end_negative_record(city, code, self.records[code], ended)
