"""The sweeper: claims due deadlines one at a time and runs their jobs, in date order.

What is due comes from the deadlines read model (projections.deadlines), never from
APScheduler's job store. A deadline is claimed inside a transaction of the views' database
that stays open while its job runs: on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so that a
second scheduler takes the next deadline instead of waiting for this one; on SQLite the
transaction is `BEGIN IMMEDIATE`, which lets one writer in at a time. The claim records the
outcome in `deadline_handled` (one row per deadline and due date) in the same transaction, so
that a deadline is handled once even before the read model has seen the job's events; and
should two schedulers still reach the same aggregate, its version check refuses the second
write and the job, run again on the fresh aggregate, finds nothing left to do.

Downtime needs nothing special: whatever fell due while no scheduler ran is simply due at the
next sweep, which handles it date by date, each act carrying its logical date.

Once a date (the first sweep that reaches it), the sweeper also erases the personal data of the
reports and objections whose retention ended (issue 14 item 3; `retention_days`, from
GREENLIST_REPORT_RETENTION_DAYS): found by a query of the service over the log, not from the
deadlines read model; idempotent (an erased one is no longer found, and erasing it again
records nothing), so two schedulers, or a restart, do it at most once in effect."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from typing import Any

from domain.clock import Clock
from domain.errors import ConcurrentUpdate, GreenlistError, UndecodableEvent
from domain.service import Greenlist
from domain.service.base import Receipt
from domain.values import Actor, local_date
from projections.deadlines import KINDS, Deadlines
from projections.engine.db import Db, Tx
from projections.engine.runner import Runner
from scheduler.jobs import JOBS, RETENTION_REASON, SCHEDULER, erase_after_retention

log = logging.getLogger(__name__)

HANDLED = "deadline_handled"
ATTEMPTS = 3
"""A job that loses a race (ConcurrentUpdate) runs again on the fresh aggregate."""

_ORDER = "CASE d.kind " + " ".join(f"WHEN '{k}' THEN {i}" for i, k in enumerate(KINDS)) + " END"
_DUE = (
    "SELECT d.* FROM deadlines d WHERE d.status = 'open' AND d.due_on <= ? "
    f"AND NOT EXISTS (SELECT 1 FROM {HANDLED} h "
    "WHERE h.deadline_id = d.deadline_id AND h.due_on = d.due_on) "
    f"ORDER BY d.due_on, {_ORDER}, d.deadline_id LIMIT 1"
)

_HANDLED_ALREADY = f"SELECT 1 FROM {HANDLED} WHERE deadline_id = ? AND due_on = ?"


@dataclass(frozen=True)
class Outcome:
    """What one job did for one deadline: `recorded` (events written, at `position`),
    `nothing` (already recorded or no longer applies) or `refused` (a rule said no)."""

    deadline_id: str
    kind: str
    due_on: str
    result: str
    position: int | None = None
    message: str = ""


class Sweeper:
    """Runs every job that is due, in order, exactly once across any number of sweepers."""

    def __init__(
        self,
        app: Greenlist,
        db: Db,
        runner: Runner | None = None,
        actor: Actor = SCHEDULER,
        name: str | None = None,
        retention_days: int | None = None,
    ) -> None:
        """`retention_days`: erase personal data that many days after closing (None: this
        sweeper does not)."""
        self.app = app
        self.retention_days = retention_days
        self._retention_ran: date | None = None
        self.db = db
        self.runner = runner or Runner(app, db, [Deadlines()])
        self.actor = actor
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"

    @property
    def clock(self) -> Clock:
        return self.app.clock

    def setup(self) -> None:
        self.runner.setup()
        with self.db.transaction() as tx:
            tx.one_setup_at_a_time(HANDLED)  # two schedulers starting at once: one creates it
            tx.execute(
                f"CREATE TABLE IF NOT EXISTS {HANDLED} (deadline_id TEXT NOT NULL, "
                "due_on TEXT NOT NULL, kind TEXT NOT NULL, result TEXT NOT NULL, "
                "position BIGINT, message TEXT, handled_at TEXT NOT NULL, "
                "handled_by TEXT NOT NULL, PRIMARY KEY (deadline_id, due_on))"
            )

    def run_until(self, until: date) -> list[Outcome]:
        """Handle every deadline due on or before `until`, date by date: after each act the
        read model catches up, so that what an act makes due (next year's form) comes in its
        turn. Then, once a date, the erasures at the end of retention."""
        done = self._deadlines_until(until)
        return done + self._retention_until(until)

    def _retention_until(self, until: date) -> list[Outcome]:
        """Issue 14 item 3: erase what was closed `retention_days` days before `until` or
        earlier and is not erased yet (scheduler.jobs.erase_after_retention)."""
        days = self.retention_days
        if days is None or (self._retention_ran is not None and self._retention_ran >= until):
            return []
        done = []
        for subject in self.app.retention_ended(until, days):
            base = (f"retention:{subject.kind}:{subject.id}", "retention", until.isoformat())
            erase = partial(erase_after_retention, self.app, self.actor, subject, days)
            done.append(self._attempt(base, erase))
            log.info("retention of %s %s: %s", subject.kind, subject.id, done[-1].result)
        self._retention_ran = until
        return [replace(o, message=o.message or RETENTION_REASON.format(days=days)) for o in done]

    def _deadlines_until(self, until: date) -> list[Outcome]:
        self.runner.catch_up()
        done: list[Outcome] = []
        fresh = True  # the read model has caught up since the last claim
        while True:
            outcome = self._claim_and_run(until)
            if outcome is None:
                if fresh:  # a busy log never keeps a sweep going: one catch-up, one look
                    return done
                self.runner.catch_up()
                fresh = True
                continue
            done.append(outcome)
            fresh = False
            if outcome.result == "recorded":
                self.runner.catch_up()
                fresh = True

    def run_today(self) -> list[Outcome]:
        """Everything due up to today's date in Asia/Shanghai, by the service's clock."""
        return self.run_until(local_date(self.clock.now()))

    def _claim_and_run(self, until: date) -> Outcome | None:
        with self._claim(until) as (tx, deadline):
            if deadline is None:
                return None
            outcome = self._run(deadline)
            tx.execute(
                f"INSERT INTO {HANDLED} (deadline_id, due_on, kind, result, position, message, "
                "handled_at, handled_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    outcome.deadline_id,
                    outcome.due_on,
                    outcome.kind,
                    outcome.result,
                    outcome.position,
                    outcome.message,
                    self.clock.now().isoformat(),
                    self.name,
                ),
            )
        log.info("deadline %s due %s: %s", outcome.deadline_id, outcome.due_on, outcome.result)
        return outcome

    @contextmanager
    def _claim(self, until: date) -> Iterator[tuple[Tx, dict[str, Any] | None]]:
        """A views transaction holding the next due deadline (or None) until it ends.

        The deadline locked is looked up again in `deadline_handled` by a statement of its
        own: the claim's `NOT EXISTS` was judged on the statement's snapshot, taken before
        the row was locked, so a deadline another sweeper handled and committed meanwhile
        (its lock released) could be locked and run again, and its outcome's insert then
        failed on the table's key (seen once in CI: two sweepers in threads). A deadline
        found handled is passed over: the next statement's snapshot no longer offers it."""
        with self.db.transaction() as tx:
            locking = " FOR UPDATE OF d SKIP LOCKED" if tx.dialect == "postgres" else ""
            while True:
                found = tx.fetchall(_DUE + locking, (until.isoformat(),))
                deadline = found[0] if found else None
                if deadline is None or not tx.fetchall(
                    _HANDLED_ALREADY, (deadline["deadline_id"], deadline["due_on"])
                ):
                    break
            yield tx, deadline

    def _run(self, deadline: dict[str, Any]) -> Outcome:
        job = JOBS[deadline["kind"]]
        due = date.fromisoformat(deadline["due_on"])
        base = (deadline["deadline_id"], deadline["kind"], deadline["due_on"])
        return self._attempt(base, lambda: job(self.app, self.actor, deadline, due))

    def _attempt(self, base: tuple[str, str, str], act: Callable[[], Receipt | None]) -> Outcome:
        """Run one job's act, again on the fresh aggregate when it lost a race; its outcome."""
        for attempt in range(ATTEMPTS):
            try:
                receipt = act()
            except ConcurrentUpdate:
                if attempt == ATTEMPTS - 1:
                    raise
                continue
            except UndecodableEvent:
                # no refusal: noted as handled, the deadline would never run again once the
                # event can be read; the sweep fails (and is retried), the deadline stays due
                raise
            except GreenlistError as refusal:
                return Outcome(*base, "refused", message=str(refusal))
            if receipt is None:
                return Outcome(*base, "nothing")
            return Outcome(*base, "recorded", receipt.position)
        raise AssertionError("unreachable")


def handled(db: Db) -> list[dict[str, Any]]:
    """Every deadline the schedulers handled, in the order they did."""
    return db.query(f"SELECT * FROM {HANDLED} ORDER BY handled_at, deadline_id")
