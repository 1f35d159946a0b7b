"""`greenlist scheduler`: APScheduler 3.11 in its own process (never inside web workers), in
Asia/Shanghai, running the sweeper.

APScheduler only says *when to look*: one in-memory interval job (and one just after each
local midnight, when the dates change) runs `Sweeper.run_today()`. What is due comes from the
deadlines read model, so nothing is lost when the process is down: on start the first sweep
runs at once and catches up on every date missed, in order. Jobs never pile up (one instance
at a time, missed runs coalesced, no misfire cut-off: APScheduler's default of one second
would drop a run that started late)."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import FrameType

from apscheduler.schedulers.background import BackgroundScheduler

from domain.values import SHANGHAI
from scheduler.sweeper import Outcome, Sweeper

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 60.0
"""Seconds between sweeps: deadlines are dates, a minute is prompt enough."""


def sweep(sweeper: Sweeper) -> list[Outcome]:
    """One sweep; a failure is logged and retried at the next one (nothing is marked handled
    unless its job finished)."""
    try:
        outcomes = sweeper.run_today()
    except Exception:
        log.exception("the sweep failed; it is retried at the next interval")
        return []
    if outcomes:
        log.info("handled %d deadlines", len(outcomes))
    return outcomes


@dataclass(frozen=True)
class Periodic:
    """Another job the scheduler runs at start and then every `seconds` (e.g. signing a
    checkpoint of the log, issue 10); a failure is logged and tried again next time."""

    name: str
    job: Callable[[], object]
    seconds: float


def _run_periodic(periodic: Periodic) -> None:
    try:
        periodic.job()
    except Exception:
        log.exception("%s failed; it is tried again in %.0f s", periodic.name, periodic.seconds)


def build_scheduler(
    sweeper: Sweeper, interval: float = DEFAULT_INTERVAL, periodic: Sequence[Periodic] = ()
) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=SHANGHAI)
    common = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}
    for extra in periodic:
        scheduler.add_job(
            _run_periodic,
            "interval",
            args=[extra],
            seconds=extra.seconds,
            next_run_time=datetime.now(SHANGHAI),
            id=extra.name,
            name=extra.name,
            **common,
        )
    scheduler.add_job(
        sweep,
        "interval",
        args=[sweeper],
        seconds=interval,
        next_run_time=datetime.now(SHANGHAI),
        id="sweep",
        name="sweep every interval",
        **common,
    )
    scheduler.add_job(
        sweep,
        "cron",
        args=[sweeper],
        hour=0,
        minute=0,
        second=5,
        id="midnight",
        name="sweep after midnight",
        **common,
    )
    return scheduler


def run(
    sweeper: Sweeper,
    interval: float = DEFAULT_INTERVAL,
    stop: threading.Event | None = None,
    periodic: Sequence[Periodic] = (),
) -> int:
    """Run until SIGTERM or SIGINT (or `stop` is set); the running sweep finishes first."""
    stop = stop or threading.Event()

    def stopping(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %d: stopping the scheduler", signum)
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stopping)
        signal.signal(signal.SIGINT, stopping)
    sweeper.setup()
    scheduler = build_scheduler(sweeper, interval, periodic)
    scheduler.start()
    log.info("scheduler started (every %.0f s, Asia/Shanghai)", interval)
    try:
        stop.wait()
    finally:
        scheduler.shutdown(wait=True)
    return 0
