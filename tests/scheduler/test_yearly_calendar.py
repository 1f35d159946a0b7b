"""Scenarios of the yearly calendar on a controlled clock, on every store: what the scheduler
records on each date (A14.1, A16.1, A17, A18 -> A19.2, A21), after downtime, and that running
it again records nothing new."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from domain.service import Greenlist
from domain.values import Level, local_midnight
from greenlist.config import build_service
from projections.audit import audit_trail
from projections.catalogue import all_projections
from projections.deadlines import upcoming
from projections.engine.db import Db
from projections.engine.runner import Runner
from scheduler.jobs import JOBS, SCHEDULER
from scheduler.sweeper import Sweeper, handled
from simulation import scenarios as s
from simulation.scenarios import PROVINCE_ACTOR, at
from tests.on_time import on_time
from tests.refusals import refused
from tests.scheduler.conftest import Calendar

P = Level.PROVINCIAL
INDICATORS: dict[str, Any] = {"energy_per_output": 0.41}


def of_type(app: Greenlist, code: str, kind: str) -> list[Any]:
    return [e for e in app.unit_history(code) if e.type == kind]


def round_events(app: Greenlist, year: int, kind: str) -> list[Any]:
    return [e for e in app.round_history(P, year) if e.type == kind]


def two_listed_units(app: Greenlist) -> tuple[str, str]:
    """Two factories on the provincial list published 16 September 2025."""
    diligent, forgetful = s.credit_code(40), s.credit_code(41)
    s.list_provincially_together(app, diligent, forgetful)
    return diligent, forgetful


def test_a_year_on_the_calendar(app: Greenlist, calendar: Calendar) -> None:
    """A18: a form missing on 16 April is overdue and the removal waits for the annual
    publication; A14.1: 1 July 00:00 is too late to nominate; A16.1: a notice opened on D is
    over on D+15, when publication is first allowed."""
    diligent, forgetful = two_listed_units(app)
    assert calendar.tick(date(2025, 12, 31)) == ["window:recorded"]  # 2025's, late but once
    app.submit_dynamic_form(
        s.enterprise_actor(diligent),
        diligent,
        P,
        2025,
        INDICATORS,
        occurred_at=at(date(2026, 4, 2)),
    )
    assert calendar.tick(date(2026, 4, 15), 23, 59, 59) == []
    assert of_type(app, forgetful, "DynamicFormOverdue") == []

    assert calendar.tick(date(2026, 4, 16), 0, 0, 1) == ["form:recorded"]
    overdue = of_type(app, forgetful, "DynamicFormOverdue")
    assert len(overdue) == 1
    assert overdue[0].occurred_at == local_midnight(date(2026, 4, 16))
    assert overdue[0].actor_role == "system" and overdue[0].rules == ["A18", "A19.2"]
    assert of_type(app, forgetful, "RemovalDecided")[0].rules == ["A19.2"]
    assert app.get_unit(forgetful).status(P) == "listed"  # until the annual publication

    s.ensure_round(app, P, 2026)
    s.prepare_candidate(app, s.credit_code(42), year=2026)
    calendar.move_to(date(2026, 7, 1))
    with refused(app, "A14.1", s.credit_code(42)):
        app.nominate(
            s.city_actor("330100"),
            s.credit_code(42),
            P,
            2026,
            occurred_at=at(date(2026, 7, 1), 0, 0, 0),
        )
    assert calendar.sweeper.run_today() and round_events(app, 2026, "NominationWindowClosed")
    closed = round_events(app, 2026, "NominationWindowClosed")[0]
    assert closed.occurred_at == local_midnight(date(2026, 7, 1))
    assert closed.data["closed_on"] == date(2026, 7, 1)

    app.draw_site_sample(PROVINCE_ACTOR, P, 2026, 0, seed="s", occurred_at=at(date(2026, 8, 1)))
    calendar.move_to(date(2026, 9, 1), 10)
    opened = app.open_public_notice(PROVINCE_ACTOR, P, 2026)
    assert opened.details["last_day"] == date(2026, 9, 15)
    app.cosign_publication(s.NDRC, P, 2026, "ndrc")
    app.cosign_publication(s.ECO_ENV, P, 2026, "eco_env")
    assert calendar.tick(date(2026, 9, 15), 23, 59, 59) == []
    with refused(app, "A16.1"):
        app.publish_round(PROVINCE_ACTOR, P, 2026)
    assert calendar.tick(date(2026, 9, 16)) == ["notice:recorded"]
    notice_closed = round_events(app, 2026, "PublicNoticeClosed")[0]
    assert notice_closed.data["closed_on"] == date(2026, 9, 16)
    assert notice_closed.occurred_at == local_midnight(date(2026, 9, 16))
    app.publish_round(PROVINCE_ACTOR, P, 2026)
    assert app.get_unit(forgetful).status(P) == "removed"
    assert app.get_unit(diligent).status(P) == "listed"


def test_downtime_from_10_to_20_april(app: Greenlist, calendar: Calendar, views: Db) -> None:
    """The scheduler was down from 10 to 20 April: on restart the 15 April deadline is handled
    once, with its logical date, and nothing else is doubled."""
    diligent, forgetful = two_listed_units(app)
    app.submit_dynamic_form(
        s.enterprise_actor(diligent),
        diligent,
        P,
        2025,
        INDICATORS,
        occurred_at=at(date(2026, 4, 5)),
    )
    calendar.tick(date(2026, 4, 9))
    before = s.log_size(app)
    calendar.move_to(date(2026, 4, 20), 9)  # the scheduler is started again
    restarted = Sweeper(app, views, name="restarted")
    restarted.setup()
    assert [(o.kind, o.due_on, o.result) for o in restarted.run_today()] == [
        ("form", "2026-04-16", "recorded")
    ]

    overdue = of_type(app, forgetful, "DynamicFormOverdue")
    assert len(overdue) == 1
    assert overdue[0].occurred_at == local_midnight(date(2026, 4, 16))  # the logical date
    assert overdue[0].recorded_at >= local_midnight(date(2026, 4, 20))  # when it was done
    assert "2026-04-16" in overdue[0].justification
    added = s.log_size(app) - before
    assert restarted.run_today() == [] and s.log_size(app) - before == added
    rows = [r for r in handled(views) if r["kind"] == "form" and r["due_on"] == "2026-04-16"]
    assert [(r["result"], r["handled_by"]) for r in rows] == [("recorded", "restarted")]
    assert of_type(app, diligent, "DynamicFormOverdue") == []


def every_kind_due(app: Greenlist, calendar: Calendar) -> None:
    """A history in which a deadline of every kind falls due by 1 October 2026."""
    calendar.move_to(date(2021, 1, 1))
    municipal = s.credit_code(50)  # on the municipal list since 1 March 2021: re-review due
    s.register_and_cultivate(app, municipal, year=2021)
    s.evaluate(app, municipal, P, 2021)
    app.list_municipally(s.city_actor("330100"), municipal, occurred_at=at(date(2021, 3, 1)))
    calendar.move_to(date(2025, 1, 1))
    s.list_provincially(app, s.credit_code(51))  # its 2025 form is missing on 2026-04-16
    s.record_ground(app, s.credit_code(51), "A17.4", date(2023, 5, 1), date(2023, 6, 1))
    s.ensure_round(app, P, 2026)  # window closes 2026-07-01
    s.prepare_candidate(app, s.credit_code(52), year=2026)
    app.list_municipally(
        s.city_actor("330100"), s.credit_code(52), occurred_at=at(date(2026, 3, 1))
    )
    s.nominate_and_review(app, s.credit_code(52), P, 2026)
    app.draw_site_sample(PROVINCE_ACTOR, P, 2026, 0, seed="s", occurred_at=at(date(2026, 8, 1)))
    app.open_public_notice(PROVINCE_ACTOR, P, 2026, occurred_at=at(date(2026, 9, 1)))
    calendar.move_to(date(2026, 10, 1))


def test_every_job_twice_for_the_same_date_records_nothing_new(
    app: Greenlist, calendar: Calendar, sweeper: Sweeper, views: Db
) -> None:
    every_kind_due(app, calendar)
    sweeper.runner.catch_up()
    due = upcoming(views)
    assert {d["kind"] for d in due} >= {"window", "notice", "form", "rereview", "lapse"}
    for deadline in due:
        if deadline["due_on"] > "2026-10-01":
            continue
        job, day = JOBS[deadline["kind"]], date.fromisoformat(deadline["due_on"])
        first = job(app, SCHEDULER, deadline, day)
        size = s.log_size(app)
        assert job(app, SCHEDULER, deadline, day) is None, deadline
        assert s.log_size(app) == size
        assert first is not None, deadline

    size = s.log_size(app)
    assert sweeper.run_today() == []  # the read model has seen the acts: nothing is due
    assert s.log_size(app) == size


def test_what_the_scheduler_records_is_in_the_deadlines_and_each_is_handled_once(
    app: Greenlist, calendar: Calendar, sweeper: Sweeper, views: Db
) -> None:
    every_kind_due(app, calendar)
    outcomes = sweeper.run_today()
    recorded = sorted(o.kind for o in outcomes if o.result == "recorded")
    assert recorded == ["form", "lapse", "notice", "rereview", "window", "window"]  # 2025, 2026
    ids = [(o.deadline_id, o.due_on) for o in outcomes]
    assert len(ids) == len(set(ids))
    sweeper.runner.catch_up()
    settled = {d["kind"] for d in upcoming(views, status="done")}
    assert settled >= {"window", "notice", "form", "rereview", "lapse"}
    assert all(d["due_on"] > "2026-10-01" for d in upcoming(views))
    lapsed = of_type(app, s.credit_code(51), "NegativeRecordLapsed")[0]
    assert lapsed.data["lapsed_on"] == date(2026, 5, 1)
    assert lapsed.occurred_at == local_midnight(date(2026, 5, 1))
    due = of_type(app, s.credit_code(50), "RereviewFellDue")[0]
    assert due.data["due_on"] == date(2026, 3, 1)
    # the next year's form falls due once this year's is settled
    nxt = [d for d in upcoming(views, kind="form") if d["aggregate_id"]]
    assert any(d["due_on"] == (date(2027, 4, 15) + timedelta(days=1)).isoformat() for d in nxt)


def test_a_notice_counted_in_working_days(
    store_url: str, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GREENLIST_NOTICE_WORKING_DAYS=1: the notice opened on Friday 26 September 2025 runs 15
    working days, past the National Day holiday, to 22 October; publication waits for it."""
    monkeypatch.setenv("GREENLIST_NOTICE_WORKING_DAYS", "1")
    service = build_service(store_url, clock)
    app = on_time(service)
    try:
        code = s.credit_code(70)
        s.prepare_candidate(app, code)
        app.list_municipally(s.city_actor("330100"), code, occurred_at=at(date(2025, 3, 1)))
        s.ensure_experts(app)
        s.nominate_and_review(app, code, P, 2025)
        app.draw_site_sample(PROVINCE_ACTOR, P, 2025, 0, seed="s", occurred_at=at(date(2025, 8, 1)))
        opened = app.open_public_notice(PROVINCE_ACTOR, P, 2025, occurred_at=at(date(2025, 9, 26)))
        assert opened.details["last_day"] == date(2025, 10, 22)
        app.cosign_publication(s.NDRC, P, 2025, "ndrc", occurred_at=at(date(2025, 10, 1)))
        app.cosign_publication(s.ECO_ENV, P, 2025, "eco_env", occurred_at=at(date(2025, 10, 1)))
        with refused(app, "A16.1"):
            app.publish_round(PROVINCE_ACTOR, P, 2025, occurred_at=at(date(2025, 10, 22), 18))
        app.publish_round(PROVINCE_ACTOR, P, 2025, occurred_at=at(date(2025, 10, 23)))
        assert app.get_unit(code).status(P) == "listed"
    finally:
        service.close()


def test_what_the_scheduler_records_is_in_the_audit_trail(
    app: Greenlist, calendar: Calendar, views: Db
) -> None:
    """Replayable like any other act, by the system, with its rules and its logical date."""
    two_listed_units(app)
    calendar.tick(date(2026, 4, 17))
    runner = Runner(app, views, all_projections())
    runner.setup()
    runner.catch_up()
    rows = audit_trail(views, actor="scheduler", limit=1000)
    kinds = sorted(r["event_type"] for r in rows)
    assert kinds.count("DynamicFormOverdue") == 2 and "NominationWindowClosed" in kinds
    overdue = next(r for r in rows if r["event_type"] == "DynamicFormOverdue")
    assert overdue["actor_role"] == "system" and "A18" in overdue["rules"]
    assert "动态管理表" in overdue["summary"]
