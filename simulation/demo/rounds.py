"""A provincial round of the demo history after its nominations: preliminary reviews (A15.1),
panel draws and expert reviews (A15.2), the weighted site sample and its inspections (A15.3),
the 15-day notice with, in 2025, two objections (A16.1: one filed by the public), the
co-signatures and the joint publication (A16.2), which in 2026 also applies the removals and
renames decided since (A19.1-3, A20.3)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import partial

from simulation.cast import Member
from simulation.demo.acts import DemoActs, P
from simulation.scenarios import PROVINCE_ACTOR


class DemoRounds(DemoActs):
    """The review stages of a round, planned day by day from their first day."""

    def plan_round(self, year: int, begin: date, sample: int) -> None:
        """Preliminary reviews from `begin`, then panels, expert reviews, the site sample, the
        notice (day 62), co-signatures (day 77) and the publication (day 80)."""
        a, fail, nominees = self.agenda, self.fail[year], self.nominees[year]

        def day(n: int) -> date:
            return begin + timedelta(days=n)

        def passes(stage: str) -> Callable[[Member], bool]:
            return lambda unit: unit is not fail.get(stage)

        preliminary, expert = passes("preliminary"), passes("expert")
        a.spread(nominees, day(0), day(10), lambda u: self.preliminary(u, preliminary(u)))
        passed = [u for u in nominees if preliminary(u)]
        a.spread(passed, day(13), day(24), partial(self.draw_panel, year=year))
        a.spread(passed, day(27), day(38), lambda u: self.expert_review(u, expert(u)))
        a.on(day(41), partial(self.sample, year, sample, day(42), day(50)))
        a.on(day(62), partial(self.notice, year), hour=9, minute=30)
        a.on(day(77), partial(self.cosign, year), hour=15)
        a.on(day(80), partial(self.publish, year))

    def sample(self, year: int, size: int, first: date, last: date) -> None:
        """A15.3: the weighted draw; in 2025 the first sampled unit fails its inspection."""
        receipt = self.app.draw_site_sample(PROVINCE_ACTOR, P, year, size, f"{year}-site-sample")
        sampled = self.codes(list(receipt.details["sample"]))
        others = [c for c in sampled if c != self.showcase.code]
        failing = others[0] if year == 2025 and others else None
        self.agenda.spread(sampled, first, last, lambda code: self.inspect(code, code != failing))

    def notice(self, year: int) -> None:
        """A16.1; in 2025 two objections are raised against enterprises: one filed by the
        public under their real name, registered and upheld; one recorded by the province."""
        self.app.open_public_notice(PROVINCE_ACTOR, P, year)
        if year != 2025:
            return
        proposed = self.codes(self.app.get_round(P, year)["notice"]["unit_ids"])
        enterprises = [c for c in proposed if c[:2] == "91" and c != self.showcase.code]
        upheld, rejected = self.rng.sample(enterprises, 2)
        opened = self.agenda.now.date()
        a = self.agenda
        a.on(opened + timedelta(days=2), partial(self.object_publicly, year, upheld))
        a.on(opened + timedelta(days=3), partial(self.register_objection, upheld))
        a.on(opened + timedelta(days=4), partial(self.object, rejected))
        a.on(opened + timedelta(days=11), partial(self.decide, upheld, True))
        a.on(opened + timedelta(days=11), partial(self.decide, rejected, False), hour=14)

    def publish(self, year: int) -> None:
        details = self.app.publish_round(PROVINCE_ACTOR, P, year).details
        self.out.listed[year] = self.codes(details["listed"])
        self.out.withheld[year] = self.codes(details["withheld"])
        if year == 2025:
            self.after_2025()
        else:
            self.out.removed_2026 = self.codes(sorted(set(details["removed"])))
            self.out.adjusted_2026 = self.codes(sorted(set(details["adjusted"])))
            self.after_2026()

    def after_2025(self) -> None:
        """Planned by the subclass once the 2025 list is known."""

    def after_2026(self) -> None:
        """Planned by the subclass once the 2026 list is known."""
