"""A deadline whose job meets a stored record it cannot decode (issue 9 item 7) is no refusal:
the sweep fails (the scheduler process logs it and tries again at its next interval) and the
deadline stays due, so that it runs once the record can be read, instead of being noted as
handled and never running again."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from psycopg import sql

from domain.aggregates.unit import unit_id
from domain.clock import SettableClock
from domain.errors import UndecodableEvent
from domain.service import Greenlist
from domain.values import Level, local_midnight
from greenlist.config import build_service
from projections.engine.db import Db
from scheduler.sweeper import Sweeper, handled
from simulation import scenarios as s

pytestmark = pytest.mark.stores("sqlite", "postgres")


def break_snapshots(app: Greenlist, code: str) -> None:
    """Overwrite the unit's snapshots with bytes that are no JSON (a damaged row: snapshots are
    no part of the log, and nothing in the log is touched)."""
    recorder: Any = app.snapshots.recorder
    uid = unit_id(code)
    with recorder.datastore.transaction(commit=True) as cursor:
        if hasattr(recorder.datastore, "schema"):  # PostgreSQL
            cursor.execute(
                sql.SQL("UPDATE {}.{} SET state = %s WHERE originator_id = %s").format(
                    sql.Identifier(recorder.datastore.schema),
                    sql.Identifier(recorder.events_table_name),
                ),
                (b'{"broken', uid),
            )
        else:
            cursor.execute(
                f"UPDATE {recorder.events_table_name} SET state = ? WHERE originator_id = ?",
                (b'{"broken', uid.hex),
            )
    (snapshot,) = app.snapshots.recorder.select_events(uid)
    assert snapshot.state == b'{"broken'


def test_a_deadline_of_a_unit_that_cannot_be_read_stays_due(
    app: Greenlist, views: Db, clock: SettableClock, store_url: str
) -> None:
    code = s.credit_code(40)
    s.list_provincially(app, code)
    s.evaluate(app, code, Level.NATIONAL)  # its tenth event: a snapshot
    break_snapshots(app, code)
    fresh = build_service(store_url, clock)  # a scheduler process that has no copy in memory
    try:
        sweeper = Sweeper(fresh, views, name="fresh-scheduler")
        sweeper.setup()
        clock.set(local_midnight(date(2026, 4, 16)).replace(second=1))
        with pytest.raises(UndecodableEvent) as caught:
            sweeper.run_today()
        assert caught.value.aggregate_id == str(unit_id(code))
        assert not [h for h in handled(views) if h["kind"] == "form"]
    finally:
        fresh.close()
