"""The runner: reads the event log in batches and applies each batch to a group of read models
in one transaction per batch, with each model's tracking position; then follows new events
(engine.following) and rebuilds models from zero (engine.rebuilding).

Two runners of the same read model never corrupt it: each batch transaction takes the model's
lock (PostgreSQL advisory lock; SQLite's single writer) and re-reads the model's position inside
it, so the second runner waits, then skips what the first already applied (engine.tracking). An
event that cannot be decoded stops a runner with `UndecodableEvent` (engine.reading says why it
never skips it)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from domain.service import Greenlist
from projections.engine.db import Db, Tx
from projections.engine.following import Following
from projections.engine.outage import Backoff
from projections.engine.projection import Projection, apply_to, tracked_name
from projections.engine.reading import Events, read_events
from projections.engine.rebuilding import Progress, Rebuilding, Workers
from projections.engine.remembered import Remembered
from projections.engine.tables import create_tables
from projections.engine.tracking import (
    NEXT,
    TRACKING,
    RebuildSuperseded,
    lock,
    lock_all,
    marks,
    positions,
    set_position,
    still_ours,
    wait_for,
)
from projections.values import text_id

__all__ = [
    "NEXT",
    "TRACKING",
    "Progress",
    "RebuildSuperseded",
    "Runner",
    "Workers",
    "wait_for",
]


class Runner(Following, Rebuilding):
    """Keeps a group of read models up to date with the service's event log."""

    def __init__(
        self,
        app: Greenlist,
        db: Db,
        projections: Sequence[Projection],
        batch_size: int = 2000,
        backoff: Backoff | None = None,
        workers: Workers | None = None,
        processes: int = 1,
    ) -> None:
        """`workers` builds runners in other processes, `processes` of which load a rebuild
        (engine.rebuilding)."""
        self.app = app
        self.db = db
        self.projections = list(projections)
        self.batch_size = batch_size
        self.backoff = backoff or Backoff()
        self.workers = workers
        self.processes = processes
        self.state = "idle"
        self.error = None
        self.reconnects = 0
        self.setup()

    def setup(self) -> None:
        """Create the tracking table and the live tables of each read model."""
        with self.db.transaction() as tx:
            # PostgreSQL: runners starting at once would race in CREATE TABLE IF NOT EXISTS
            # (UniqueViolation on pg_type), and the DDL on tables that a running runner writes
            # would deadlock with its batch; so take the models' locks, as a batch does (on
            # SQLite, BEGIN IMMEDIATE already serialises them)
            lock(tx, TRACKING)
            for projection in sorted(self.projections, key=lambda p: p.name):
                lock(tx, projection.name)
            tx.execute(
                f"CREATE TABLE IF NOT EXISTS {TRACKING} (name TEXT PRIMARY KEY, "
                "position BIGINT NOT NULL, version BIGINT NOT NULL)"
            )
            for projection in self.projections:
                create_tables(tx, projection, "")
                tx.execute(
                    f"INSERT INTO {TRACKING} (name, position, version) VALUES (?, 0, ?) "
                    "ON CONFLICT (name) DO NOTHING",
                    (projection.name, projection.version),
                )

    # --- positions -----------------------------------------------------------------------

    def positions(self) -> dict[str, int]:
        return positions(self.db)

    def head(self) -> int:
        return int(self.app.recorder.max_notification_id() or 0)

    def lag(self) -> dict[str, int]:
        """Events not yet applied, per read model (notification ids may have gaps on
        PostgreSQL, so this is an upper bound)."""
        head, positions = self.head(), self.positions()
        return {p.name: max(0, head - positions.get(p.name, 0)) for p in self.projections}

    def positions_floor(self) -> int:
        positions = self.positions()
        return min(positions.get(p.name, 0) for p in self.projections)

    # --- catching up ---------------------------------------------------------------------

    def _read(self, after: int, limit: int) -> Events:
        """The next decoded events after a position (engine.reading.read_events: up to the
        first that cannot be decoded, which the next read raises)."""
        return read_events(self.app, after, limit)

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
        events: Events,
        expected: int | None = None,
        remembered: Remembered | None = None,
        through: int | None = None,
    ) -> None:
        """Inside one transaction: lock, re-read positions, apply, write positions. A rebuild
        passes the position it reached (`expected`): if its tables were reset, it stops; and
        the rows it remembers of them; and, if it read events it skipped (`read_page`), the
        last position read (`through`), where the models then stand."""
        group = sorted(projections, key=lambda p: p.name)
        names = {p.name: tracked_name(p, suffix) for p in group}
        lock_all(tx, sorted(names.values()))
        found = marks(tx)
        if expected is not None:
            still_ours(group, found, expected, self.rebuild_number)
        last = through if through is not None else events[-1][0]
        first = events[0][0] if events else last
        types = {type(e) for _, e in events}
        moved: list[str] = []
        subjects = subjects_of(events) if remembered and remembered.forgotten_first else ()
        for projection in group:
            done = found.get(names[projection.name], 0)
            if done >= last:
                continue
            moved.append(names[projection.name])
            handled = types.intersection(projection._handlers)
            if done < first and len(handled) == len(types):
                todo = events
            else:  # only what it handles: most models handle a few kinds of event
                todo = [(pos, e) for pos, e in events if pos > done and type(e) in handled]
            apply_to(tx, projection, suffix, todo, remembered, subjects)
        set_position(tx, moved, last)

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


def subjects_of(events: Events) -> set[str]:
    """The ids (as the rows store them) of what a batch's events are about: their aggregates
    and the units they name (`unit_id`, `target_id`, `unit_ids`); most read model rows are
    keyed by one of them first (`Batch.prefetch`)."""
    ids: set[str] = set()
    for _, e in events:
        ids.add(text_id(e.originator_id))
        for name in ("unit_id", "target_id"):
            value = getattr(e, name, None)
            if value is not None:
                ids.add(text_id(value))
        for value in getattr(e, "unit_ids", None) or ():
            ids.add(text_id(value))
    return ids
