"""Wiring of the scheduler: `greenlist scheduler` (the APScheduler process), `greenlist tick
--until DATE` (every due job, date by date, up to DATE) and the sweeper that the test clock
drives in the web process."""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date

from domain.clock import Clock
from domain.service import Greenlist
from domain.values import local_date
from greenlist import identity_key, token_secret, vault
from greenlist.arguments import day
from greenlist.config import SystemClock, build_service, views_db
from greenlist.settings import Settings
from greenlist.vlog import keys as log_keys
from greenlist.vlog.checkpoints import write_checkpoint
from projections.engine.db import Db
from scheduler import process
from scheduler.sweeper import Outcome, Sweeper


def sweeper_for(app: Greenlist, db: Db, retention_days: int | None = None) -> Sweeper:
    """A set-up sweeper; `retention_days` (GREENLIST_REPORT_RETENTION_DAYS) also erases the
    personal data whose retention ended (issue 14 item 3)."""
    sweeper = Sweeper(app, db, retention_days=retention_days)
    sweeper.setup()
    return sweeper


def _service(settings: Settings, clock: Clock) -> tuple[Greenlist, Db]:
    """The service for a process that writes beside others: its cached copies are checked
    against the store before use, unless configured otherwise (greenlist.settings)."""
    settings = settings.with_checked_cache()
    return build_service(clock=clock, settings=settings), views_db(settings.store)


def run_scheduler(args: argparse.Namespace, settings: Settings) -> int:
    """`greenlist scheduler`: sweep now (catching up on whatever fell due while down), then
    every `--interval` seconds and just after each local midnight, until SIGTERM or SIGINT.
    `settings`: the process's, read by `greenlist` (its `--database-url` applied)."""
    try:  # a production deployment is configured whole (issue 9, item 1)
        token_secret.required(settings)
        identity_key.required_for_server(settings)
        vault.required_for_server(settings)
    except (token_secret.SecretRefused, identity_key.KeyRequired, vault.KeyRequired) as refused:
        print(refused, file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # not a line per sweep
    app, db = _service(settings, SystemClock())
    try:
        periodic = checkpointing(app, settings)
        sweeper = Sweeper(app, db, retention_days=settings.report_retention_days)
        return process.run(sweeper, args.interval, periodic=periodic)
    finally:
        db.close()
        app.close()


def checkpointing(app: Greenlist, settings: Settings) -> list[process.Periodic]:
    """Sign a checkpoint of the log at start and every `GREENLIST_CHECKPOINT_INTERVAL` seconds
    (default 3600; 0 turns it off) when a signing key is configured (or was generated for
    this store by the demo); without a key the scheduler says so once and does not sign."""
    seconds = settings.checkpoint_interval
    if seconds <= 0:
        return []
    try:
        key = log_keys.signer(settings)
    except log_keys.KeyUnavailable as missing:
        logging.getLogger(__name__).warning("no checkpoints will be signed: %s", missing)
        return []
    directory = log_keys.witness_dir(settings)

    def sign() -> None:
        checkpoint = write_checkpoint(app.recorder, key, directory)
        logging.getLogger(__name__).info("checkpoint of %d leaves", checkpoint.size)

    return [process.Periodic("checkpoint", sign, seconds)]


def run_tick(args: argparse.Namespace, settings: Settings) -> int:
    """`greenlist tick --until DATE`: every job due up to DATE, date by date, now. DATE may not
    lie after today (Asia/Shanghai): the system records only what has happened."""
    clock = SystemClock()
    today = local_date(clock.now())
    until: date = args.until
    if until > today:
        print(
            f"--until {until} 晚于今天 {today}：只能处理已到期的事项 / "
            f"{until} is after today ({today}): only what is already due can be handled",
            file=sys.stderr,
        )
        return 2
    app, db = _service(settings, clock)
    try:
        sweeper = sweeper_for(app, db, settings.report_retention_days)
        outcomes = sweeper.run_until(until)
    finally:
        db.close()
        app.close()
    report(outcomes, until)
    return 0


def report(outcomes: list[Outcome], until: date) -> None:
    for o in outcomes:
        position = f" at {o.position}" if o.position else ""
        print(f"{o.due_on}  {o.kind:<9} {o.result:<9}{position}  {o.deadline_id}  {o.message}")
    recorded = sum(o.result == "recorded" for o in outcomes)
    print(f"until {until}: {len(outcomes)} deadlines handled, {recorded} with new events")


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    scheduler_cmd = commands.add_parser("scheduler", help="run the deadlines scheduler")
    scheduler_cmd.add_argument(
        "--interval", type=float, default=process.DEFAULT_INTERVAL, help="seconds between sweeps"
    )
    scheduler_cmd.add_argument("--database-url", default=None)
    tick_cmd = commands.add_parser("tick", help="run every due job up to a date, date by date")
    tick_cmd.add_argument("--until", type=day, required=True, help="YYYY-MM-DD")
    tick_cmd.add_argument("--database-url", default=None)
