"""The write buffer of one batch of events: rows are read at most once, changed in memory and
written once when the batch commits, together with the tracking position. A rebuild's batches
read what they can from the rows it remembers instead (engine.remembered)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import lru_cache
from itertools import chain
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from projections.engine.db import Row, Tx
from projections.engine.remembered import UNKNOWN, Key, Remembered

if TYPE_CHECKING:
    from projections.engine.projection import Table

__all__ = ["Batch", "Remembered", "placeholders"]
MAX_ROWS_PER_STATEMENT = 1000
"""Upserts are sent as multi-row statements (PostgreSQL) of at most this many rows."""
PREFETCH_CHUNK = 500
"""Values per statement of `Batch.prefetch` (SQLite's limit on parameters is 999 in old builds)."""
MAX_PARAMETERS = 65_535
"""PostgreSQL's limit on the parameters of one statement."""


@lru_cache(maxsize=64)
def _rows_of_placeholders(width: int) -> list[str]:
    size = max(1, min(MAX_ROWS_PER_STATEMENT, MAX_PARAMETERS // width))
    return [f"({', '.join(f'${r * width + c + 1}' for c in range(width))})" for r in range(size)]


def placeholders(rows: int, width: int) -> str:
    """`($1, $2), ($3, $4)` for two rows of two values."""
    return ", ".join(_rows_of_placeholders(width)[:rows])


class Batch:
    """Buffered writes to a projection's tables, flushed in one transaction."""

    def __init__(
        self,
        tx: Tx,
        tables: Mapping[str, tuple[Table, str]],
        remembered: Remembered | None = None,
    ) -> None:
        self.tx = tx
        self.tables = tables
        self.remembered = remembered
        self.position = 0
        self._rows: dict[str, dict[Key, Row | None]] = {name: {} for name in tables}
        self._dirty: dict[str, dict[Key, None]] = {name: {} for name in tables}
        self._added: dict[str, list[Row]] = {name: [] for name in tables}
        self._bumps: dict[str, dict[Key, dict[str, float]]] = {name: {} for name in tables}
        self._fresh: dict[str, set[Key]] | None = None
        self._wrote_back: set[str] = set()
        self._prefetched: dict[str, set[Any]] = {}
        self._subjects: Collection[Any] = ()

    def row(self, table: str, *key: Any) -> Row | None:
        """The current row with this key (as changed by this batch so far), or None."""
        rows = self._rows[table]
        if key not in rows:
            remembered = self.remembered
            known = UNKNOWN if remembered is None else remembered.get(table, key)
            if known is UNKNOWN and self._subjects and table not in self._prefetched:
                self._prefetch(table)
                if key in rows:
                    return self.row(table, *key)
            if known is UNKNOWN and key[:1] and key[0] in self._prefetched.get(table, ()):
                known = None  # every stored row of that first key value was read: not one
            if known is UNKNOWN:
                rows[key] = self._select(table, key)
            else:
                rows[key] = known
                if remembered is not None and remembered.checks(table, key):
                    self._check(table, key, known)
        current = rows[key]
        return dict(current) if current is not None else None

    def prefetch(self, subjects: Collection[Any]) -> None:
        """The ids of what the batch's events are about (their aggregates and units): at the
        first row of a table the batch has to read from it (one the rebuild forgot), the
        stored rows whose key begins with one of them are read at once (`_prefetch`)."""
        self._subjects = subjects

    def _prefetch(self, table: str) -> None:
        """Read, in one statement (per 500), the stored rows of `table` whose key begins with
        one of the batch's subjects that may begin a key the rebuild forgot (and, for a key of
        one column, that it does not remember now): not one statement per row read again
        (issue 15 item 3: past `remember_rows`, a rebuild of 1 M events read tens of
        thousands of rows one at a time). A row it remembers is newer than the stored one and
        kept; a key beginning with a value read that matches no row has none."""
        remembered = self.remembered
        self._prefetched[table] = set()
        if remembered is None:
            return
        spec, physical = self.tables[table]
        first = remembered.forgotten_first.get(table)
        if first is None or table not in remembered.complete or not spec.keyed_by_text:
            return
        rows, known = self._rows[table], remembered.rows[table]
        single = len(spec.key) == 1
        wanted = [
            v
            for v in self._subjects
            if first.maybe((v,)) and not (single and ((v,) in known or (v,) in rows))
        ]
        for start in range(0, len(wanted), PREFETCH_CHUNK):
            chunk = wanted[start : start + PREFETCH_CHUNK]
            marks = ", ".join("?" for _ in chunk)
            statement = f"SELECT * FROM {physical} WHERE {spec.key[0]} IN ({marks})"
            for row in self.tx.fetchall(statement, chunk):
                key = spec.key_of(row)
                if key not in rows and key not in known:
                    rows[key] = row
        self._prefetched[table].update(wanted)

    def _select(self, table: str, key: Key) -> Row | None:
        spec, physical = self.tables[table]
        where = " AND ".join(f"{k} = ?" for k in spec.key)
        found = self.tx.fetchall(f"SELECT * FROM {physical} WHERE {where}", key)
        return found[0] if found else None

    def _check(self, table: str, key: Key, known: Row | None) -> None:
        """A remembered row is the stored one, value for value and type for type."""
        stored = self._select(table, key)
        if stored is None or known is None:
            if stored is not known:
                raise AssertionError(f"{table}{key}: remembered {known}, stored {stored}")
            return
        mismatched = [
            f"{column}: remembered {known.get(column)!r}, stored {value!r}"
            for column, value in stored.items()
            if known.get(column) != value or type(known.get(column)) is not type(value)
        ]
        if mismatched or known.keys() != stored.keys():
            raise AssertionError(f"{table}{key}: {'; '.join(mismatched) or 'columns differ'}")

    def put(self, table: str, **row: Any) -> None:
        """Insert or replace the row with this key (columns not given are NULL)."""
        self._put(table, row)

    def _put(self, table: str, row: Mapping[str, Any]) -> None:
        key = self.tables[table][0].key_of(row)
        self._rows[table][key] = self._full(table, row)
        self._dirty[table][key] = None

    def _full(self, table: str, row: Mapping[str, Any]) -> Row:
        """The row with every column (None for those not given): the given dict itself when it
        names them all (callers pass a dict of their own), since this runs for every row."""
        spec = self.tables[table][0]
        columns = spec.column_set
        if not columns.issuperset(row):
            raise KeyError(f"{table} has no column {sorted(set(row) - columns)}")
        if len(row) == len(columns) and isinstance(row, dict):
            return row
        full = dict.fromkeys(spec.column_names)
        full.update(row)
        return full

    def update(self, table: str, *key: Any, **changes: Any) -> Row | None:
        """Change some columns of an existing row; returns the new row, or None if absent."""
        rows = self._rows[table]
        if key not in rows:
            self.row(table, *key)
        stored = rows[key]
        if stored is None:
            return None
        current = {**stored, **changes}
        self._put(table, current)
        return dict(current)

    def delete(self, table: str, *key: Any) -> None:
        self._rows[table][key] = None
        self._dirty[table][key] = None

    def add(self, table: str, **row: Any) -> None:
        """Append a row to an append-only table (kept as given when it names every column:
        audit-like tables append one row per event)."""
        complete = row.keys() == self.tables[table][0].column_set
        self._added[table].append(row if complete else self._full(table, row))

    def bump(self, table: str, key: Mapping[str, Any], **deltas: float) -> None:
        """Add to counters of the row with this key (created at zero if absent). A rebuild's
        load adds to the row it remembers (`_bump_remembered`); otherwise the batch sums the
        deltas and the flush adds them in SQL."""
        spec = self.tables[table][0]
        k = spec.key_of(key)
        remembered = self.remembered
        writes_back = remembered is not None and remembered.writes_back(table)
        if writes_back and self._bump_remembered(table, k, deltas):
            return
        bumps = self._bumps[table]
        counters = bumps.get(k)
        if counters is None:
            bumps[k] = {column: 0 + delta for column, delta in deltas.items()}
            return
        for column, delta in deltas.items():
            counters[column] = counters.get(column, 0) + delta

    def _bump_remembered(self, table: str, key: Key, deltas: Mapping[str, float]) -> bool:
        """A rebuild's load: the counters added to the row as the batch knows it (the one the
        rebuild remembers, or a new one at zero), which is then written with the others
        (`Remembered.write_back`): once, at the end, with COPY for most, not as an upsert
        per batch that adds in SQL (issue 15 item 3: a bump per event on the supervision's
        activity was a tenth of its share of a rebuild). Whole numbers added to "count"
        columns only (their sum in Python is the one SQL gives); False for anything else,
        which the flush adds in SQL as before."""
        spec = self.tables[table][0]
        counters = spec.counters
        for column, delta in deltas.items():
            if column not in counters or type(delta) not in (int, bool):
                return False
        rows = self._rows[table]
        if key not in rows:
            self.row(table, *key)
        current = rows[key]
        if current is None:
            row = dict.fromkeys(spec.column_names)
            row.update(dict.fromkeys(counters, 0))
            row.update(zip(spec.key, key, strict=True))
        else:
            row = dict(current)
        for column, delta in deltas.items():
            row[column] = int(row[column] or 0) + int(delta)  # (NOT NULL: never None)
        rows[key] = row
        self._dirty[table][key] = None
        return True

    def seal(self) -> None:
        """Fix which rows of the batch are new to their tables (known absent before it: the
        rebuild's remembered rows of its complete tables), before `Remembered.learn` takes them
        in. New rows are written with COPY, not upserts: most rows of a rebuild are new."""
        if self._fresh is not None:
            return
        remembered = self.remembered
        self._fresh = {
            name: remembered.fresh(name, dirty)
            if remembered is not None and dirty and self._writes(name)
            else set()
            for name, dirty in self._dirty.items()
        }

    def _writes(self, table: str) -> bool:
        """Whether the flush writes the table's changed rows itself: not when it leaves them
        to `Remembered` (`writes_back`, no counter bumped by SQL), which needs not know which
        are new (issue 15 item 3: that is a look-up in `Forgotten` for each row a batch changes,
        once rows are forgotten)."""
        remembered = self.remembered
        return remembered is None or not remembered.writes_back(table) or bool(self._bumps[table])

    def flush(self) -> None:
        """Write the batch through its transaction; but the rows of the tables whose
        remembered rows are written back (`Remembered.write_back`: a rebuild's load), which
        `Remembered.learn` then takes in unwritten. A table whose counters this batch bumps is
        written through, after the rows it holds unwritten."""
        self.seal()
        remembered = self.remembered
        for name, (spec, physical) in self.tables.items():
            if remembered is not None and remembered.writes_back(name):
                if not self._bumps[name]:
                    self._wrote_back.add(name)
                    self._flush_added(spec, physical, name)
                    continue
                remembered.write_table(self.tx, name)
            self._flush_rows(spec, physical, name)
            self._flush_added(spec, physical, name)
            self._flush_bumps(spec, physical, name)

    def wrote_back(self, table: str) -> bool:
        """Whether the flush left this table's changed rows to `Remembered` (unwritten)."""
        return table in self._wrote_back

    def _flush_rows(self, spec: Table, physical: str, name: str) -> None:
        dirty = self._dirty[name]
        if not dirty:
            return
        tx = self.tx
        rows = self._rows[name]
        cols = spec.column_names
        fresh = self._fresh[name] if self._fresh is not None else set()
        values = itemgetter(*cols) if len(cols) > 1 else lambda r: (r[cols[0]],)
        gone = [k for k in dirty if rows[k] is None]
        if gone:
            where = " AND ".join(f"{k} = ?" for k in spec.key)
            tx.executemany(f"DELETE FROM {physical} WHERE {where}", gone)
        if fresh:
            new = [rows[k] for k in dirty if k in fresh]
            tx.copy_rows(physical, cols, [values(r) for r in new if r is not None])
        live = [row for k in dirty if k not in fresh and (row := rows[k]) is not None]
        if live:
            others = [c for c in cols if c not in spec.key]
            sets = ", ".join(f"{c} = excluded.{c}" for c in others)
            action = f"DO UPDATE SET {sets}" if others else "DO NOTHING"
            self._upsert(
                f"INSERT INTO {physical} ({', '.join(cols)}) VALUES ",
                f" ON CONFLICT ({', '.join(spec.key)}) {action}",
                len(cols),
                [values(r) for r in live],
            )

    def _upsert(self, head: str, tail: str, width: int, rows: list[tuple[Any, ...]]) -> None:
        """`head` VALUES ... `tail` for each row; on PostgreSQL as multi-row statements (each key
        appears once in a batch, so one statement never changes a row twice)."""
        tx = self.tx
        if tx.dialect != "postgres":
            tx.executemany(f"{head}({', '.join('?' for _ in range(width))}){tail}", rows)
            return
        size = max(1, min(MAX_ROWS_PER_STATEMENT, MAX_PARAMETERS // width))
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            statement = head + placeholders(len(chunk), width) + tail
            tx.execute_native(statement, list(chain.from_iterable(chunk)))

    def _flush_added(self, spec: Table, physical: str, name: str) -> None:
        added = self._added[name]
        if added:
            cols = spec.column_names
            values = itemgetter(*cols) if len(cols) > 1 else lambda r: (r[cols[0]],)
            self.tx.copy_rows(physical, cols, [values(r) for r in added])

    def _flush_bumps(self, spec: Table, physical: str, name: str) -> None:
        bumps = self._bumps[name]
        if not bumps:
            return
        counters = sorted({c for deltas in bumps.values() for c in deltas})
        cols = [*spec.key, *counters]
        sets = ", ".join(f"{c} = {physical}.{c} + excluded.{c}" for c in counters)
        self._upsert(
            f"INSERT INTO {physical} ({', '.join(cols)}) VALUES ",
            f" ON CONFLICT ({', '.join(spec.key)}) DO UPDATE SET {sets}",
            len(cols),
            [(*key, *(deltas.get(c, 0) for c in counters)) for key, deltas in bumps.items()],
        )
