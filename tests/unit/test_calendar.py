"""How periods are counted (A16.1): calendar days as the document says, or, as configured,
working days with China's public holidays and adjusted working days (调休)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.calendar import CalendarNotCovered, Period
from greenlist.adapters.calendars import ChineseWorkingCalendar
from greenlist.config import notice_period
from greenlist.settings import Settings


def test_fifteen_calendar_days_by_default() -> None:
    assert Period().last_day(date(2025, 9, 26)) == date(2025, 10, 10)
    assert Period(days=20).last_day(date(2025, 9, 1)) == date(2025, 9, 20)


def test_working_days_skip_the_national_day_holiday_and_count_the_make_up_days() -> None:
    """Opened Friday 26 September 2025: Sunday 28 September and Saturday 11 October are
    adjusted working days, 1-8 October are holidays; the 15th working day is 22 October."""
    period = Period(15, ChineseWorkingCalendar())
    assert period.last_day(date(2025, 9, 26)) == date(2025, 10, 22)
    assert Period(2, ChineseWorkingCalendar()).last_day(date(2025, 9, 27)) == date(2025, 9, 29)


def test_a_year_the_calendar_does_not_cover_is_a_clear_refusal() -> None:
    period = Period(15, ChineseWorkingCalendar())
    with pytest.raises(CalendarNotCovered) as caught:
        period.last_day(date(2026, 12, 20))
    assert caught.value.codes == ("A16.1",)
    assert "2027" in caught.value.en and "2027" in caught.value.zh


def test_the_period_is_configuration() -> None:
    assert notice_period(Settings.from_env({})) == Period(15)
    configured = notice_period(
        Settings.from_env({"GREENLIST_NOTICE_DAYS": "10", "GREENLIST_NOTICE_WORKING_DAYS": "1"})
    )
    assert configured.days == 10 and configured.working is not None
    with pytest.raises(ValueError, match="GREENLIST_NOTICE_DAYS"):
        Settings.from_env({"GREENLIST_NOTICE_DAYS": "fifteen"})
    with pytest.raises(ValueError, match="at least 1"):
        Settings.from_env({"GREENLIST_NOTICE_DAYS": "0"})
