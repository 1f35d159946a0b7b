"""The calendar of the rules: every deadline, period and due date, counted in one place.

A deadline is a calendar date in Asia/Shanghai, inclusive: an act is in time on that day and late
from the next (the `..._on` functions give that next day, when the scheduler acts). How the
public notice's days are counted is configuration (A16.1: 15 calendar days as the document says,
or working days with China's holidays and adjusted working days from a `WorkingCalendar` that the
composition root injects, so that the domain reads no data file and no clock)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from domain.errors import RuleViolation
from domain.rules.exclusions import A17_YEARS, Ground, NegativeRecord
from domain.values import years_after

DEFAULT_NOTICE_DAYS = 15
"""A16.1: 公示期15天."""
REREVIEW_YEARS = 5
"""A21: 五年一复核."""


# --- Counting a period (A16.1) -------------------------------------------------------------


class WorkingCalendar(Protocol):
    """Tells whether a day is a working day in mainland China (weekends, public holidays and
    adjusted working days included). Raises `CalendarNotCovered` for a year it does not know."""

    def is_working_day(self, day: date) -> bool: ...


class CalendarNotCovered(RuleViolation):
    """The working-day calendar does not know the year: the period cannot be counted (A16.1,
    or the rule of whichever period is counted)."""

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


# --- Deadlines and due dates ---------------------------------------------------------------


def nomination_deadline(year: int) -> date:
    """A14.1: the last day to submit recommendations, 30 June (Asia/Shanghai, inclusive)."""
    return date(year, 6, 30)


def nomination_window_closed_on(year: int) -> date:
    """A14.1: the first day on which recommendations for the year are refused (1 July)."""
    return nomination_deadline(year) + timedelta(days=1)


def notice_last_day(opened_on: date, period: Period | None = None) -> date:
    """A16.1: a notice opened on day D runs 15 days, D to D+14 inclusive (the length, and
    whether working days are counted, is configuration: `Period`)."""
    return (period or Period()).last_day(opened_on)


def notice_over_on(last_day: date) -> date:
    """A16.1: the first day after the notice, when it ends and publication may follow."""
    return last_day + timedelta(days=1)


def dynamic_form_deadline(year: int) -> date:
    """A18: the form for reporting year Y is due 15 April of Y+1."""
    return date(year + 1, 4, 15)


def dynamic_form_overdue_on(year: int) -> date:
    """A18: the first day the form for reporting year Y is overdue (16 April of Y+1)."""
    return dynamic_form_deadline(year) + timedelta(days=1)


def first_form_year(listed_on: date, imported_on: date | None = None) -> int:
    """A18: the first reporting year whose form a listing owes: its own year; for a listing
    back-entered from a published list's record (issue 15) on `imported_on`, the first whose
    deadline is still ahead then (the earlier ones were kept outside the system), and never
    one before the listing's own year."""
    if imported_on is None:
        return listed_on.year
    year = imported_on.year - 1
    if imported_on >= dynamic_form_overdue_on(year):
        year += 1
    return max(year, listed_on.year)


def rereview_due(listed_on: date, last_rereview: date | None) -> date:
    """A21: five years after listing or after the last re-review."""
    return years_after(last_rereview or listed_on, REREVIEW_YEARS)


def a17_lapses_on(record: NegativeRecord) -> date | None:
    """A17: the first day a ground no longer counts, three years to the day after it happened
    (a continuing ground, A17.1/A17.5/A17.6: after it ended); None while a continuing ground
    goes on."""
    continuing = Ground(record.ground).continuing
    if continuing and record.ended_on is None:
        return None
    last = record.ended_on if continuing else record.occurred_on
    assert last is not None
    return years_after(last, A17_YEARS)
