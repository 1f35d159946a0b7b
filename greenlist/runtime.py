"""Wiring of the read side: the views' database and the runners, in-process or standalone."""

from __future__ import annotations

import sys
import threading
from contextlib import suppress
from dataclasses import dataclass

from domain.service import Greenlist
from greenlist.config import views_db
from greenlist.settings import Settings, settings_or_env
from projections.catalogue import all_projections
from projections.engine.db import Db
from projections.engine.outage import Backoff
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
    return ReadSide(db, Runner(app, db, all_projections(), backoff=backoff))


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


def progress_bar(done: int, total: int, width: int = 40, what: str = "events") -> None:
    """A progress bar on standard error: [#####.....] 1234/5678 events."""
    filled = width * done // total if total else width
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {what}")
    sys.stderr.flush()
    if done >= total:
        sys.stderr.write("\n")
