"""The demo's national round of 2025 (A14.3, A15.4, A16.3): three factories nominated for the
national list before they are on the provincial one (with the A14.3 justification), reviewed
like the provincial round, recommended to MIIT by the province with no provincial notice, and
MIIT's outcome recorded when the ministry publishes it: two listed, one not listed.

Every act is at a fixed instant before the working day (08:xx) and draws nothing at random, so
the rest of the history (its random choices, its instants) stays as it was."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

from domain.values import CITIES, Level, UnitKind
from simulation.cast import Member
from simulation.demo.dynamic import DemoDynamic
from simulation.scenarios import PROVINCE_ACTOR, city_actor, enterprise_actor, report_hash

N = Level.NATIONAL
NATIONAL_REASON = "该企业省级遴选在办，国家级评价已通过，经设区市研究一并推荐"
"""A14.3: the nominees are not on the provincial list yet (its first round runs this year)."""
MIIT_DOCUMENT = "工信厅节函〔2025〕412号"
"""The MIIT notice (文号) that publishes the national list of 2025 in the demo."""
MIIT_PUBLISHED = date(2025, 12, 18)


class DemoNational(DemoDynamic):
    """The national round of one year, at fixed instants."""

    def plan_national(self, year: int, candidates: list[Member]) -> None:
        """Reports in February, the round in March, nominations in June, the reviews in July
        and August, the recommendation on 3 September, MIIT's outcomes in December."""
        chosen = [u for u in candidates if u.kind is UnitKind.FACTORY][:3]
        self.national[year] = chosen

        def each(day: date, act: Callable[[Member], object]) -> None:
            self.agenda.on(day, partial(self._each, chosen, act), hour=8, minute=41)

        each(date(year, 2, 5), partial(self.national_report, year))
        self.agenda.on(date(year, 3, 4), partial(self.open_national, year), hour=8, minute=41)
        each(date(year, 6, 10), partial(self.nominate_nationally, year))
        each(date(year, 7, 14), self.national_preliminary)
        each(date(year, 7, 21), partial(self.national_panel, year))
        each(date(year, 8, 4), self.national_expert_review)
        self.agenda.on(date(year, 8, 11), partial(self.national_sample, year), hour=8, minute=41)
        self.agenda.on(date(year, 9, 3), partial(self.recommend, year), hour=8, minute=41)

    def _each(self, units: list[Member], act: Callable[[Member], object]) -> None:
        for unit in units:
            act(unit)
            self.agenda.later(3)

    def national_report(self, year: int, unit: Member) -> None:
        """A12: a self-evaluation against the national standard (no agency's quota used)."""
        digest = report_hash(f"{unit.code}/national/{year}")
        actor = enterprise_actor(unit.code)
        self.app.submit_evaluation(actor, unit.code, N, year, digest, 91.0, True)

    def open_national(self, year: int) -> None:
        self.app.open_round(PROVINCE_ACTOR, N, year, dict.fromkeys(CITIES, 2))

    def nominate_nationally(self, year: int, unit: Member) -> None:
        self.app.nominate(city_actor(unit.city), unit.code, N, year, NATIONAL_REASON)

    def national_preliminary(self, unit: Member) -> None:
        self.app.record_preliminary_review(PROVINCE_ACTOR, unit.code, N, True, "材料齐全")

    def national_panel(self, year: int, unit: Member) -> None:
        self.app.draw_expert_panel(PROVINCE_ACTOR, unit.code, N, year, size=5)

    def national_expert_review(self, unit: Member) -> None:
        self.app.record_expert_review(PROVINCE_ACTOR, unit.code, N, True, 92.0)

    def national_sample(self, year: int) -> None:
        self.app.draw_site_sample(PROVINCE_ACTOR, N, year, 0, f"{year}-national-sample")

    def recommend(self, year: int) -> None:
        """A16.3: to MIIT, no notice; MIIT publishes in December (the last one not listed)."""
        receipt = self.app.recommend_to_miit(PROVINCE_ACTOR, year)
        recommended = self.codes(list(receipt.details["recommended"]))
        for i, code in enumerate(recommended):
            listed = i < len(recommended) - 1
            outcome = partial(self.miit_outcome, year, code, listed)
            self.agenda.on(MIIT_PUBLISHED, outcome, hour=8, minute=41 + 3 * i)

    def miit_outcome(self, year: int, code: str, listed: bool) -> None:
        """A16.3: recorded as MIIT published it (occurred_at: the publication's instant)."""
        record = self.app.record_miit_outcome
        record(PROVINCE_ACTOR, code, year, listed, MIIT_DOCUMENT, self.agenda.now)
        self.out.miit[code] = listed
