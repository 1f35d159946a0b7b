"""The calendar the demo history (simulation.demo.history) runs on: acts planned at instants of
Asia/Shanghai working days, done in time order on a `SettableClock`, so that each act is
recorded when it happened (its `occurred_at` is its recorded instant). An act may plan later
acts from what it learned (a drawn sample, a published list)."""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import TypeVar

from domain.clock import SettableClock
from simulation.scenarios import at

T = TypeVar("T")


class Agenda:
    """Acts by instant; ties in the order they were planned."""

    def __init__(self, clock: SettableClock, rng: random.Random, start: datetime) -> None:
        self.clock = clock
        self.rng = rng
        self.now = start
        self._heap: list[tuple[datetime, int, Callable[[], object]]] = []
        self._seq = 0
        clock.set(start)

    def plan(self, when: datetime, act: Callable[[], object]) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (when, self._seq, act))

    def on(self, day: date, act: Callable[[], object], hour: int = 10, minute: int = 0) -> None:
        self.plan(at(day, hour, minute), act)

    def spread(
        self, items: Iterable[T], start: date, end: date, act: Callable[[T], object]
    ) -> None:
        """One act per item at a random working-day instant between `start` and `end`."""
        days = [start + timedelta(days=d) for d in range((end - start).days + 1)]
        workdays = [d for d in days if d.weekday() < 5] or days
        for item in items:
            minute = self.rng.randrange(9 * 60, 17 * 60 + 30)
            when = at(self.rng.choice(workdays), minute // 60, minute % 60)
            self.plan(when, _bind(act, item))

    def run(self) -> None:
        while self._heap:
            when, _, act = heapq.heappop(self._heap)
            self.move_to(when)
            act()

    def move_to(self, instant: datetime) -> None:
        """The clock only moves forward; two acts never share an instant."""
        if instant <= self.now:
            instant = self.now + timedelta(seconds=1)
        self.now = instant
        self.clock.set(instant)

    def later(self, minutes: int) -> None:
        """Within one act that does several things (a day of site inspections)."""
        self.move_to(self.now + timedelta(minutes=minutes))


def _bind(act: Callable[[T], object], item: T) -> Callable[[], object]:
    return lambda: act(item)
