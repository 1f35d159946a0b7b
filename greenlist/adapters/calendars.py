"""The working-day calendar of mainland China, for periods configured in working days
(domain.calendar.Period): public holidays and adjusted working days (调休) from the
`chinese-calendar` package, which knows each year once the State Council has announced it.
The composition root injects it when `GREENLIST_NOTICE_WORKING_DAYS=1` (greenlist.config)."""

from __future__ import annotations

from datetime import date

import chinese_calendar

from domain.calendar import CalendarNotCovered


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
