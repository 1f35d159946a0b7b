"""The service as the scenario tests drive it: time passes in the world between acts.

A test states when each act happened (`occurred_at`); the service refuses an act dated after
its recording (issue 9, item 3). So, as the demo history's clock does, the test clock first
moves forward to the stated instant when it reads earlier (back again if the act is refused:
nothing was recorded); a recorded act never moves it back, so an act recorded later than it
happened (back-entered) stays so, and an act stated before one already recorded is judged at
the later recording (a nomination stated for June after September's publication is late).
Tests of the refusal itself use the service unwrapped. Sequential use only: two threads moving
one clock would race (the race tests set the clock themselves first)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from datetime import datetime
from typing import Any

from domain.clock import SettableClock


def catch_up(clock: Any, instant: datetime) -> None:
    """Move a settable clock forward to `instant` (never back)."""
    if isinstance(clock, SettableClock) and clock.now() < instant:
        clock.set(instant)


def stated(command: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """The `occurred_at` a command is called with, by keyword or by position."""
    if "occurred_at" in kwargs:
        return kwargs["occurred_at"]
    try:
        signature = inspect.signature(command)
    except (TypeError, ValueError):
        return None
    if "occurred_at" not in signature.parameters:
        return None
    try:
        return signature.bind_partial(*args, **kwargs).arguments.get("occurred_at")
    except TypeError:
        return None  # the command itself will refuse the call


class OnTime:
    """A proxy of the service whose commands move the test clock to their `occurred_at`."""

    def __init__(self, service: Any) -> None:
        object.__setattr__(self, "_service", service)

    @property
    def unwrapped(self) -> Any:
        return self._service

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._service, name)
        if name.startswith("_") or not callable(value):
            return value

        @functools.wraps(value)
        def on_time(*args: Any, **kwargs: Any) -> Any:
            clock, occurred = self._service.clock, stated(value, args, kwargs)
            before = clock.now() if isinstance(clock, SettableClock) else None
            if isinstance(occurred, datetime):
                catch_up(clock, occurred)
            try:
                return value(*args, **kwargs)
            except Exception:
                if before is not None:
                    clock.set(before)  # a refused act recorded nothing: no time passed
                raise

        return on_time

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._service, name, value)


def on_time(service: Any) -> Any:
    """The service wrapped once."""
    return service if isinstance(service, OnTime) else OnTime(service)
