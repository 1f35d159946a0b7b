"""The national follower: one process following several provinces' notification logs, one
tracking position per province, writing the national read models exactly once.

For each upstream (a province's store, named by the operator: `ZJ`, `330000` ...) a
`ProvinceFollower` reads the province's log after the position it tracks for that name, in
batches (`select_notifications`, as every read model does: projections.engine.reading), and
applies each batch in one transaction of the national database: under the province's lock
(projections.engine.tracking.lock) it re-reads the tracked position, applies only the events
after it, recomputes the province's counts and writes the new position. Killed at any moment,
it leaves each province at a batch boundary; restarted, it goes on from the tracking rows:
nothing doubled, nothing skipped. Two followers of the same province at once are safe (the
second waits for the lock, then skips what the first applied), though one is enough.

Provinces are independent: their rows never share a key (the province leads every key) and each
has its own lock and tracking row, so `NationalFollower.follow` runs one thread per province;
within a province the follower is sequential, in log order, as the log must be read. The
provincial stores are only read: no table is created upstream, nothing is written there, and a
read replica of a province's database serves as well as its primary (it is then polled: a hot
standby takes no LISTEN). Reconnection when a province or the national database is unreachable
is the engine's (projections.engine.following)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import psycopg

from domain.service import Greenlist
from projections.engine.db import Db, Tx
from projections.engine.following import Following, Listener
from projections.engine.outage import Backoff
from projections.engine.reading import Events, read_events, reader
from projections.engine.remembered import Remembered
from projections.engine.tables import create_tables
from projections.engine.tracking import lock
from projections.national.models import (
    MODELS_VERSION,
    TRACKING,
    NationalTables,
    apply,
    remembering,
)
from projections.values import NATIONAL

log = logging.getLogger("projections.national")


class NationalModelsChanged(RuntimeError):
    """The national tables were built by read models of another shape (their `version`): they
    must be built again from zero (`greenlist national reset`, then follow)."""


@dataclass
class Upstream:
    """A province's store as the follower reads it: its name (the province's code or short
    name, given by the operator with its URL), the service on it (only its recorder and mapper
    are used: the log is read, never written) and, on PostgreSQL, the connection string on
    which to LISTEN for new events (None: poll)."""

    name: str
    app: Greenlist
    listen_conninfo: str | None = None

    def head(self) -> int:
        return int(self.app.recorder.max_notification_id() or 0)


class ProvinceFollower(Following):
    """Follows one province's log into the national database (the engine's `Following` loop:
    catch up, wait for more, reconnect with backoff). It remembers the rows its batches wrote,
    as a rebuild does, and reads them from the tables again only when another follower wrote
    the province meanwhile or a batch failed."""

    remember_rows = 200_000
    """Rows remembered per province (a few hundred bytes each); then forgotten and read."""

    def __init__(
        self, upstream: Upstream, db: Db, batch_size: int = 2000, backoff: Backoff | None = None
    ) -> None:
        self.upstream = upstream
        self.app = upstream.app
        self.db = db
        self.batch_size = batch_size
        self.backoff = backoff or Backoff()
        self.state = "idle"
        self.error = None
        self.reconnects = 0
        self._remembered: Remembered | None = None
        self._left_at = -1
        """The position this follower's last batch left the province at: found there by the
        next batch, nobody else wrote the province meanwhile and what it remembers holds."""

    @property
    def name(self) -> str:
        return self.upstream.name

    def position(self) -> int:
        rows = self.db.query(f"SELECT position FROM {TRACKING} WHERE upstream = ?", (self.name,))
        return int(rows[0]["position"]) if rows else 0

    def _read(self, after: int) -> Events:
        return read_events(self.app, after, self.batch_size)

    def run_once(self) -> int:
        """Apply the next batch of the province's log. Returns the events read."""
        events = self._read(self.position())
        if events:
            self._apply(events)
        return len(events)

    def _apply(self, events: Events) -> None:
        """One batch in one transaction: what is after the tracked position, and the new one."""
        head = max(self.upstream.head(), events[-1][0])
        try:
            with self.db.transaction() as tx:
                lock(tx, NATIONAL + self.name)
                done = tracked(tx, self.name)
                if done != self._left_at or self._remembered is None:
                    self._remembered = remembering(self.remember_rows, empty=done == 0)
                todo = [(position, event) for position, event in events if position > done]
                self._left_at = todo[-1][0] if todo else done
                if todo:
                    apply(tx, self.name, todo, self._remembered)
                    tx.execute(
                        f"UPDATE {TRACKING} SET position = ?, head = ?, events = events + ?, "
                        "followed_at = ? WHERE upstream = ?",
                        (todo[-1][0], head, len(todo), time.time_ns() // 1000, self.name),
                    )
        except BaseException:
            self._remembered, self._left_at = None, -1  # it may hold rows never committed
            raise

    def catch_up(self) -> int:
        """Apply every batch up to the head of the province's log, reading (and decoding) the
        next batch while the current one is written (engine.reading.reader, as a rebuild)."""
        total = 0
        with reader(self._read, ahead=True) as read:
            pending = read(self.position())
            while events := pending():
                pending = read(events[-1][0])
                self._apply(events)
                total += len(events)
        return total

    def _listener(self) -> Callable[[float], None]:
        """Wait for a NOTIFY of the province's events table, on the province's database (the
        engine's listener listens on the views' database, which here is the national one); poll
        where there is none to listen to or LISTEN is refused (a hot standby replica)."""
        channel = getattr(self.app.recorder, "channel_name", None)
        conninfo = self.upstream.listen_conninfo
        if channel is None or conninfo is None:
            return time.sleep
        conn = psycopg.connect(conninfo, autocommit=True, connect_timeout=5)
        try:
            conn.execute(f'LISTEN "{channel}"')
        except psycopg.Error as refused:
            conn.close()
            log.info("%s: no LISTEN on its database (%s): polling", self.name, refused)
            return time.sleep
        return Listener(conn)


def tracked(tx: Tx, upstream: str) -> int:
    rows = tx.fetchall(f"SELECT position FROM {TRACKING} WHERE upstream = ?", (upstream,))
    return int(rows[0]["position"]) if rows else 0


class NationalFollower:
    """The national read side: a `ProvinceFollower` per upstream, over one national database."""

    def __init__(
        self,
        upstreams: Sequence[Upstream],
        db: Db,
        batch_size: int = 2000,
        backoff: Backoff | None = None,
    ) -> None:
        names = [u.name for u in upstreams]
        if len(set(names)) != len(names):
            raise ValueError(f"each upstream needs a name of its own: {names}")
        self.db = db
        self.followers = [ProvinceFollower(u, db, batch_size, backoff) for u in upstreams]
        self.setup()

    def setup(self) -> None:
        """Create the national tables and a tracking row per upstream (at position 0); refuse
        tables built by models of another shape."""
        with self.db.transaction() as tx:
            lock(tx, TRACKING)
            tx.execute(
                f"CREATE TABLE IF NOT EXISTS {TRACKING} (upstream TEXT PRIMARY KEY, "
                "position BIGINT NOT NULL, head BIGINT NOT NULL, events BIGINT NOT NULL, "
                "followed_at BIGINT, version TEXT NOT NULL)"
            )
            create_tables(tx, NationalTables(), "")
            versions = {r["version"] for r in tx.fetchall(f"SELECT version FROM {TRACKING}")}
            if versions - {MODELS_VERSION}:
                raise NationalModelsChanged(
                    f"the national tables were built by read models {sorted(versions)}, these "
                    f"are {MODELS_VERSION}: run `greenlist national reset`, then follow again"
                )
            for follower in self.followers:
                tx.execute(
                    f"INSERT INTO {TRACKING} (upstream, position, head, events, version) "
                    "VALUES (?, 0, 0, 0, ?) ON CONFLICT (upstream) DO NOTHING",
                    (follower.name, MODELS_VERSION),
                )

    def catch_up(self, parallel: bool = False) -> int:
        """Every province up to the head of its log: one after the other, or each in a thread
        of its own (`parallel`; a failure in one is raised once all have stopped)."""
        if not parallel:
            return sum(follower.catch_up() for follower in self.followers)
        with ThreadPoolExecutor(len(self.followers), thread_name_prefix="national") as pool:
            futures = [pool.submit(follower.catch_up) for follower in self.followers]
        return sum(future.result() for future in futures)

    def follow(self, stop: threading.Event, poll: float = 1.0) -> None:
        """Follow every province at once (a thread each) until `stop` is set; a province
        whose follower fails (a bug, not an outage) stops them all and its error is raised."""
        failures: list[BaseException] = []

        def run(follower: ProvinceFollower) -> None:
            try:
                follower.follow(stop, poll)
            except BaseException as error:
                failures.append(error)
                stop.set()

        threads = [
            threading.Thread(target=run, args=(f,), name=f"national-{f.name}", daemon=True)
            for f in self.followers
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if failures:
            raise failures[0]

    def positions(self) -> dict[str, int]:
        rows = self.db.query(f"SELECT upstream, position FROM {TRACKING}")
        return {r["upstream"]: int(r["position"]) for r in rows}

    def reset(self) -> None:
        """Drop the national tables and the tracking rows: the next follow builds them again
        from zero (after a model changed shape)."""
        reset(self.db)
        self.setup()


def reset(db: Db) -> None:
    """Drop every national table (the tracking rows with them)."""
    with db.transaction() as tx:
        lock(tx, TRACKING)
        for table in NationalTables.tables:
            tx.execute(f"DROP TABLE IF EXISTS {table.name}")
        tx.execute(f"DROP TABLE IF EXISTS {TRACKING}")
