"""The web process: the service, its read side and the HTTP API, wired from the environment.
With the embedded default the projection runners follow the log in this same process."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from flask import Flask

from api.app import create_app
from api.limits import DEFAULT_FILING_LIMIT
from domain.clock import Clock, SettableClock
from domain.values import local_date
from greenlist import token_secret
from greenlist.config import (
    SystemClock,
    build_service,
    database_url,
    ready_max_lag,
    token_max_lifetime,
)
from greenlist.runtime import InProcessRunner, read_side
from greenlist.scheduling import sweeper_for
from scheduler.sweeper import Sweeper

log = logging.getLogger(__name__)


def clock_moved(sweeper: Sweeper) -> Callable[[datetime], list[dict[str, Any]]]:
    """What the test clock calls once moved: the scheduler catches up to the new instant,
    date by date, before the clock call returns (issue: the scheduler, GREENLIST_TEST_CLOCK)."""

    def catch_up(instant: datetime) -> list[dict[str, Any]]:
        return [asdict(o) for o in sweeper.run_until(local_date(instant))]

    return catch_up


def make_app(url: str | None = None, clock: Clock | None = None, follow: bool = True) -> Flask:
    """`GREENLIST_DATABASE_URL` chooses the store, `GREENLIST_JWT_SECRET` signs tokens (the
    app refuses to start without one, greenlist.token_secret, except with the test clock),
    `GREENLIST_TOKEN_MAX_HOURS` bounds a token's lifetime (default 24),
    `GREENLIST_TEST_CLOCK=1` enables PUT /api/v1/test/clock (tests and demos only),
    `GREENLIST_FILING_LIMIT` bounds real-name reports per client (default
    "5 per minute;50 per day") and `GREENLIST_RATE_LIMIT_STORAGE` says where the counts live
    (default `memory://`: per process; see api.limits)."""
    url = url or database_url()
    test_clock = os.environ.get("GREENLIST_TEST_CLOCK") == "1"
    if clock is None:
        clock = SettableClock(datetime.now(UTC)) if test_clock else SystemClock()
    secret = token_secret.for_service(url, generate=test_clock)
    service = build_service(url, clock)
    side = read_side(service, url)
    app = create_app(
        service,
        side.db,
        secret,
        [p.name for p in side.runner.projections],
        test_clock,
        token_max_lifetime=token_max_lifetime(),
        filing_limit=os.environ.get("GREENLIST_FILING_LIMIT", DEFAULT_FILING_LIMIT),
        limit_storage=os.environ.get("GREENLIST_RATE_LIMIT_STORAGE", "memory://"),
        ready_max_lag=ready_max_lag(),
    )
    app.extensions["greenlist_runner"] = side.runner
    if test_clock:
        app.extensions["greenlist_clock_moved"] = clock_moved(sweeper_for(service, side.db))
    if follow:
        runner = InProcessRunner(side.runner)
        runner.__enter__()
        app.extensions["greenlist_in_process_runner"] = runner
    return app
