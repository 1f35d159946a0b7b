"""How periods are counted: `domain.rules.calendar`, where every date of the rules is; this
module keeps the names the adapters import (greenlist.calendars implements `WorkingCalendar`)."""

from domain.rules.calendar import DEFAULT_NOTICE_DAYS, CalendarNotCovered, Period, WorkingCalendar

__all__ = ["DEFAULT_NOTICE_DAYS", "CalendarNotCovered", "Period", "WorkingCalendar"]
