"""A province's history of any size (the province story): every event made by the service's own
commands, with the rules checked as in production, on a `SettableClock` that follows a calendar
of working days (simulation.agenda). Each year the cities cultivate their pools (A8-A11), units
are evaluated (A12, A22.3) and put on the municipal lists (A13.1); the provincial and national
rounds run (simulation.province.rounds); listed units live on (simulation.province.life); new
units join. Written through a bulk writer (simulation.bulk): fast, in the log's time order."""

from __future__ import annotations

from datetime import date
from functools import partial

from domain.aggregates.unit import IN_SELECTION
from domain.rules.stages import Stage
from domain.values import Level, UnitKind
from simulation.cast import Member
from simulation.province.acts import M, N, P
from simulation.province.rounds import ProvinceRounds


class ProvinceHistory(ProvinceRounds):
    """Plans a province's years on an agenda and runs them through the service."""

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
        self.store.flush()

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
        to_report = [u for u in unlisted if M not in state[u.code].passed_levels()]
        a.spread(to_report, day(2, 3), day(2, 28), partial(self.evaluate, level=M, pass_rate=0.85))
        a.spread(unlisted, day(3, 3), day(4, 30), self.list_municipally)

        # the rounds' candidates: a share of the lower list, reported in February
        nominees: dict[Level, list[tuple[Member, str]]] = {}
        for level, lower, share, pass_rate in ((P, M, 0.3, 0.9), (N, P, 0.2, 0.85)):
            ready = [
                u
                for u in active
                if state[u.code].is_listed(lower)
                and state[u.code].stage(level) not in (*IN_SELECTION, Stage.LISTED)
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
            a.on(day(4, 8), partial(self.derive_quotas, level, year), hour=15)
            nominate = partial(self.nominate_with, level, year)
            a.spread(nominees[level], day(5, 6), day(6, 20), nominate)
            first = date(year, 7, 1)
            a.on(first, partial(self.plan_reviews, level, year, first))

        self.plan_forms(year - 1, units, state)
        self.plan_life(year, units, state)
        joiners = self.new_units(int(self.target_units * 0.45 / (self.last_year - 2024)))
        a.spread(joiners, day(2, 17), day(11, 27), self.register)
