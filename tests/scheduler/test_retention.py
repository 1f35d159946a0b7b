"""Issue 14 item 3 (A23.1, A16.1): a reporter's or objector's personal data is kept no longer
than GREENLIST_REPORT_RETENTION_DAYS days after the report or objection was closed; then the
scheduler erases it (basis "retention", the system as the actor), once. With the test clock,
on every store."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

import pytest

from domain.clock import SettableClock
from domain.errors import Erased
from domain.service import Greenlist
from domain.values import local_date
from projections.engine.db import Db
from scheduler.sweeper import Sweeper
from simulation import scenarios as s
from tests.custody_steps import (
    agency,
    close,
    decide,
    objections,
    objector_name,
    report,
    reporter_name,
)

DAYS = 30
CLOSED = date(2025, 3, 2)


def sweep_on(app: Greenlist, views: Db, clock: SettableClock, day: date) -> list[str]:
    """The clock at 9:00 on `day`, a scheduler's sweep (a fresh one: it runs its daily jobs
    whatever another ran); the reports' and objections' ids it erased."""
    clock.set(s.at(day, 9))
    sweeper = Sweeper(app, views, name="test-scheduler", retention_days=DAYS)
    sweeper.setup()
    return [o.deadline_id for o in sweeper.run_today() if o.kind == "retention"]


def erasure(app: Greenlist, subject: UUID) -> tuple[str, str, str, str]:
    """Who erased the subject's personal data, on what basis and why (its last event)."""
    event = list(app.events.get(subject))[-1]
    assert type(event).__name__ in ("ReporterDataErased", "ObjectorDataErased")
    return event.actor_id, event.actor_role, event.basis, event.reason


def test_personal_data_is_erased_once_its_retention_ended(
    app: Greenlist, views: Db, clock: SettableClock
) -> None:
    against = agency(app)
    old, recent, still_open = (report(app, against, n, date(2025, 2, 1)) for n in "甲乙丙")
    close(app, old, CLOSED)
    close(app, recent, CLOSED + timedelta(days=2))

    today = CLOSED + timedelta(days=DAYS + 1)  # old closed N+1 days ago, recent N-1
    assert sweep_on(app, views, clock, today) == [f"retention:complaint:{old}"]
    with pytest.raises(Erased):
        reporter_name(app, old)
    assert reporter_name(app, recent) == "乙"
    assert reporter_name(app, still_open) == "丙"
    reason = f"保存期满 / retention of {DAYS} days ended"
    assert erasure(app, old) == ("scheduler", "system", "retention", reason)
    assert app.read_complaint(s.INSPECTOR, old)["erased_because"] == reason

    size = s.log_size(app)
    assert sweep_on(app, views, clock, today) == []  # run again: nothing recorded
    assert s.log_size(app) == size

    later = CLOSED + timedelta(days=DAYS + 3)
    assert sweep_on(app, views, clock, later) == [f"retention:complaint:{recent}"]
    assert sweep_on(app, views, clock, later + timedelta(days=3 * 365)) == []
    assert reporter_name(app, still_open) == "丙"  # never while the report is open


def test_an_objection_s_retention_runs_from_its_decision(
    app: Greenlist, views: Db, clock: SettableClock
) -> None:
    decided, pending = objections(app, "王四", "李五")
    decided_at = s.at(date(2025, 9, 10))
    decide(app, decided, decided_at)
    day = local_date(decided_at) + timedelta(days=DAYS)
    assert sweep_on(app, views, clock, day - timedelta(days=1)) == []
    assert sweep_on(app, views, clock, day) == [f"retention:objection:{decided}"]
    with pytest.raises(Erased):
        objector_name(app, decided)
    assert erasure(app, decided)[1:3] == ("system", "retention")
    assert objector_name(app, pending) == "李五"


def test_the_scheduler_erases_as_the_system_once_a_date(
    app: Greenlist, views: Db, clock: SettableClock
) -> None:
    against = agency(app)
    complaint = report(app, against, "甲", date(2025, 2, 1))
    close(app, complaint, CLOSED)
    clock.set(s.at(CLOSED + timedelta(days=DAYS), 9))
    sweeper = Sweeper(app, views, name="test-scheduler", retention_days=DAYS)
    sweeper.setup()
    [outcome] = [o for o in sweeper.run_today() if o.kind == "retention"]
    assert (outcome.result, outcome.position is not None) == ("recorded", True)
    assert sweeper.run_today() == []  # the same date: the query is not run again
    view = app.read_complaint(s.INSPECTOR, complaint)
    assert view["erased_on"] is not None
    with pytest.raises(Erased):
        reporter_name(app, complaint)
    off = Sweeper(app, views, name="no-retention")  # not configured: erases nothing
    off.setup()
    assert off.run_until(CLOSED + timedelta(days=10 * DAYS)) == []
