"""How periods are counted (A16.1, and any later rule that counts working days).

The document counts calendar days ("公示期15天"), so the default period is 15 calendar days.
An operator may configure a different length, or count working days (工作日): then the
holidays and the adjusted working days (调休) come from a `WorkingCalendar` injected by the
composition root (greenlist.calendars, backed by the `chinese-calendar` package), so that the
domain reads no data file and no clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from domain.errors import RuleViolation

DEFAULT_NOTICE_DAYS = 15
"""A16.1: 公示期15天."""


class WorkingCalendar(Protocol):
    """Tells whether a day is a working day in mainland China (weekends, public holidays and
    adjusted working days included). Raises `CalendarNotCovered` for a year it does not know."""

    def is_working_day(self, day: date) -> bool: ...


class CalendarNotCovered(RuleViolation):
    """The working-day calendar does not know the year: the period cannot be counted."""

    def __init__(self, code: str, year: int) -> None:
        super().__init__(
            code,
            zh=f"工作日历尚未包含{year}年的节假日安排，无法按工作日计算期限",
            en=f"the working-day calendar does not cover {year} yet: "
            "the period cannot be counted in working days",
        )


@dataclass(frozen=True)
class Period:
    """A period of `days` days that starts on (and counts) its first day.

    With `working` set, only working days count and the first counted day is the first
    working day on or after the start; the period ends on its last counted day."""

    days: int = DEFAULT_NOTICE_DAYS
    working: WorkingCalendar | None = None
    rule: str = "A16.1"

    def __post_init__(self) -> None:
        if self.days < 1:
            raise ValueError("a period lasts at least one day")

    def last_day(self, start: date) -> date:
        """The last day of the period: start + days - 1 in calendar days (A16.1: opened on
        day D, the notice runs D to D+14 and is over from D+15)."""
        if self.working is None:
            return start + timedelta(days=self.days - 1)
        day, counted = start, 0
        while True:
            counted += self.working.is_working_day(day)
            if counted == self.days:
                return day
            day += timedelta(days=1)
