"""A runner following the log: it applies what is new, then waits for more (LISTEN/NOTIFY on
PostgreSQL, polling on SQLite), until told to stop.

It survives its database (issue 9, item 5): when the store cannot be reached (PostgreSQL
restarted, a connection dropped) it waits (`Backoff`: 0.1 s doubling to 5 s by default, with
jitter), reconnects and goes on from the tracking positions. Nothing is skipped or applied
twice: a batch's rows and its position are committed together or not at all, and each batch
re-reads the positions inside its transaction. Any other error is a bug: the runner fails
(`state`) and raises it, rather than retry it forever."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import psycopg

from domain.service import Greenlist
from projections.engine.db import Db
from projections.engine.outage import Backoff, store_unreachable

log = logging.getLogger("projections.engine.runner")


class Following:
    """What `Runner` does to follow the log (mixed into it)."""

    app: Greenlist
    db: Db
    backoff: Backoff
    state: str
    """idle, following, reconnecting (the store is unreachable), stopped or failed."""
    error: str | None
    """What made it reconnect (while reconnecting) or fail."""
    reconnects: int

    if TYPE_CHECKING:

        def run_once(self) -> int: ...

    def follow(self, stop: threading.Event, poll: float = 0.2) -> None:
        """Catch up, then apply new events as they are recorded, until `stop` is set. While
        the store cannot be reached, wait with backoff and try again, from the tracking
        positions; any other error is a bug: the runner fails (`state`) and raises it."""
        delays: Iterator[float] | None = None
        try:
            while not stop.is_set():
                try:
                    for _ in self._rounds(stop, poll):
                        delays = None
                        if self.state == "reconnecting":
                            log.warning("store reachable again: following the log")
                        if self.state != "following":
                            self._became("following")
                except Exception as error:
                    if not store_unreachable(error):
                        self._became("failed", error)
                        log.exception("projection runner failed")
                        raise
                    delays = delays or self.backoff.delays()
                    wait = next(delays)
                    self.reconnects += 1
                    self._became("reconnecting", error)
                    log.warning("store unreachable (%s): reconnecting in %.2f s", error, wait)
                    stop.wait(wait)
        finally:
            if self.state != "failed":
                self._became("stopped")

    def _became(self, state: str, error: BaseException | None = None) -> None:
        self.state = state
        self.error = None if error is None else f"{type(error).__name__}: {error}"

    def _rounds(self, stop: threading.Event, poll: float) -> Iterator[None]:
        """Apply what is new, then wait for more (or `poll` seconds); yields after each round
        that reached the store. Its LISTEN connection is opened here, so it is opened again
        after a reconnection."""
        listen = self._listener()
        try:
            while not stop.is_set():
                if self.run_once() == 0:
                    yield
                    listen(poll)
                else:
                    yield
        finally:
            close = getattr(listen, "close", None)
            if close:
                close()

    def _listener(self) -> Callable[[float], None]:
        """Wait for a NOTIFY of the events table (PostgreSQL) or simply sleep (SQLite)."""
        channel = getattr(self.app.recorder, "channel_name", None)
        connect = getattr(self.db, "connect", None)
        if channel is None or connect is None:
            return time.sleep
        conn = connect(autocommit=True)
        conn.execute(f'LISTEN "{channel}"')
        return Listener(conn)


class Listener:
    """Waits on a connection that LISTENs for the next NOTIFY, or `timeout` seconds."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn

    def __call__(self, timeout: float) -> None:
        for _ in self.conn.notifies(timeout=timeout, stop_after=1):
            pass

    def close(self) -> None:
        self.conn.close()
