"""The runner: reads the event log in batches and applies each batch to a group of read models
in one transaction per batch, with each model's tracking position; then follows new events
(LISTEN/NOTIFY on PostgreSQL, polling on SQLite).

Two runners of the same read model never corrupt it: each batch transaction takes the model's
lock (PostgreSQL advisory lock; SQLite's single writer) and re-reads the model's position inside
it, so the second runner waits, then skips what the first already applied. Of two rebuilds of
the same read model the later one resets the new tables and the earlier one stops
(`RebuildSuperseded`) rather than swap in tables that miss events. An event that cannot be
decoded stops a runner with `UndecodableEvent` (`Runner._read` says why it never skips it).

A following runner survives its database (issue 9, item 5): when the store cannot be reached
(PostgreSQL restarted, a connection dropped) it waits (`Backoff`: 0.1 s doubling to 5 s by
default, with jitter), reconnects and goes on from the tracking positions. Nothing is skipped
or applied twice: a batch's rows and its position are committed together or not at all, and
each batch re-reads the positions inside its transaction."""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from domain.errors import UndecodableEvent
from domain.service import Greenlist
from projections.engine.batch import Batch, Remembered
from projections.engine.db import Db, Tx
from projections.engine.outage import Backoff, store_unreachable
from projections.engine.projection import Projection
from projections.errors import ProjectionsBehind

TRACKING = "projection_tracking"
NEXT = "__next"
Progress = Callable[[int, int], None]
log = logging.getLogger(__name__)


class RebuildSuperseded(RuntimeError):
    """Another rebuild of the same read model started meanwhile (it reset the new tables):
    this one stops, so that no rebuild swaps in tables that miss events."""


class Runner:
    """Keeps a group of read models up to date with the service's event log."""

    remember_rows = 400_000
    """A rebuild remembers up to this many rows of its new tables from one batch to the next
    (batch.Remembered: a few hundred bytes each), instead of reading them again; 0: never."""
    verify_remembered = False
    """Tests: check every remembered row against its table."""
    read_ahead = True
    """A rebuild reads the next batch while it writes the current one (`_reader`)."""
    index_after_load = True
    """A rebuild creates its new tables with their keys only, and their other indexes (which
    only the queries of live tables use) at the swap: built once, not row by row."""

    def __init__(
        self,
        app: Greenlist,
        db: Db,
        projections: Sequence[Projection],
        batch_size: int = 2000,
        backoff: Backoff | None = None,
    ) -> None:
        self.app = app
        self.db = db
        self.projections = list(projections)
        self.batch_size = batch_size
        self.backoff = backoff or Backoff()
        self.state = "idle"
        """idle, following, reconnecting (the store is unreachable), stopped or failed."""
        self.error: str | None = None
        """What made it reconnect (while reconnecting) or fail."""
        self.reconnects = 0
        self.setup()

    # --- tables --------------------------------------------------------------------------

    def setup(self) -> None:
        """Create the tracking table and the live tables of each read model."""
        with self.db.transaction() as tx:
            # PostgreSQL: runners starting at once would race in CREATE TABLE IF NOT EXISTS
            # (UniqueViolation on pg_type), and the DDL on tables that a running runner writes
            # would deadlock with its batch; so take the models' locks, as a batch does (on
            # SQLite, BEGIN IMMEDIATE already serialises them)
            self._lock(tx, TRACKING)
            for projection in sorted(self.projections, key=lambda p: p.name):
                self._lock(tx, projection.name)
            tx.execute(
                f"CREATE TABLE IF NOT EXISTS {TRACKING} (name TEXT PRIMARY KEY, "
                "position BIGINT NOT NULL, version BIGINT NOT NULL)"
            )
            for projection in self.projections:
                self._create_tables(tx, projection, "")
                tx.execute(
                    f"INSERT INTO {TRACKING} (name, position, version) VALUES (?, 0, ?) "
                    "ON CONFLICT (name) DO NOTHING",
                    (projection.name, projection.version),
                )

    def _create_tables(
        self, tx: Tx, projection: Projection, suffix: str, indexes: bool = True
    ) -> None:
        token = secrets.token_hex(3)
        for table in projection.tables:
            if _table_exists(tx, table.name + suffix):
                # its indexes came with it; index names carry a random token (a rebuilt table
                # is renamed into place with its indexes), so creating them again would add
                # duplicates at every start, never match `IF NOT EXISTS`
                continue
            for statement in table.ddl(tx.dialect, table.name + suffix, token, indexes):
                tx.execute(statement)

    def _create_indexes(self, tx: Tx, projection: Projection, suffix: str) -> None:
        token = secrets.token_hex(3)
        for table in projection.tables:
            for statement in table.index_ddl(table.name + suffix, token):
                tx.execute(statement)

    # --- positions -----------------------------------------------------------------------

    def positions(self) -> dict[str, int]:
        rows = self.db.query(f"SELECT name, position FROM {TRACKING}")
        return {r["name"]: int(r["position"]) for r in rows}

    def head(self) -> int:
        return int(self.app.recorder.max_notification_id() or 0)

    def lag(self) -> dict[str, int]:
        """Events not yet applied, per read model (notification ids may have gaps on
        PostgreSQL, so this is an upper bound)."""
        head, positions = self.head(), self.positions()
        return {p.name: max(0, head - positions.get(p.name, 0)) for p in self.projections}

    # --- catching up ---------------------------------------------------------------------

    def _read(self, after: int, limit: int) -> list[tuple[int, Any]]:
        """The next events of the log after a position, decoded, up to the first that cannot
        be decoded. That one stops the runner: the batch returns the events before it (so they
        are applied) and the next read, which starts at it, raises `UndecodableEvent` naming
        its aggregate, version and position.

        Stopping, never skipping (issue 9 item 7): a skipped event would leave the read models
        silently different from the log (a unit missing from a list, a deadline never set),
        and the tracking position would move past it, so that the event would never be
        applied even once the code can read it again (a topic alias or an upcaster). Stopped,
        the read models stay consistent up to the position before it, say how far they are
        behind, and resume from there once it can be read."""
        notifications = self.app.recorder.select_notifications(
            start=after, limit=limit, inclusive_of_start=False
        )
        to_event = self.app.mapper.to_domain_event
        events: list[tuple[int, Any]] = []
        for notification in notifications:
            try:
                events.append((notification.id, to_event(notification)))
            except UndecodableEvent:
                if events:
                    break
                raise
        return events

    def run_once(self) -> int:
        """Apply one batch to the read models that are behind. Returns events read."""
        positions = self.positions()
        start = min(positions.get(p.name, 0) for p in self.projections)
        events = self._read(start, self.batch_size)
        if events:
            with self.db.transaction() as tx:
                self._apply(tx, self.projections, "", events)
        return len(events)

    def _apply(
        self,
        tx: Tx,
        projections: Iterable[Projection],
        suffix: str,
        events: list[tuple[int, Any]],
        expected: int | None = None,
        remembered: Remembered | None = None,
    ) -> None:
        """Inside one transaction: lock, re-read positions, apply, write positions. A rebuild
        passes the position it reached (`expected`): if its tables were reset, it stops; and
        the rows it remembers of them."""
        group = sorted(projections, key=lambda p: p.name)
        for projection in group:
            self._lock(tx, projection.name + suffix)
        marks = self._marks(tx)
        if expected is not None:
            self._still_ours(group, marks, expected)
        first, last = events[0][0], events[-1][0]
        for projection in group:
            done = marks.get(projection.name + suffix, 0)
            todo = events if done < first else [(pos, e) for pos, e in events if pos > done]
            if not todo:
                continue
            tables = {t.name: (t, t.name + suffix) for t in projection.tables}
            batch = Batch(tx, tables, remembered)
            projection.process(todo, batch)
            batch.flush()
            if remembered is not None:
                remembered.learn(batch)
            tx.execute(
                f"UPDATE {TRACKING} SET position = ? WHERE name = ?",
                (last, projection.name + suffix),
            )

    @staticmethod
    def _marks(tx: Tx) -> dict[str, int]:
        rows = tx.fetchall(f"SELECT name, position FROM {TRACKING}")
        return {r["name"]: int(r["position"]) for r in rows}

    @staticmethod
    def _still_ours(group: Iterable[Projection], marks: dict[str, int], position: int) -> None:
        """The new tables are still at the position this rebuild left them at."""
        reset = [p.name for p in group if marks.get(p.name + NEXT) != position]
        if reset:
            raise RebuildSuperseded(f"another rebuild of {', '.join(reset)} started; stopping")

    @staticmethod
    def _lock(tx: Tx, name: str) -> None:
        """The read model's lock until the transaction ends. Advisory locks are per database:
        the key names the schema, so that views in other schemas do not wait for these."""
        if tx.dialect == "postgres":
            tx.execute(
                "SELECT pg_advisory_xact_lock(hashtext(coalesce(current_schema(), '') || ?::text))",
                (f":greenlist:{name}",),
            )

    def catch_up(self, progress: Progress | None = None) -> int:
        """Apply every batch until the read models reach the head of the log."""
        total, head = 0, self.head()
        while True:
            count = self.run_once()
            total += count
            if progress:
                progress(min(self.positions_floor(), head), head)
            if count == 0:
                return total

    def positions_floor(self) -> int:
        positions = self.positions()
        return min(positions.get(p.name, 0) for p in self.projections)

    # --- following -----------------------------------------------------------------------

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

        class Listener:
            def __call__(self, timeout: float) -> None:
                for _ in conn.notifies(timeout=timeout, stop_after=1):
                    pass

            def close(self) -> None:
                conn.close()

        return Listener()

    # --- rebuilding ----------------------------------------------------------------------

    def rebuild(self, names: Iterable[str] | None = None, progress: Progress | None = None) -> int:
        """Rebuild read models from zero into new tables while the live ones stay readable,
        then swap them in, in one transaction, once complete. Returns events applied."""
        wanted = set(names) if names else {p.name for p in self.projections}
        group = [p for p in self.projections if p.name in wanted]
        if not group:
            raise KeyError(f"no read model named {sorted(wanted)}")
        with self.db.transaction() as tx:
            for projection in sorted(group, key=lambda p: p.name):
                self._lock(tx, projection.name + NEXT)
            for projection in group:
                for table in projection.tables:
                    tx.execute(f"DROP TABLE IF EXISTS {table.name}{NEXT}")
                self._create_tables(tx, projection, NEXT, indexes=not self.index_after_load)
                tx.execute(f"DELETE FROM {TRACKING} WHERE name = ?", (projection.name + NEXT,))
                tx.execute(
                    f"INSERT INTO {TRACKING} (name, position, version) VALUES (?, 0, ?)",
                    (projection.name + NEXT, projection.version),
                )
        done, head = 0, self.head()
        position = 0
        remembered = self._remembered(group)
        with self._reader() as read:
            pending = read(position)
            while True:
                events = pending()
                if not events:
                    break
                pending = read(events[-1][0])
                with self.db.transaction() as tx:
                    self._apply(tx, group, NEXT, events, position, remembered)
                done += len(events)
                position = events[-1][0]
                if progress:
                    progress(min(position, head), max(head, position))
        if self.index_after_load:
            with self.db.transaction() as tx:
                for projection in sorted(group, key=lambda p: p.name):
                    self._lock(tx, projection.name + NEXT)
                self._still_ours(group, self._marks(tx), position)
                for projection in group:
                    self._create_indexes(tx, projection, NEXT)
        self._swap(group, position, remembered)
        return done

    @contextmanager
    def _reader(self) -> Iterator[Callable[[int], Callable[[], list[tuple[int, Any]]]]]:
        """`read(after)` starts reading the batch after a position and returns the function
        that waits for it. With `read_ahead`, a rebuild reads (and decodes) the next batch in
        a thread while it writes the current one: the log only grows at its end (the store
        records events in order), so the batch is the one it would read afterwards."""
        if not self.read_ahead:
            yield lambda after: lambda: self._read(after, self.batch_size)
            return
        with ThreadPoolExecutor(1, thread_name_prefix="rebuild-read") as pool:
            try:
                yield lambda after: pool.submit(self._read, after, self.batch_size).result
            finally:
                pool.shutdown(cancel_futures=True)

    def _remembered(self, group: list[Projection]) -> Remembered | None:
        """What the rebuild of `group` remembers of its new tables (created empty)."""
        if not self.remember_rows:
            return None
        tables = [t.name for p in group for t in p.tables]
        return Remembered(tables, self.remember_rows, self.verify_remembered)

    def _swap(
        self, group: list[Projection], position: int, remembered: Remembered | None = None
    ) -> None:
        with self.db.transaction() as tx:
            for projection in sorted(group, key=lambda p: p.name):
                self._lock(tx, projection.name)
            for projection in sorted(group, key=lambda p: p.name):
                self._lock(tx, projection.name + NEXT)
            self._still_ours(group, self._marks(tx), position)
            while True:  # what was recorded meanwhile, under the lock
                events = self._read(position, self.batch_size)
                if not events:
                    break
                self._apply(tx, group, NEXT, events, position, remembered)
                position = events[-1][0]
            for projection in group:
                for table in projection.tables:
                    tx.execute(f"DROP TABLE IF EXISTS {table.name}")
                    tx.execute(f"ALTER TABLE {table.name}{NEXT} RENAME TO {table.name}")
                tx.execute(
                    f"UPDATE {TRACKING} SET position = ?, version = ? WHERE name = ?",
                    (position, projection.version, projection.name),
                )
                tx.execute(f"DELETE FROM {TRACKING} WHERE name = ?", (projection.name + NEXT,))


def _table_exists(tx: Tx, name: str) -> bool:
    if tx.dialect == "postgres":
        rows = tx.fetchall("SELECT to_regclass(?) IS NOT NULL AS found", (name,))
    else:
        rows = tx.fetchall(
            "SELECT count(*) > 0 AS found FROM sqlite_master WHERE type = 'table' AND name = ?",
            (name,),
        )
    return bool(rows[0]["found"])


def wait_for(db: Db, names: Sequence[str], position: int | None, timeout: float = 2.0) -> None:
    """Read-your-writes: return once every named read model has applied `position`, or raise
    `ProjectionsBehind` after `timeout` seconds."""
    if not position:
        return
    deadline = time.monotonic() + timeout
    delay = 0.005
    wanted = set(names)
    while True:
        rows = db.query(f"SELECT name, position FROM {TRACKING}")
        reached = {r["name"] for r in rows if int(r["position"]) >= position}
        if wanted <= reached:
            return
        if time.monotonic() >= deadline:
            raise ProjectionsBehind(position, sorted(wanted - reached), timeout)
        time.sleep(delay)
        delay = min(delay * 2, 0.1)
