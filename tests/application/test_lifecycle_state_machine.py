"""A hypothesis state machine over the whole lifecycle (lifecycle.md) on the in-memory store.

Every act of the lifecycle is a rule; acts the rules refuse are part of the game (they are caught
and counted with `hypothesis.event`, see `--hypothesis-show-statistics`). The calendar runs
forward from 2 January 2025 to the end of 2027, in small steps and in jumps to the dates that
matter (15/16 April, 30 June, 1 July ...), so acts fall both inside and outside their windows. Two
"drive" rules push a unit, or a round, through several steps at once so that listings, removals
and accidents of listed units are actually reached within 25 steps.

After every step the invariants check what must hold whatever happened:
  (i)   a removed unit is not listed at that level, and a unit hit by a major accident (A19.4) is
        listed at no level;
  (ii)  nothing is listed provincially or nationally without PublicNoticeEntered and then the
        round's Published event of that level and year naming it (and conversely);
  (iii) A13.2 quotas per city per round, and A22.3 per legal representative and year; the rounds'
        nominations and the units' Nominated events match exactly;
  (iv)  every aggregate a command saved, as the command left it in memory, equals a fresh replay
        of its stored events and what the repository returns; and no command that returned left
        events pending on an aggregate it loaded (nothing half-written).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, multiple, rule

from domain.aggregates.agency import quota_id, quota_key
from domain.aggregates.base import GreenAggregate
from domain.aggregates.round import Round, round_id
from domain.aggregates.unit import unit_id
from domain.clock import SettableClock
from domain.errors import AlreadyExists, NotFound, RuleViolation
from domain.rules.checks import A17_CONTINUING, A17_GROUNDS
from domain.service import Greenlist
from domain.service.queries import EventView, UnitView
from domain.values import Actor, Level, UnitKind
from greenlist.config import build_service
from simulation import scenarios as s

UNIT_CITIES = ("330100", "330100", "330100", "330200", "330200", "330300")
CITIES = sorted(set(UNIT_CITIES))
CODES = tuple(s.credit_code(40 + i, city) for i, city in enumerate(UNIT_CITIES))
UNIT_IDS = {code: unit_id(code) for code in CODES}
YEARS = (2025, 2026, 2027)
SELECTION = (Level.PROVINCIAL, Level.NATIONAL)
ROUNDS = {(level, year): round_id(level, year) for level in SELECTION for year in YEARS}
START = date(2025, 1, 2)
END = date(2027, 12, 31)
"""Less than three years: an A17 ground recorded on a day of the run stays in force to its end,
so a unit hit by a major accident can never be listed again within the run."""
REPRESENTATIVE = "李卫国"
AGENCIES = (s.credit_code(880, "330200"), s.credit_code(881, "330300"))
LIMITS = {"national": 15, "provincial": 10}
REFUSED = (RuleViolation, NotFound, AlreadyExists)
"""What a refused act raises; ConcurrentUpdate (or anything else) is a failure here."""

codes = st.sampled_from(CODES)
levels = st.sampled_from(list(Level))
selection_levels = st.sampled_from(SELECTION)
years = st.sampled_from(YEARS)
mostly = st.integers(0, 4).map(lambda n: n > 0)
"""True four times in five: reviews mostly pass, so units get somewhere."""


def last(history: Iterable[EventView], types: tuple[str, ...], level: Level) -> EventView | None:
    """The last event of the given types concerning a level (MunicipallyListed: municipal)."""
    found = None
    for e in history:
        if e.type in types and e.data.get("level", Level.MUNICIPAL.value) == level.value:
            found = e
    return found


class Lifecycle(RuleBasedStateMachine):
    units = Bundle("units")

    def __init__(self) -> None:
        super().__init__()
        self.today = START
        self.clock = SettableClock(s.at(START, 9))
        self.app: Greenlist = build_service("memory://", self.clock)
        self.objections: list[tuple[str, Level, UUID]] = []
        self.changes: list[tuple[str, UUID]] = []
        self.saved: dict[UUID, GreenAggregate] = {}
        """Every aggregate saved so far, as the last command that saved it left it."""
        self.dirty: set[UUID] = set()
        self.loaded: list[GreenAggregate] = []
        self.cache: dict[tuple[str, UUID], tuple[int, Any]] = {}
        self._watch_the_service()

    def _watch_the_service(self) -> None:
        """Keep the aggregates each command loads, and those it saves as it left them."""
        app = self.app
        load, save = app._get, app._save

        def get(cls: type[Any], aggregate_id: UUID, what: str, fresh: bool = False) -> Any:
            aggregate = load(cls, aggregate_id, what, fresh)
            self.loaded.append(aggregate)
            return aggregate

        def keep(primary: GreenAggregate, *others: GreenAggregate, **details: Any) -> Any:
            receipt = save(primary, *others, **details)
            for aggregate in (primary, *others):
                self.saved[aggregate.id] = aggregate
                self.dirty.add(aggregate.id)
            return receipt

        app._get = get
        app._save = keep

    def teardown(self) -> None:
        self.app.close()

    # --- helpers ------------------------------------------------------------------------------

    def act(self, name: str, command: Callable[[], Any]) -> Any:
        """Run one command; a refusal is fine, but a command that returns must have saved every
        aggregate it changed."""
        self.loaded = []
        try:
            receipt = command()
        except REFUSED as refusal:
            event(f"{name}: refused {type(refusal).__name__} {','.join(refusal.codes)}".strip())
            return None
        event(f"{name}: done")
        unsaved = [a for a in self.loaded if a.pending_events]
        assert not unsaved, f"{name} left unsaved events on {unsaved}"
        return receipt

    def move_to(self, day: date) -> None:
        """The calendar (world time and the recording clock together) only moves forward."""
        day = min(day, END)
        if day > self.today:
            self.today = day
            self.clock.set(s.at(day, 9))

    @staticmethod
    def city(code: str) -> Actor:
        return s.city_actor(code[2:6] + "00")

    def registered(self) -> list[str]:
        return [code for code in CODES if UNIT_IDS[code] in self.saved]

    def rounds(self) -> list[tuple[Level, int]]:
        return [key for key, rid in ROUNDS.items() if rid in self.saved]

    def cached(self, what: str, aggregate_id: UUID, read: Callable[[], Any]) -> Any:
        """A read of one aggregate, redone only when its version moved."""
        version = self.saved[aggregate_id].version
        hit = self.cache.get((what, aggregate_id))
        if hit is None or hit[0] != version:
            hit = (version, read())
            self.cache[(what, aggregate_id)] = hit
        return hit[1]

    def unit(self, code: str) -> UnitView:
        return self.cached("unit", UNIT_IDS[code], lambda: self.app.get_unit(code))

    def unit_history(self, code: str) -> list[EventView]:
        return self.cached("history", UNIT_IDS[code], lambda: self.app.unit_history(code))

    def round_history(self, level: Level, year: int) -> list[EventView]:
        return self.cached(
            "history", ROUNDS[(level, year)], lambda: self.app.round_history(level, year)
        )

    def selection_year(self, code: str, level: Level) -> int:
        """The year of the unit's current attempt at a level, else this year."""
        return int(self.unit(code).standing.get(level.value, {}).get("year") or self.today.year)

    # --- setup --------------------------------------------------------------------------------

    @initialize()
    def experts_and_agencies(self) -> None:
        s.ensure_experts(self.app, 4)
        for i, code in enumerate(AGENCIES):
            self.app.register_agency(
                s.PROVINCE_ACTOR,
                code,
                f"评价机构{i}",
                REPRESENTATIVE,
                s.representative_id(REPRESENTATIVE),
            )
        self.agency_ids = {str(self.app.get_agency(code)["id"]) for code in AGENCIES}

    # --- the calendar -------------------------------------------------------------------------

    @rule(days=st.sampled_from([1, 7, 14, 15, 16, 30, 90, 200]))
    def advance(self, days: int) -> None:
        self.move_to(self.today + timedelta(days=days))

    @rule(
        month_day=st.sampled_from([(3, 1), (4, 15), (4, 16), (6, 30), (7, 1), (9, 1), (12, 31)]),
        next_year=st.booleans(),
    )
    def jump(self, month_day: tuple[int, int], next_year: bool) -> None:
        year = self.today.year + next_year
        if year <= END.year:
            self.move_to(date(year, *month_day))

    # --- before selection ---------------------------------------------------------------------

    @rule(target=units, code=codes, level=levels, passed=mostly)
    def register_cultivate_evaluate(self, code: str, level: Level, passed: bool) -> Any:
        registered = self.act(
            "register",
            lambda: self.app.register_unit(
                self.city(code), code, UnitKind.FACTORY, f"绿色工厂{code[-6:]}"
            ),
        )
        self.act(
            "cultivate",
            lambda: self.app.cultivate(self.city(code), code, self.today.year, s.FACTORY_FACTS),
        )
        self.act(
            "self-evaluate",
            lambda: self.app.submit_evaluation(
                s.enterprise_actor(code),
                code,
                level,
                self.today.year,
                s.report_hash(f"{code}/{level.value}/{self.today}"),
                88.0,
                passed,
            ),
        )
        return multiple(code) if registered else multiple()

    @rule(
        code=units,
        level=levels,
        agency=st.sampled_from(AGENCIES),
        passed=mostly,
        count=st.integers(1, 5),
    )
    def agency_reports(
        self, code: str, level: Level, agency: str, passed: bool, count: int
    ) -> None:
        """Third-party reports (a unit may be evaluated again), counting toward A22.3."""
        for n in range(count):
            self.act(
                "agency report",
                lambda n=n: self.app.submit_evaluation(
                    s.agency_actor(agency),
                    code,
                    level,
                    self.today.year,
                    s.report_hash(f"{agency}/{code}/{self.today}/{n}"),
                    91.0,
                    passed,
                ),
            )

    @rule(code=units)
    def list_municipally(self, code: str) -> None:
        self.act("municipal list", lambda: self.app.list_municipally(self.city(code), code))

    # --- selection ----------------------------------------------------------------------------

    @rule(
        level=selection_levels,
        next_year=st.booleans(),
        quotas=st.tuples(*[st.integers(0, 3)] * len(CITIES)),
    )
    def open_round(self, level: Level, next_year: bool, quotas: tuple[int, ...]) -> None:
        year = self.today.year + next_year
        if year not in YEARS:  # the invariants follow the rounds of the run's years only
            return
        self.act(
            "open round",
            lambda: self.app.open_round(
                s.PROVINCE_ACTOR, level, year, dict(zip(CITIES, quotas, strict=True))
            ),
        )

    @rule(level=selection_levels, year=years, city=st.sampled_from(CITIES), quota=st.integers(0, 3))
    def set_quota(self, level: Level, year: int, city: str, quota: int) -> None:
        self.act(
            "set quota",
            lambda: self.app.set_quota(s.PROVINCE_ACTOR, level, year, city, quota, "调整"),
        )

    @rule(code=units, level=selection_levels, next_year=st.booleans(), justify=st.booleans())
    def nominate(self, code: str, level: Level, next_year: bool, justify: bool) -> None:
        self.act(
            "nominate",
            lambda: self.app.nominate(
                self.city(code),
                code,
                level,
                self.today.year + next_year,
                justification="重点培育对象 / a priority of the city" if justify else "",
            ),
        )

    @rule(code=units, level=selection_levels, passed=mostly)
    def preliminary_review(self, code: str, level: Level, passed: bool) -> None:
        self.act(
            "preliminary review",
            lambda: self.app.record_preliminary_review(s.PROVINCE_ACTOR, code, level, passed),
        )

    @rule(code=units, level=selection_levels, seed=st.integers(0, 9))
    def draw_panel(self, code: str, level: Level, seed: int) -> None:
        year = self.selection_year(code, level)
        self.act(
            "panel draw",
            lambda: self.app.draw_expert_panel(s.PROVINCE_ACTOR, code, level, year, size=3),
        )

    @rule(code=units, level=selection_levels, passed=mostly, score=st.sampled_from([65, 82, 96]))
    def expert_review(self, code: str, level: Level, passed: bool, score: int) -> None:
        self.act(
            "expert review",
            lambda: self.app.record_expert_review(
                s.PROVINCE_ACTOR, code, level, passed, float(score)
            ),
        )

    @rule(level=selection_levels, year=years, size=st.integers(0, 2), seed=st.integers(0, 9))
    def draw_sample(self, level: Level, year: int, size: int, seed: int) -> None:
        self.act(
            "site sample",
            lambda: self.app.draw_site_sample(
                s.PROVINCE_ACTOR, level, year, size, seed=f"sample-{seed}"
            ),
        )

    @rule(code=units, level=selection_levels, passed=mostly)
    def site_inspection(self, code: str, level: Level, passed: bool) -> None:
        self.act(
            "site inspection",
            lambda: self.app.record_site_inspection(s.PROVINCE_ACTOR, code, level, passed),
        )

    @rule(level=selection_levels, year=years)
    def open_notice(self, level: Level, year: int) -> None:
        self.act(
            "public notice", lambda: self.app.open_public_notice(s.PROVINCE_ACTOR, level, year)
        )

    @rule(code=units, level=selection_levels)
    def raise_objection(self, code: str, level: Level) -> None:
        receipt = self.act(
            "raise objection",
            lambda: self.app.raise_objection(
                s.PROVINCE_ACTOR, code, level, "材料不实 / untrue materials"
            ),
        )
        if receipt is not None:
            self.objections.append((code, level, receipt.details["objection_id"]))

    @rule(pick=st.integers(0, 99), upheld=st.booleans())
    def decide_objection(self, pick: int, upheld: bool) -> None:
        if not self.objections:
            return
        code, level, objection = self.objections[pick % len(self.objections)]
        self.act(
            "decide objection",
            lambda: self.app.decide_objection(s.PROVINCE_ACTOR, code, level, objection, upheld),
        )

    @rule(level=selection_levels, year=years, department=st.sampled_from(["ndrc", "eco_env"]))
    def cosign(self, level: Level, year: int, department: str) -> None:
        actor = s.NDRC if department == "ndrc" else s.ECO_ENV
        self.act("cosign", lambda: self.app.cosign_publication(actor, level, year, department))

    # --- dynamic management -------------------------------------------------------------------

    @rule(
        code=units,
        ground=st.sampled_from(sorted(A17_GROUNDS)),
        days_ago=st.sampled_from([0, 30, 400, 1095, 1200]),
        ended=st.booleans(),
    )
    def negative_record(self, code: str, ground: str, days_ago: int, ended: bool) -> None:
        """A17: recent grounds, and ones three years old or more (no longer in force)."""
        occurred_on = self.today - timedelta(days=days_ago)
        ended_on = (
            min(occurred_on + timedelta(days=20), self.today)
            if ended and ground in A17_CONTINUING
            else None
        )
        self.act(
            "negative record",
            lambda: self.app.record_negative_record(
                self.city(code), code, ground, occurred_on, "信用中国", "检查发现", ended_on
            ),
        )

    @rule(code=units)
    def major_accident(self, code: str) -> None:
        receipt = self.act(
            "major accident",
            lambda: self.app.report_accident(
                self.city(code), code, "safety", "II", self.today, "重大生产安全事故"
            ),
        )
        if receipt is None or not receipt.details["awaiting_province"]:
            return
        accident = receipt.details["accident_id"]  # A19.4: each level's department
        removal = self.act(
            "provincial removal",
            lambda: self.app.remove_after_accident(s.PROVINCE_ACTOR, code, accident),
        )
        if removal is not None and removal.details["reported_to_miit"]:
            self.act(
                "MIIT removal",
                lambda: self.app.record_miit_removal(s.PROVINCE_ACTOR, code, accident, "工信部"),
            )
        event("major accident removed a listed unit")

    @rule(code=units, level=levels, year=years)
    def submit_dynamic_form(self, code: str, level: Level, year: int) -> None:
        self.act(
            "dynamic form",
            lambda: self.app.submit_dynamic_form(
                s.enterprise_actor(code), code, level, year, {"energy_tce": 1200}
            ),
        )

    @rule(code=units, level=levels, year=years)
    def form_overdue(self, code: str, level: Level, year: int) -> None:
        self.act(
            "form overdue", lambda: self.app.mark_form_overdue(s.SYSTEM_ACTOR, code, level, year)
        )

    @rule(code=units, level=levels, ground=st.sampled_from(["A19.1", "A19.2", "A19.3", "A19.4"]))
    def decide_removal(self, code: str, level: Level, ground: str) -> None:
        actor = self.city(code) if level is Level.MUNICIPAL else s.PROVINCE_ACTOR
        self.act(
            "decide removal",
            lambda: self.app.decide_removal(actor, code, level, ground, "复核不合格"),
        )

    @rule(code=units, level=levels, passed=mostly)
    def rereview(self, code: str, level: Level, passed: bool) -> None:
        self.act(
            "five-year re-review",
            lambda: self.app.record_rereview(self.city(code), code, level, passed),
        )

    @rule(code=units, kind=st.sampled_from(["name", "scope", "address"]))
    def declare_change(self, code: str, kind: str) -> None:
        receipt = self.act(
            "declare change",
            lambda: self.app.declare_change(
                s.enterprise_actor(code),
                code,
                kind,
                "变更申报",
                new_name=f"更名工厂{code[-4:]}{len(self.changes)}" if kind == "name" else "",
            ),
        )
        if receipt is not None:
            self.changes.append((code, receipt.details["change_id"]))

    @rule(pick=st.integers(0, 99), confirmed=st.booleans(), still_meets=mostly)
    def recheck_change(self, pick: int, confirmed: bool, still_meets: bool) -> None:
        if not self.changes:
            return
        code, change = self.changes[pick % len(self.changes)]
        self.act(
            "recheck change",
            lambda: self.app.recheck_change(self.city(code), code, change, confirmed, still_meets),
        )

    # --- depth: several steps at once ---------------------------------------------------------

    @rule(
        target=units,
        code=codes,
        level=selection_levels,
        passes=st.tuples(mostly, mostly),
        then_publish=st.booleans(),
    )
    def drive_unit(
        self, code: str, level: Level, passes: tuple[bool, bool], then_publish: bool
    ) -> Any:
        """Ready a unit for this year's round of a level (opened if need be, 2 per city) and take
        it through nomination and the reviews, stopping at the first refusal; then perhaps on
        through the round's publication."""
        app, year, city = self.app, self.today.year, self.city(code)
        registered = self.act(
            "register",
            lambda: app.register_unit(city, code, UnitKind.FACTORY, f"工厂{code[-6:]}"),
        )
        self.act(
            "open round",
            lambda: app.open_round(s.PROVINCE_ACTOR, level, year, dict.fromkeys(CITIES, 2)),
        )
        unit = self.unit(code)
        if str(year) not in unit.pools:
            self.act("cultivate", lambda: app.cultivate(city, code, year, s.FACTORY_FACTS))
        if level.value not in {r["level"] for r in unit.reports.values() if r["passed"]}:
            self.act(
                "self-evaluate",
                lambda: app.submit_evaluation(
                    s.enterprise_actor(code), code, level, year, s.report_hash(code), 90.0, True
                ),
            )
        self.act("municipal list", lambda: app.list_municipally(city, code))
        steps: list[tuple[str, Callable[[], Any]]] = [
            (
                "nominate",
                lambda: app.nominate(city, code, level, year, justification="重点培育对象"),
            ),
            (
                "preliminary review",
                lambda: app.record_preliminary_review(s.PROVINCE_ACTOR, code, level, passes[0]),
            ),
            (
                "panel draw",
                lambda: app.draw_expert_panel(s.PROVINCE_ACTOR, code, level, year, size=3),
            ),
            (
                "expert review",
                lambda: app.record_expert_review(s.PROVINCE_ACTOR, code, level, passes[1], 88.0),
            ),
        ]
        if all(self.act(name, command) is not None for name, command in steps) and then_publish:
            self.run_round(level, year, size=1, inspection_passes=True, objection="none", wait=15)
        return multiple(code) if registered else multiple()

    @rule(
        pick=st.integers(0, 5),
        size=st.integers(0, 2),
        inspection_passes=mostly,
        objection=st.sampled_from(["none", "upheld", "dismissed"]),
        wait=st.sampled_from([14, 15, 40]),
    )
    def drive_round(
        self, pick: int, size: int, inspection_passes: bool, objection: str, wait: int
    ) -> None:
        """Take an unpublished round (preferably one with units through their reviews) to its
        publication."""
        candidates = [
            key
            for key in self.rounds()
            if getattr(self.saved[ROUNDS[key]], "published_on", None) is None
        ]
        ready = [
            (level, year)
            for level, year in candidates
            if any(
                self.unit(c).status(level) in ("expert_passed", "site_passed", "under_notice")
                for c in self.registered()
            )
        ]
        if ready or candidates:
            level, year = (ready or candidates)[pick % len(ready or candidates)]
            self.run_round(level, year, size, inspection_passes, objection, wait)

    def run_round(
        self,
        level: Level,
        year: int,
        size: int,
        inspection_passes: bool,
        objection: str,
        wait: int,
    ) -> None:
        """Sample, inspections, notice (with an objection perhaps), co-signatures, a wait and
        the publication; a wait of 14 days is one day short of the notice (A16.1)."""
        app = self.app
        self.act(
            "site sample",
            lambda: app.draw_site_sample(s.PROVINCE_ACTOR, level, year, size, seed="drive"),
        )
        rnd = self.saved[ROUNDS[(level, year)]]
        assert isinstance(rnd, Round)
        for code in self.registered():
            if rnd.is_sampled(UNIT_IDS[code]):
                self.act(
                    "site inspection",
                    lambda code=code: app.record_site_inspection(
                        s.PROVINCE_ACTOR, code, level, inspection_passes
                    ),
                )
        opened = self.act(
            "public notice", lambda: app.open_public_notice(s.PROVINCE_ACTOR, level, year)
        )
        on_notice = [c for c in self.registered() if self.unit(c).status(level) == "under_notice"]
        if opened is not None and on_notice and objection != "none":
            code = on_notice[0]
            raised = self.act(
                "raise objection",
                lambda: app.raise_objection(s.PROVINCE_ACTOR, code, level, "异议 / objection"),
            )
            if raised is not None:
                self.act(
                    "decide objection",
                    lambda: app.decide_objection(
                        s.PROVINCE_ACTOR,
                        code,
                        level,
                        raised.details["objection_id"],
                        objection == "upheld",
                    ),
                )
        for department, actor in (("ndrc", s.NDRC), ("eco_env", s.ECO_ENV)):
            self.act(
                "cosign",
                lambda actor=actor, department=department: app.cosign_publication(
                    actor, level, year, department
                ),
            )
        self.move_to(self.today + timedelta(days=wait))
        self.publish(level, year)

    @rule(level=selection_levels, year=years)
    def publish(self, level: Level, year: int) -> None:
        receipt = self.act("publish", lambda: self.app.publish_round(s.PROVINCE_ACTOR, level, year))
        if receipt is not None:
            for outcome in ("listed", "withheld", "removed", "adjusted"):
                if receipt.details[outcome]:
                    event(f"published {level.value}: some {outcome}")

    # --- invariants ---------------------------------------------------------------------------

    @invariant()
    def removed_or_struck_units_are_not_listed(self) -> None:
        """(i)"""
        for code in self.registered():
            unit, history = self.unit(code), self.unit_history(code)
            accident = any(
                e.type == "NegativeRecordAdded" and e.data["source"] == "A19.4" for e in history
            )
            for level in Level:
                status = unit.status(level)
                latest = last(history, ("MunicipallyListed", "Listed", "Removed"), level)
                if status == "removed":
                    assert latest is not None and latest.type == "Removed", (code, level)
                if status == "listed":
                    assert latest is not None and latest.type != "Removed", (code, level)
                    assert not accident, f"{code} listed {level.value} after a major accident"

    @invariant()
    def listed_only_after_notice_and_publication(self) -> None:
        """(ii), both ways: each Listed event of a unit follows its PublicNoticeEntered and is
        named by the round's one Published event; each unit a Published event names has its
        Listed event; a unit listed at a level has a Listed event at that level."""
        listed_events: set[tuple[str, str, int]] = set()
        for code in self.registered():
            uid, history = str(UNIT_IDS[code]), self.unit_history(code)
            for i, e in enumerate(history):
                if e.type != "Listed":
                    continue
                level, year = Level(e.data["level"]), e.data["year"]
                listed_events.add((uid, level.value, year))
                assert any(
                    p.type == "PublicNoticeEntered"
                    and p.data["level"] == level.value
                    and p.data["year"] == year
                    for p in history[:i]
                ), f"{code} listed {level.value} {year} without a public notice"
                assert ROUNDS[(level, year)] in self.saved
                published = [r for r in self.round_history(level, year) if r.type == "Published"]
                assert len(published) == 1, f"{level.value} {year} published {len(published)}x"
                assert uid in published[0].data["listed"]
                assert published[0].data["published_on"] == e.data["listed_on"]
            for level in SELECTION:
                if self.unit(code).status(level) == "listed":
                    latest = last(history, ("Listed",), level)
                    assert latest is not None, f"{code} listed {level.value} with no Listed event"
        for level, year in self.rounds():
            for r in self.round_history(level, year):
                if r.type == "Published":
                    for uid in r.data["listed"]:
                        assert (uid, level.value, year) in listed_events

    @invariant()
    def quotas_hold(self) -> None:
        """(iii) A13.2 per city per round, the rounds and the units agreeing on every
        nomination, and a unit nominated at most once per round (lifecycle.md: a failed step
        ends that year's attempt); A22.3 per legal representative and year."""
        nominated: Counter[tuple[str, str]] = Counter()
        counted: Counter[tuple[int, str]] = Counter()
        for code in self.registered():
            uid = str(UNIT_IDS[code])
            for e in self.unit_history(code):
                if e.type == "Nominated":
                    nominated[(str(e.data["round_id"]), uid)] += 1
                if e.type == "EvaluationSubmitted" and e.data["agency_id"] is not None:
                    assert str(e.data["agency_id"]) in self.agency_ids
                    counts_as = e.data["level"] if e.data["level"] in LIMITS else "none"
                    counted[(e.data["year"], counts_as)] += 1
        accepted: Counter[tuple[str, str]] = Counter()
        for level, year in self.rounds():
            rid = ROUNDS[(level, year)]
            rnd = self.cached(
                "round", rid, lambda level=level, year=year: self.app.get_round(level, year)
            )
            for city, used in Counter(rnd["nominations"].values()).items():
                assert used <= rnd["quotas"].get(city, 0), (level, year, city, rnd)
            for e in self.round_history(level, year):
                if e.type == "NominationAccepted":
                    accepted[(str(rid), str(e.data["unit_id"]))] += 1
            in_round = {uid for (r, uid) in nominated if r == str(rid)}
            assert in_round == set(rnd["nominations"]), (level, year)
        assert nominated == accepted
        twice = [key for key, n in nominated.items() if n > 1]
        assert not twice, f"nominated twice in one round (a failed step ends the year): {twice}"
        for year in YEARS:
            person = self.app.identity(s.representative_id(REPRESENTATIVE))  # A22.3's key
            qid = quota_id(quota_key("", person), year)
            used = (
                self.cached(
                    "quota",
                    qid,
                    lambda year=year: self.app.quota_used(
                        s.representative_id(REPRESENTATIVE), year
                    ),
                )
                if qid in self.saved
                else {"national": 0, "provincial": 0}
            )
            for counts_as, limit in LIMITS.items():
                assert used[counts_as] <= limit, (year, used)
                assert used[counts_as] == counted[(year, counts_as)], (year, used, counted)
                if used[counts_as] == limit:
                    event(f"A22.3 {counts_as} quota reached")

    @invariant()
    def live_aggregates_equal_their_replay(self) -> None:
        """(iv) For each aggregate saved since the last check: what the command left in memory
        equals a fresh fold of the stored events, and the repository (snapshots included) and
        the unit query agree."""
        for aggregate_id in sorted(self.dirty):
            live = self.saved[aggregate_id]
            replayed: Any = None
            for stored in self.app.events.get(aggregate_id):
                replayed = stored.mutate(replayed)
            assert replayed is not None
            assert vars(replayed) == vars(live), (type(live).__name__, vars(live))
            assert self.app.repository.get(aggregate_id) == replayed
        for code in self.registered():
            if UNIT_IDS[code] in self.dirty:
                assert self.app.get_unit(code) == UnitView.of(self.saved[UNIT_IDS[code]])
        self.dirty.clear()


Lifecycle.TestCase.settings = settings(
    max_examples=100,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_lifecycle = Lifecycle.TestCase
