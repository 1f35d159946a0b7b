"""The working-day calendar of mainland China, for periods configured in working days
(domain.calendar.Period): public holidays and adjusted working days (调休) from the
`chinese-calendar` package, which knows each year once the State Council has announced it."""

from __future__ import annotations

import os
from datetime import date

import chinese_calendar

from domain.calendar import DEFAULT_NOTICE_DAYS, CalendarNotCovered, Period

NOTICE_DAYS_SETTING = "GREENLIST_NOTICE_DAYS"
NOTICE_WORKING_DAYS_SETTING = "GREENLIST_NOTICE_WORKING_DAYS"


class ChineseWorkingCalendar:
    """`is_working_day` by `chinese_calendar.is_workday`; a year it does not cover is a clear
    refusal (CalendarNotCovered), never a guess."""

    def __init__(self, rule: str = "A16.1") -> None:
        self.rule = rule

    def is_working_day(self, day: date) -> bool:
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            raise CalendarNotCovered(self.rule, day.year) from None


def notice_period(env: dict[str, str] | None = None) -> Period:
    """A16.1's period from the settings: `GREENLIST_NOTICE_DAYS` (default 15) and
    `GREENLIST_NOTICE_WORKING_DAYS=1` to count working days instead of calendar days."""
    settings = os.environ if env is None else env
    raw = settings.get(NOTICE_DAYS_SETTING, str(DEFAULT_NOTICE_DAYS))
    try:
        days = int(raw)
    except ValueError:
        raise ValueError(f"{NOTICE_DAYS_SETTING} must be a whole number of days: {raw!r}") from None
    if days < 1:
        raise ValueError(f"{NOTICE_DAYS_SETTING} must be at least 1: {days}")
    working = settings.get(NOTICE_WORKING_DAYS_SETTING, "0") in ("1", "true", "yes")
    return Period(days, ChineseWorkingCalendar() if working else None)
