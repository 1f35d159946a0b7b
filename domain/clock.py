"""The injected clock: nothing in the domain reads the system time; the composition root
injects the real clock (`greenlist.config.SystemClock`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Tells the current instant (aware, UTC)."""

    def now(self) -> datetime: ...


class SettableClock:
    """A clock that tests and demos move by hand; each reading advances it by one microsecond
    so that two acts never share a recorded instant."""

    def __init__(self, start: datetime) -> None:
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        self._now += timedelta(microseconds=1)
        return self._now

    def set(self, instant: datetime) -> None:
        self._now = instant.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self._now += delta
