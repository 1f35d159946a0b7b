"""A national follower to be killed: run by test_national in a child process.

    python -m tests.projections.national_crash_follower INTO BATCH_SIZE STOP NAME=URL ...

It follows every province given (one thread each, as `greenlist national follow` does) into the
national database INTO. When the STOP-th batch of any province has been applied (its rows
written in the open transaction, before its tracking position is written and the transaction
commits), it prints `applied STOP` and waits, so that the test kills it (SIGKILL) in the middle
of that batch while the other province's thread goes on."""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

from greenlist import national
from projections.engine.db import Tx
from projections.national import NationalFollower
from projections.national import follower as following

WAIT = 600.0
"""Seconds to wait for the kill; the test fails long before."""


def stop_after(batches: int) -> None:
    """Make the `batches`-th batch applied by this process announce itself and hang."""
    apply = following.apply
    done = 0
    lock = threading.Lock()

    def apply_then_hang(tx: Tx, province: str, events: list[tuple[int, Any]], *rest: Any) -> None:
        nonlocal done
        apply(tx, province, events, *rest)
        with lock:
            done += 1
            hang = done == batches
        if hang:
            print(f"applied {batches}", flush=True)
            time.sleep(WAIT)
            sys.exit("not killed")

    following.apply = apply_then_hang


def main(into: str, batch_size: str, stop: str, *provinces: str) -> None:
    upstreams = [national.upstream(n, s) for n, s in national.parse_provinces(list(provinces))]
    follower = NationalFollower(upstreams, national.national_db(into), int(batch_size))
    stop_after(int(stop))
    print("started", flush=True)
    follower.follow(threading.Event(), poll=0.05)


if __name__ == "__main__":
    main(*sys.argv[1:])
