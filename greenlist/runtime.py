"""Wiring of the read side: the views' database and the runners, in-process or standalone."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta

from domain.service import Greenlist
from greenlist.config import SystemClock, build_service, views_db
from greenlist.settings import Settings, settings_or_env
from projections.catalogue import all_projections
from projections.engine.db import Db
from projections.engine.outage import Backoff
from projections.engine.rebuilding import Rebuilding
from projections.engine.runner import Runner


@dataclass
class ReadSide:
    """The views' database and a runner over every read model."""

    db: Db
    runner: Runner

    def close(self) -> None:
        self.db.close()


def read_side(app: Greenlist, url: str | None = None, settings: Settings | None = None) -> ReadSide:
    """The views' database and a runner over every read model, which reconnects with the
    configured backoff (`GREENLIST_RECONNECT_*`) when the store cannot be reached. A process
    passes its settings; without them they are read from the environment, `url` naming the
    store."""
    settings = settings_or_env(settings, url)
    db = views_db(settings.store)
    backoff = Backoff(initial=settings.reconnect_initial, maximum=settings.reconnect_max)
    workers = RebuildWorkers(settings) if settings.store.kind == "postgres" else None
    return ReadSide(db, Runner(app, db, all_projections(), backoff=backoff, workers=workers))


@dataclass(frozen=True)
class RebuildWorkers:
    """A rebuild's other processes (projections.engine.rebuilding): each builds the service
    and the views' database from these settings and a runner over its share of the read
    models. PostgreSQL only: an in-memory store is this process's own, and SQLite has one
    writer at a time."""

    settings: Settings

    def __call__(self, names: Sequence[str]) -> Runner:
        app = build_service(clock=SystemClock(), settings=self.settings)
        db = views_db(self.settings.store)
        return Runner(app, db, [p for p in all_projections() if p.name in names])

    def close(self, runner: Rebuilding) -> None:
        runner.db.close()
        runner.app.close()


class InProcessRunner:
    """The runner following the log in a background thread of the service's own process, as
    with the embedded default, so that one command shows live lists. It outlives restarts of
    the store (`Runner.follow` reconnects); it dies only of a bug, which `/health/ready`
    reports."""

    def __init__(self, runner: Runner, poll: float = 0.1) -> None:
        self.runner = runner
        self.stop = threading.Event()
        self.thread = threading.Thread(
            target=self._follow, args=(poll,), name="projections", daemon=True
        )

    def _follow(self, poll: float) -> None:
        with suppress(Exception):  # a bug: logged by the runner, its state says "failed"
            self.runner.follow(self.stop, poll)

    def __enter__(self) -> InProcessRunner:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join(timeout=10)

    @property
    def alive(self) -> bool:
        """Following the log, or waiting to reconnect to it: its thread runs."""
        return self.thread.is_alive()

    @property
    def state(self) -> str:
        return self.runner.state

    @property
    def error(self) -> str | None:
        return self.runner.error


class ProgressBar:
    """A rebuild's progress on standard error, on one line rewritten in place:
    `[#####.....] 123,456/654,321 events, 12,345 events/s, ETA 0:00:42` (the rate since the
    first call; the time left at that rate), and a new line once done. A long rebuild (20 M
    events take tens of minutes) says how far it is and when it will end."""

    def __init__(
        self, width: int = 40, clock: Callable[[], float] = time.monotonic, what: str = "events"
    ) -> None:
        self.width = width
        self.clock = clock
        self.what = what
        """What is counted: events (a rebuild), rows (an import)."""
        self.started: float | None = None
        self.first = 0

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if self.started is None:
            self.started, self.first = now, done
        filled = self.width * done // total if total else self.width
        line = f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done:,}/{total:,} {self.what}"
        elapsed, moved = now - self.started, done - self.first
        if elapsed > 0 and moved > 0:
            rate = moved / elapsed
            left = timedelta(seconds=round(max(total - done, 0) / rate))
            line += f", {rate:,.0f} {self.what}/s, ETA {left}"
        sys.stderr.write(line)
        sys.stderr.flush()
        if done >= total:
            sys.stderr.write("\n")
