"""A generated, realistic history of Zhejiang's green manufacturing lists, July 2024 to June 2026,
done through the application service on a clock that moves with it, so that `as_of` reads show
each moment:

- 2024: agencies (two under one legal representative, A22.3) and the expert pool (A15.2); 60
  factories, 8 parks with enterprises inside them and 8 supply-chain companies in the eleven
  cities (simulation.cast) registered (ID.1-2), cultivated (A8-A11), evaluated by themselves or by
  agencies (A12), three of them failing; the municipal lists (A13.1);
- 2025: late joiners; the provincial round with quotas (A13.2), nominations by 30 June (A14.1,
  one with an A14.2 justification), reviews, panel draws, the site sample (one unit failing),
  the notice with an upheld objection, co-signatures and the publication (A15-A16, rounds);
- 2025 (national, simulation.demo.national): three factories recommended to MIIT after the
  national round's reviews, with no provincial notice; MIIT lists two and not the third, each
  outcome recorded with MIIT's document number when the ministry publishes (A15.4, A16.3);
- 2025-2026 (dynamic): renames and a failed re-check (A20), real-name reports, one
  confirmed for removal and one against an agency (A23, A22.1), negative records, one on an
  enterprise inside a listed park (A17), a major accident (A19.4), yearly forms on time, late
  and overdue (A18, A19.2); the 2026 round, whose annual publication applies the removals and
  renames decided meanwhile (A19.1-3, A20.3).

Deterministic: the same seed gives the same history, event for event."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime
from functools import partial

from domain.clock import SettableClock
from domain.service import Greenlist
from domain.values import SHANGHAI, Level
from greenlist.runtime import read_side
from greenlist.settings import Settings
from simulation.cast import Member
from simulation.demo.acts import MANUAL_QUOTA, Outcome, P, quotas
from simulation.demo.national import DemoNational
from simulation.scenarios import PROVINCE_ACTOR, log_size

SEED = 20240626
START = datetime(2024, 7, 1, 8, tzinfo=SHANGHAI)
"""A few days after the rules came into force (A29: 2024-06-26)."""
M = Level.MUNICIPAL

__all__ = ["SEED", "START", "DemoHistory", "Outcome", "load_if_empty"]


class DemoHistory(DemoNational):
    """Plans the first year, then does everything in time order; later years are planned as
    their turn comes (rounds, dynamic)."""

    def __init__(self, app: Greenlist, clock: SettableClock, seed: int = SEED) -> None:
        super().__init__(app, clock, random.Random(seed), START)
        self.early = [u for u in self.cast.units if u not in self.late]

    def run(self) -> Outcome:
        self.plan_2024()
        self.plan_2025()
        self.agenda.run()
        self.out.events = log_size(self.app)
        return self.out

    def plan_2024(self) -> None:
        a, early = self.agenda, self.early
        a.on(date(2024, 7, 2), self.register_agencies)
        a.on(date(2024, 7, 3), self.enrol_experts)
        a.spread(early, date(2024, 7, 8), date(2024, 8, 30), self.register)
        a.spread(early, date(2024, 9, 2), date(2024, 10, 31), partial(self.cultivate, year=2024))
        report = partial(self.evaluate_unless_refused, year=2024)
        a.spread(early, date(2024, 11, 1), date(2024, 12, 6), report)
        passing = [u for u in early if u not in self.refused]
        a.spread(passing, date(2024, 12, 9), date(2024, 12, 27), self.list_municipally)

    def evaluate_unless_refused(self, unit: Member, year: int) -> None:
        self.evaluate(unit, M, year, passed=unit not in self.refused)

    def plan_2025(self) -> None:
        a, base, taken = self.agenda, quotas(5), Counter[str]()
        inputs = self.quota_inputs(2025, base, self.early)
        limits = self.derived(inputs)
        city, why = MANUAL_QUOTA
        limits[city] += 1
        manual = {city: (limits[city], why)}
        members = [f for f in self.cast.factories if f not in self.free]
        parks, chains = list(self.cast.parks), list(self.cast.supply_chains)
        for pool in (members, parks, chains):
            self.rng.shuffle(pool)
        nominees = [
            *self.pick([self.unlisted], 1, limits, taken),
            *self.pick(self.free[8:], 13, limits, taken),
            *self.pick(members, 4, limits, taken),
            *self.pick(parks, 4, limits, taken),
            *self.pick(chains, 3, limits, taken),
        ]
        self.nominees[2025] = nominees
        inside = [u for u in nominees if u in members]
        self.fail[2025] = {"preliminary": inside[-1], "expert": inside[-2]}
        cultivate = partial(self.cultivate, year=2025)
        a.spread(self.early, date(2025, 1, 6), date(2025, 1, 24), cultivate)
        a.spread(nominees, date(2025, 2, 3), date(2025, 2, 28), self.provincial_report)
        a.spread(self.late, date(2025, 2, 17), date(2025, 2, 28), self.register)
        a.on(date(2025, 3, 3), partial(self.app.open_round, PROVINCE_ACTOR, P, 2025, base))
        a.on(date(2025, 3, 3), partial(self.set_quotas, 2025, inputs, manual), hour=15)
        a.spread(self.late, date(2025, 3, 4), date(2025, 3, 14), cultivate)
        again = [*self.late, *self.refused[1:]]
        report = partial(self.evaluate, level=M, year=2025)
        a.spread(again, date(2025, 3, 17), date(2025, 4, 3), report)
        a.spread(again, date(2025, 4, 7), date(2025, 4, 30), self.list_municipally)
        a.spread(nominees, date(2025, 5, 6), date(2025, 6, 20), partial(self.nominate, 2025))
        abnormal = partial(
            self.ground,
            self.abnormal.code,
            "A17.1",
            date(2025, 2, 10),
            "列入经营异常名录（未按期公示年报），已于2025年6月5日移出",
            date(2025, 6, 5),
        )
        a.on(date(2025, 6, 23), abnormal)
        self.plan_round(2025, date(2025, 7, 1), sample=4)
        chosen = {*nominees, *self.late, *self.refused, self.abnormal, self.showcase}
        self.plan_national(2025, [u for u in self.free[9:] if u not in chosen])


def load_if_empty(url: str | None = None, seed: int = SEED) -> Outcome | None:
    """Load the history into an empty store (simulation.histories) and bring the read models
    up to date. Returns what it did, or None if the store already held events."""
    from simulation import histories  # which imports this module

    url = url or Settings.from_env().store.url
    try:
        with histories.opened(url, "demo", seed=seed) as (app, generated):
            side = read_side(app, url)
            try:
                side.runner.catch_up()
            finally:
                side.close()
            return generated.outcome
    except histories.StoreNotEmpty:
        return None


def showcase_code(seed: int = SEED) -> str:
    """The credit code of the unit whose history the demo prints, without running anything."""
    return DemoHistory(None, SettableClock(START), seed).showcase.code  # type: ignore[arg-type]
