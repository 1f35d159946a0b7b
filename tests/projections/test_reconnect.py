"""A following runner survives its database (issue 9, item 5): its connections dropped in the
middle of batches, or PostgreSQL restarted under it, it waits, reconnects and goes on from its
tracking positions, and ends with the rows of a clean build: no event skipped, none applied
twice (append-only tables would hold a row twice, counters would count it twice)."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, suppress
from datetime import UTC, datetime
from itertools import islice
from typing import Any

import psycopg
import pytest

from domain.clock import SettableClock
from domain.errors import GreenlistError
from domain.service import Greenlist
from domain.values import Level
from greenlist.config import build_service, views_db
from projections.catalogue import all_projections
from projections.engine.batch import Remembered
from projections.engine.db import Db, Tx
from projections.engine.outage import Backoff, store_unreachable
from projections.engine.projection import Projection
from projections.engine.runner import Runner
from simulation import scenarios as s
from tests.on_time import on_time
from tests.projections.test_crash_safety import (
    assert_same_rows,
    fresh_schema,
    positions,
    record_history,
)
from tests.throwaway_postgres import Cluster

QUICK = Backoff(initial=0.01, maximum=0.2)
TIMEOUT = 90.0


def drop_connections(server_url: str, application_name: str) -> int:
    """End every session of this application name (pg_terminate_backend), waiting until each
    is gone; from a session of another name."""
    with psycopg.connect(server_url, autocommit=True, application_name="dropper") as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
            "WHERE application_name = %s AND pid <> pg_backend_pid()",
            (application_name,),
        ).fetchall()
    return len(rows)


class Dropping(Runner):
    """A runner whose connections, and the event store's, are all dropped in the middle of
    every `every`-th batch: its rows and the read models' positions written, not committed."""

    every = 3
    server_url = ""
    application_name = ""
    dropped = 0
    batches = 0

    def _apply(
        self,
        tx: Tx,
        projections: Any,
        suffix: str,
        events: list[tuple[int, Any]],
        expected: int | None = None,
        remembered: Remembered | None = None,
    ) -> None:
        super()._apply(tx, projections, suffix, events, expected, remembered)
        self.batches += 1
        if self.batches % self.every == 0:
            self.dropped += drop_connections(self.server_url, self.application_name)


def following(
    runner: Runner, stack: ExitStack, poll: float = 0.05
) -> tuple[threading.Event, threading.Thread]:
    """The runner following the log in a thread, stopped when `stack` closes (at the latest)."""
    stop = threading.Event()
    thread = threading.Thread(target=runner.follow, args=(stop, poll), daemon=True)
    thread.start()
    stack.callback(thread.join, TIMEOUT)
    stack.callback(stop.set)
    return stop, thread


def wait_until_caught_up(runner: Runner, db: Db, app: Greenlist, thread: threading.Thread) -> None:
    deadline = time.monotonic() + TIMEOUT
    names = {p.name for p in all_projections()}
    while True:
        assert thread.is_alive(), f"the runner died: {runner.state} {runner.error}"
        try:  # the store's and the views' connections may just have been dropped
            head = int(app.recorder.max_notification_id() or 0)
            at = positions(db)
        except Exception as error:  # (the store's: once all ten retries met dropped ones)
            if not store_unreachable(error):
                raise
            head, at = -1, {}
        if all(at.get(n) == head for n in names):
            return
        assert time.monotonic() < deadline, f"not caught up with {head}: {at} ({runner.state})"
        time.sleep(0.1)


def clean_build(app: Greenlist, stack: ExitStack, server_url: str) -> Db:
    """Every read model built from zero, undisturbed, in a schema of its own."""
    db = views_db(stack.enter_context(fresh_schema(server_url)))
    stack.callback(db.close)
    Runner(app, db, all_projections()).catch_up()
    return db


def more_acts(app: Greenlist, clock: SettableClock, first: int, count: int) -> None:
    """Units registered, cultivated and evaluated while the runner follows. An act whose
    connection is dropped during its commit may be recorded all the same: the library tries
    it again and finds it done (AlreadyExists, ConcurrentUpdate); the unit's next acts are
    then left out."""
    clock.set(datetime(2026, 5, 2, tzinfo=UTC))
    for i in range(first, first + count):
        code = s.credit_code(5000 + i, list(s.ALL_QUOTAS)[i % 11])
        with suppress(GreenlistError):
            s.register_and_cultivate(app, code)
            s.evaluate(app, code, Level.PROVINCIAL)


@pytest.fixture
def service_with(
    clock: SettableClock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[str], tuple[Greenlist, str]]]:
    """`service_with(url)`: the service on a store, every connection of this test named by an
    application name of its own (so that exactly they can be dropped), with a history."""
    name = f"greenlist-test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("PGAPPNAME", name)
    apps: list[Greenlist] = []

    def make(url: str) -> tuple[Greenlist, str]:
        app = build_service(url, clock)
        apps.append(app)
        record_history(on_time(app), clock, listed=20, more=5)  # acts at their dates
        return app, name

    yield make
    for app in apps:
        app.close()


@pytest.mark.postgres
def test_a_runner_whose_connections_drop_in_the_middle_of_batches_resumes_from_tracking(
    postgres_schema: str, postgres_url: str, clock: SettableClock, service_with: Any
) -> None:
    app, name = service_with(postgres_schema)
    with ExitStack() as stack:
        db = views_db(postgres_schema)
        stack.callback(db.close)
        runner = Dropping(app, db, all_projections(), batch_size=40, backoff=QUICK)
        runner.server_url, runner.application_name = postgres_url, name
        stop, thread = following(runner, stack)
        more_acts(app, clock, 0, 20)  # recorded while the runner follows, drops and all
        wait_until_caught_up(runner, db, app, thread)
        stop.set()
        thread.join(TIMEOUT)

        assert runner.dropped >= 3 and runner.reconnects >= 3, (runner.dropped, runner.reconnects)
        assert runner.state == "stopped", runner.error
        assert_same_rows(db, clean_build(app, stack, postgres_url))


@pytest.mark.postgres
def test_a_following_runner_outlives_restarts_of_postgresql(
    throwaway: Cluster, clock: SettableClock, service_with: Any
) -> None:
    with ExitStack() as stack:
        url = stack.enter_context(throwaway.schema())
        app, _ = service_with(url)
        db = views_db(url)
        stack.callback(db.close)
        runner = Runner(app, db, all_projections(), batch_size=40, backoff=QUICK)
        stop, thread = following(runner, stack)
        wait_until_caught_up(runner, db, app, thread)
        for i, mode in enumerate(("fast", "immediate")):
            throwaway.stop(mode)
            deadline = time.monotonic() + 10  # the runner finds the server gone and waits
            while runner.state != "reconnecting" and time.monotonic() < deadline:
                time.sleep(0.05)  # (a fixed half second was too short on a loaded machine)
            assert runner.state == "reconnecting" and thread.is_alive(), runner.state
            throwaway.start()
            more_acts(app, clock, 100 * (i + 1), 10)
            wait_until_caught_up(runner, db, app, thread)
        stop.set()
        thread.join(TIMEOUT)

        assert runner.reconnects >= 2
        assert_same_rows(db, clean_build(app, stack, throwaway.url))


def test_the_backoff_doubles_from_its_first_wait_to_its_bound_with_jitter() -> None:
    waits = list(islice(Backoff(initial=0.1, maximum=5.0, jitter=0.2).delays(), 12))
    nominal = [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0]
    for wait, expected in zip(waits, nominal, strict=True):
        assert expected * 0.8 <= wait <= expected * 1.2
    assert len(set(waits)) == len(waits)  # spread: runners do not come back in step


@pytest.mark.stores("sqlite", "postgres")
def test_a_bug_is_not_an_outage_the_runner_fails_and_says_why(
    store_url: str, app: Greenlist, clock: SettableClock, views: Db
) -> None:
    class Broken(Projection):
        name = "broken"
        tables = ()

        def process(self, events: Any, batch: Any) -> None:
            raise KeyError("a bug")

    s.register_agency(app, 801, "张三")
    runner = Runner(app, views, [Broken()], backoff=QUICK)
    stop = threading.Event()
    with pytest.raises(KeyError):
        runner.follow(stop, 0.01)
    assert runner.state == "failed" and runner.error == "KeyError: 'a bug'"
    assert runner.reconnects == 0
