"""The web process: the service, its read side and the HTTP API, wired from its settings.
With the embedded default the projection runners follow the log in this same process."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from flask import Flask

from api.app import create_app
from domain.clock import Clock, SettableClock
from domain.values import local_date
from greenlist import identity_key, token_secret, vault
from greenlist.config import SystemClock, build_service
from greenlist.runtime import InProcessRunner, read_side
from greenlist.scheduling import sweeper_for
from greenlist.settings import Settings, settings_or_env
from scheduler.sweeper import Sweeper

log = logging.getLogger(__name__)


def clock_moved(sweeper: Sweeper) -> Callable[[datetime], list[dict[str, Any]]]:
    """What the test clock calls once moved: the scheduler catches up to the new instant,
    date by date, before the clock call returns (issue: the scheduler, GREENLIST_TEST_CLOCK)."""

    def catch_up(instant: datetime) -> list[dict[str, Any]]:
        return [asdict(o) for o in sweeper.run_until(local_date(instant))]

    return catch_up


def make_app(
    url: str | None = None,
    clock: Clock | None = None,
    follow: bool = True,
    settings: Settings | None = None,
) -> Flask:
    """The web process's root: its settings (greenlist.settings) are those given, else read
    from the environment here, once, with `url` naming the store. `GREENLIST_JWT_SECRET` signs
    tokens (the app refuses to start without one, greenlist.token_secret, except with the test
    clock), `GREENLIST_TEST_CLOCK=1` enables PUT /api/v1/test/clock (tests and demos only); the
    token lifetime, the filing limit and its storage, the readiness lag and the idempotency
    claims' expiry go to the API (api.app.create_app)."""
    settings = settings_or_env(settings, url)
    test_clock = settings.test_clock
    if clock is None:
        clock = SettableClock(datetime.now(UTC)) if test_clock else SystemClock()
    secret = token_secret.for_service(settings, generate=test_clock)
    identity_key.required_for_server(settings)
    vault.required_for_server(settings)
    service = build_service(clock=clock, settings=settings)
    side = read_side(service, settings=settings)
    app = create_app(
        service,
        side.db,
        secret,
        [p.name for p in side.runner.projections],
        test_clock,
        token_max_lifetime=settings.token_max_lifetime,
        filing_limit=settings.filing_limit,
        limit_storage=settings.rate_limit_storage,
        ready_max_lag=settings.ready_max_lag,
        idempotency_claim_seconds=settings.idempotency_claim_seconds,
    )
    app.extensions["greenlist_runner"] = side.runner
    if test_clock:
        app.extensions["greenlist_clock_moved"] = clock_moved(
            sweeper_for(service, side.db, settings.report_retention_days)
        )
    if follow:
        runner = InProcessRunner(side.runner)
        runner.__enter__()
        app.extensions["greenlist_in_process_runner"] = runner
    return app
