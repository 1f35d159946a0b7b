"""Fixtures for the scheduler: the service on a store, its views and a sweeper."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from domain.clock import SettableClock
from domain.service import Greenlist
from domain.values import local_midnight
from projections.engine.db import Db
from scheduler.sweeper import Sweeper


@pytest.fixture
def sweeper(app: Greenlist, views: Db) -> Sweeper:
    sweeper = Sweeper(app, views, name="test-scheduler")
    sweeper.setup()
    return sweeper


class Calendar:
    """Moves the service's clock to a local date and time, and runs what fell due."""

    def __init__(self, clock: SettableClock, sweeper: Sweeper) -> None:
        self.clock, self.sweeper = clock, sweeper

    def move_to(self, day: date, hour: int = 0, minute: int = 0, second: int = 1) -> datetime:
        instant = local_midnight(day).replace(hour=hour, minute=minute, second=second)
        self.clock.set(instant)
        return instant

    def tick(self, day: date, hour: int = 0, minute: int = 0, second: int = 1) -> list[str]:
        """The clock moves to that instant and the scheduler runs: the deadlines it handled
        as `kind:result`."""
        self.move_to(day, hour, minute, second)
        return [f"{o.kind}:{o.result}" for o in self.sweeper.run_today()]


@pytest.fixture
def calendar(clock: SettableClock, sweeper: Sweeper) -> Calendar:
    return Calendar(clock, sweeper)
