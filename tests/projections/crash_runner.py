"""A projection runner to be killed: run by test_crash_safety in a child process.

    python -m tests.projections.crash_runner STORE_URL VIEWS_URL catch_up|rebuild BATCH_SIZE STOP

It runs every read model of the catalogue on the events of STORE_URL into the views of
VIEWS_URL. When the STOP-th batch of one read model has been written (flushed in the open batch
transaction, before the tracking position is written and the transaction commits), it prints
`flushed STOP` and waits, so that the test kills it in the middle of that batch."""

from __future__ import annotations

import sys
import time

from greenlist.config import build_service, views_db
from projections.catalogue import all_projections
from projections.engine.batch import Batch
from projections.engine.runner import Runner

WAIT = 600.0
"""Seconds to wait for the kill; the test fails long before."""


def stop_after(flushes: int) -> None:
    """Make the `flushes`-th `Batch.flush` of this process announce itself and hang."""
    flush = Batch.flush
    done = 0

    def flush_then_hang(self: Batch) -> None:
        nonlocal done
        flush(self)
        done += 1
        if done == flushes:
            print(f"flushed {done}", flush=True)
            time.sleep(WAIT)
            sys.exit("not killed")

    Batch.flush = flush_then_hang  # type: ignore[method-assign]


def main(store_url: str, views_url: str, mode: str, batch_size: str, stop: str) -> None:
    app = build_service(store_url)
    db = views_db(views_url)
    runner = Runner(app, db, all_projections(), batch_size=int(batch_size))
    stop_after(int(stop))
    print("started", flush=True)
    if mode == "rebuild":
        runner.rebuild()
    else:
        runner.catch_up()
    sys.exit("reached the head without being killed")


if __name__ == "__main__":
    main(*sys.argv[1:])
