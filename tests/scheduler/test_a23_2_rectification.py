"""Scenarios of A23.2 on a controlled clock, on every store: a confirmed report that asks the
unit to rectify has a follow-up due by a date, shown in the deadlines read model until the
city records its result; past its date it shows as overdue (the scheduler flags it); a unit
that did not rectify is removed at the annual publication (A19)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.service import Greenlist
from domain.values import Level
from projections.deadlines import upcoming
from projections.engine.db import Db
from scheduler.sweeper import Sweeper
from simulation import scenarios as s
from simulation.scenarios import at
from tests.refusals import refused
from tests.scheduler.conftest import Calendar

P = Level.PROVINCIAL
HANGZHOU = s.city_actor("330100")
VERIFIED = date(2025, 11, 20)


def confirmed_for_rectification(
    app: Greenlist, serial: int, rectify_by: date | None = None, listed: bool = False
) -> tuple[str, UUID, Any]:
    """A listed unit; a report against it that Hangzhou accepts and confirms, asking for
    rectification. Returns the unit's code, the report and the verification's receipt."""
    code = s.credit_code(serial)
    if not listed:
        s.list_provincially(app, code)
    complaint = app.file_complaint(
        s.PUBLIC, "unit", code, "张三", "13800000000", ["a.pdf"], "超标排放",
        occurred_at=at(date(2025, 11, 1)),
    ).aggregate_id  # fmt: skip
    app.accept_complaint(HANGZHOU, complaint, "受理", occurred_at=at(date(2025, 11, 5)))
    receipt = app.verify_complaint(
        HANGZHOU, complaint, True, "rectification", "核实", at(VERIFIED), rectify_by
    )
    return code, complaint, receipt


def follow_ups(sweeper: Sweeper, views: Db, status: str) -> list[Any]:
    sweeper.runner.catch_up()
    return upcoming(views, kind="rectification", status=status)


def rectifications(calendar: Calendar, day: date) -> list[str]:
    """What the scheduler did for rectifications when the clock reached `day`."""
    return [done for done in calendar.tick(day) if done.startswith("rectification")]


def test_a23_2_a_report_confirmed_for_rectification_has_a_follow_up_in_the_deadlines(
    app: Greenlist, sweeper: Sweeper, views: Db
) -> None:
    code, complaint, receipt = confirmed_for_rectification(app, 70)
    assert receipt.details["rectify_by"] == date(2026, 2, 18)  # 90 days on, by default
    (row,) = follow_ups(sweeper, views, "open")
    assert (row["credit_code"], row["rule"], row["record_id"]) == (code, "A23.2", str(complaint))
    assert row["due_on"] == "2026-02-19"  # overdue from the day after


def test_a23_2_the_city_states_a_due_date_after_its_verification_within_a_year(
    app: Greenlist, sweeper: Sweeper, views: Db
) -> None:
    other = s.credit_code(72)
    s.list_provincially_together(app, s.credit_code(71), other)
    _, _, receipt = confirmed_for_rectification(app, 71, date(2025, 12, 31), listed=True)
    assert receipt.details["rectify_by"] == date(2025, 12, 31)
    assert follow_ups(sweeper, views, "open")[0]["due_on"] == "2026-01-01"
    for late in (date(2026, 11, 21), VERIFIED):
        filed = app.file_complaint(
            s.PUBLIC, "unit", other, "李四", "139", ["b.pdf"], "超标", occurred_at=at(VERIFIED)
        ).aggregate_id
        app.accept_complaint(HANGZHOU, filed, "受理", occurred_at=at(VERIFIED))
        with refused(app, "A23.2", other):
            app.verify_complaint(HANGZHOU, filed, True, "rectification", "", at(VERIFIED), late)


def test_a23_2_an_overdue_rectification_shows_as_overdue_until_the_city_records_it(
    app: Greenlist, sweeper: Sweeper, views: Db, calendar: Calendar
) -> None:
    code, complaint, _ = confirmed_for_rectification(app, 73)
    assert rectifications(calendar, date(2026, 2, 18)) == []
    assert rectifications(calendar, date(2026, 2, 19)) == ["rectification:recorded"]
    (row,) = follow_ups(sweeper, views, "overdue")
    assert row["settled_by"] == "RectificationOverdue"
    assert rectifications(calendar, date(2026, 2, 20)) == []  # flagged once
    app.record_rectification(HANGZHOU, complaint, True, "已整改", at(date(2026, 2, 25)))
    (done,) = follow_ups(sweeper, views, "done")
    assert done["settled_by"] == "RectificationChecked"
    assert follow_ups(sweeper, views, "overdue") == []
    assert app.get_unit(code).status(P) == "listed"


def test_a23_2_a_unit_that_did_not_rectify_is_removed_at_the_annual_publication(
    app: Greenlist, sweeper: Sweeper, views: Db
) -> None:
    code, complaint, _ = confirmed_for_rectification(app, 74)
    with refused(app, "ID.3", code):
        app.record_rectification(s.city_actor("330200"), complaint, False, "", at(date(2026, 1, 5)))
    receipt = app.record_rectification(HANGZHOU, complaint, False, "未整改", at(date(2026, 1, 5)))
    assert receipt.details["removal_pending"] == ["municipal", "provincial"]
    assert follow_ups(sweeper, views, "done")[0]["record_id"] == str(complaint)
    with refused(app, "A23.2", code):  # recorded once
        app.record_rectification(HANGZHOU, complaint, True, "", at(date(2026, 1, 6)))
    assert {"A23.2", "A19.3"} <= set(app.get_unit(code).standing[P.value]["pending_removal"])
    s.annual_publication(app, 2026)
    assert app.get_unit(code).status(P) == "removed"


def test_a23_2_a_report_that_asked_for_no_rectification_has_no_follow_up(
    app: Greenlist, sweeper: Sweeper, views: Db
) -> None:
    code = s.credit_code(75)
    s.list_provincially(app, code)
    filed = app.file_complaint(
        s.PUBLIC, "unit", code, "王五", "137", ["c.pdf"], "造假", occurred_at=at(VERIFIED)
    ).aggregate_id
    app.accept_complaint(HANGZHOU, filed, "受理", occurred_at=at(VERIFIED))
    app.verify_complaint(HANGZHOU, filed, False, "unfounded", "不实", at(VERIFIED))
    with refused(app, "A23.2", code):
        app.record_rectification(HANGZHOU, filed, True, "", at(date(2025, 12, 1)))
    assert follow_ups(sweeper, views, "open") == []
