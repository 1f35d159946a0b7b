"""What a rebuild remembers, from one batch to the next, of the rows it wrote: its new tables are
written by it alone (each batch checks that they are still at the position it left them at), so
a row it knows need not be read again, and a row it never wrote does not exist."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from projections.engine.db import Row

if TYPE_CHECKING:
    from projections.engine.batch import Batch

Key = tuple[Any, ...]
UNKNOWN: Any = object()
"""Not remembered: the row must be read from the table."""


class Remembered:
    """The rows of a rebuild's new tables as its batches left them, up to `limit` rows: then
    they are forgotten and read again from the tables when needed. A table created empty by
    the rebuild is `complete` (a row not remembered does not exist) until rows are forgotten
    or changed by SQL arithmetic (`Batch.bump`); for the others a row not remembered is read.

    `verify` (for tests) reads every remembered row from its table too and checks they are
    equal, value for value and type for type."""

    def __init__(self, tables: list[str], limit: int, verify: bool = False) -> None:
        self.rows: dict[str, dict[Key, Row | None]] = {name: {} for name in tables}
        self.complete = set(tables)
        self.limit = limit
        self.verify = verify

    def get(self, table: str, key: Key) -> Row | None:
        """The remembered row (None: known not to exist), or UNKNOWN."""
        rows = self.rows.get(table)
        if rows is None:
            unknown: Row | None = UNKNOWN
            return unknown
        if key in rows:
            return rows[key]
        return None if table in self.complete else UNKNOWN

    def fresh(self, table: str, keys: Iterable[Key]) -> set[Key]:
        """Of these keys, those known to have no row in the table."""
        if table not in self.complete:
            return set()
        known = self.rows[table]
        return {key for key in keys if known.get(key) is None}

    def learn(self, batch: Batch) -> None:
        """What a batch's flush left in its tables (called once it is flushed)."""
        batch.seal()
        for name, rows in batch._rows.items():
            known = self.rows.get(name)
            if known is None:
                continue
            if name in self.complete:
                for key, row in rows.items():
                    if row is None:
                        known.pop(key, None)
                    else:
                        known[key] = row
            else:
                known.update(rows)
            bumped = batch._bumps[name]
            if bumped:  # the new counters are in the table, not here
                self.complete.discard(name)
                for key in bumped:
                    known.pop(key, None)
        if sum(len(rows) for rows in self.rows.values()) > self.limit:
            for rows in self.rows.values():
                rows.clear()
            self.complete.clear()
