"""A rebuild: read models built again from zero into new tables (`<table>__next`) while the
live ones stay readable, then swapped in, in one transaction, once complete.

Of two rebuilds of the same read model the later one resets the new tables and the earlier
one stops (`RebuildSuperseded`) rather than swap in tables that miss events. What was recorded
during the rebuild is applied under the models' locks at the swap, so the swapped-in tables
miss nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from domain.service import Greenlist
from projections.engine.db import Db, Tx
from projections.engine.projection import Projection
from projections.engine.reading import Events, reader
from projections.engine.remembered import Remembered
from projections.engine.tables import create_indexes, create_tables
from projections.engine.tracking import NEXT, TRACKING, lock, marks, still_ours

Progress = Callable[[int, int], None]


class Rebuilding:
    """What `Runner` does to rebuild its read models (mixed into it)."""

    app: Greenlist
    db: Db
    projections: list[Projection]
    batch_size: int

    remember_rows = 400_000
    """A rebuild remembers up to this many rows of its new tables from one batch to the next
    (batch.Remembered: a few hundred bytes each), instead of reading them again; 0: never."""
    verify_remembered = False
    """Tests: check every remembered row against its table."""
    read_ahead = True
    """A rebuild reads the next batch while it writes the current one (reading.reader)."""
    index_after_load = True
    """A rebuild creates its new tables with their keys only, and their other indexes (which
    only the queries of live tables use) at the swap: built once, not row by row."""

    if TYPE_CHECKING:

        def head(self) -> int: ...

        def _read(self, after: int, limit: int) -> Events: ...

        def _apply(
            self,
            tx: Tx,
            projections: Iterable[Projection],
            suffix: str,
            events: Events,
            expected: int | None = None,
            remembered: Remembered | None = None,
        ) -> None: ...

    def rebuild(self, names: Iterable[str] | None = None, progress: Progress | None = None) -> int:
        """Rebuild read models from zero into new tables while the live ones stay readable,
        then swap them in, in one transaction, once complete. Returns events applied."""
        wanted = set(names) if names else {p.name for p in self.projections}
        group = [p for p in self.projections if p.name in wanted]
        if not group:
            raise KeyError(f"no read model named {sorted(wanted)}")
        self._start_afresh(group)
        done, head = 0, self.head()
        position = 0
        remembered = self._remembered(group)
        with reader(lambda after: self._read(after, self.batch_size), self.read_ahead) as read:
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
                    lock(tx, projection.name + NEXT)
                still_ours(group, marks(tx), position)
                for projection in group:
                    create_indexes(tx, projection, NEXT)
        self._swap(group, position, remembered)
        return done

    def _start_afresh(self, group: Sequence[Projection]) -> None:
        """Empty new tables for the group, tracked from position 0 (resetting any other
        rebuild's, which then stops)."""
        with self.db.transaction() as tx:
            for projection in sorted(group, key=lambda p: p.name):
                lock(tx, projection.name + NEXT)
            for projection in group:
                for table in projection.tables:
                    tx.execute(f"DROP TABLE IF EXISTS {table.name}{NEXT}")
                create_tables(tx, projection, NEXT, indexes=not self.index_after_load)
                tx.execute(f"DELETE FROM {TRACKING} WHERE name = ?", (projection.name + NEXT,))
                tx.execute(
                    f"INSERT INTO {TRACKING} (name, position, version) VALUES (?, 0, ?)",
                    (projection.name + NEXT, projection.version),
                )

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
                lock(tx, projection.name)
            for projection in sorted(group, key=lambda p: p.name):
                lock(tx, projection.name + NEXT)
            still_ours(group, marks(tx), position)
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
