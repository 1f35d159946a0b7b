"""The calendar of the rules (domain.rules.calendar): every deadline and due date, and how the
notice's period is counted (A16.1): calendar days as the document says, or, as configured,
working days with China's public holidays and adjusted working days (调休)."""

from __future__ import annotations

from datetime import date

import pytest

from domain import calendar as adapters_port
from domain.rules import calendar as c
from domain.rules.calendar import CalendarNotCovered, Period
from domain.rules.exclusions import NegativeRecord
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


def test_the_adapters_port_names_the_same_period() -> None:
    """greenlist.adapters.calendars implements `WorkingCalendar` as domain.calendar names it."""
    assert adapters_port.Period is Period
    assert adapters_port.CalendarNotCovered is CalendarNotCovered


# --- deadlines and due dates -------------------------------------------------------------------

D = date(2025, 9, 1)


def test_the_notice_opened_on_d_runs_to_d_plus_14() -> None:
    assert c.notice_last_day(D) == date(2025, 9, 15)
    assert c.notice_over_on(c.notice_last_day(D)) == date(2025, 9, 16)
    assert c.notice_last_day(D, Period(days=20)) == date(2025, 9, 20)


def test_recommendations_close_after_30_june() -> None:
    assert c.nomination_deadline(2025) == date(2025, 6, 30)
    assert c.nomination_window_closed_on(2025) == date(2025, 7, 1)


def test_the_form_of_a_year_is_due_15_april_of_the_next() -> None:
    assert c.dynamic_form_deadline(2025) == date(2026, 4, 15)
    assert c.dynamic_form_overdue_on(2025) == date(2026, 4, 16)


def test_a_re_review_is_due_five_years_after_listing_or_the_last_re_review() -> None:
    assert c.rereview_due(date(2025, 9, 16), None) == date(2030, 9, 16)
    assert c.rereview_due(date(2025, 9, 16), date(2030, 9, 1)) == date(2035, 9, 1)
    assert c.rereview_due(date(2024, 2, 29), None) == date(2029, 2, 28)


@pytest.mark.parametrize("ground", ["A17.2", "A17.3", "A17.4"])
def test_a_one_day_ground_lapses_three_years_after_it_happened(ground: str) -> None:
    happened = NegativeRecord(ground, date(2022, 3, 1), None, "X")
    assert c.a17_lapses_on(happened) == date(2025, 3, 1)


@pytest.mark.parametrize("ground", ["A17.1", "A17.5", "A17.6"])
def test_a_continuing_ground_lapses_three_years_after_it_ended(ground: str) -> None:
    going_on = NegativeRecord(ground, date(2019, 5, 1), None, "X")
    assert c.a17_lapses_on(going_on) is None
    ended = NegativeRecord(ground, date(2019, 5, 1), date(2024, 2, 29), "X")
    assert c.a17_lapses_on(ended) == date(2027, 2, 28)
