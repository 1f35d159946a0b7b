"""The write buffer of one batch of events: rows are read at most once, changed in memory and
written once when the batch commits, together with the tracking position."""

from __future__ import annotations

from collections.abc import Mapping
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from projections.engine.db import Row, Tx

if TYPE_CHECKING:
    from projections.engine.projection import Table

Key = tuple[Any, ...]


class Batch:
    """Buffered writes to a projection's tables, flushed in one transaction."""

    def __init__(self, tx: Tx, tables: Mapping[str, tuple[Table, str]]) -> None:
        self.tx = tx
        self.tables = tables
        self.position = 0
        self._rows: dict[str, dict[Key, Row | None]] = {name: {} for name in tables}
        self._dirty: dict[str, dict[Key, None]] = {name: {} for name in tables}
        self._added: dict[str, list[Row]] = {name: [] for name in tables}
        self._bumps: dict[str, dict[Key, dict[str, float]]] = {name: {} for name in tables}
        self._column_sets = {name: frozenset(t.column_names) for name, (t, _) in tables.items()}

    def _key(self, table: str, row: Mapping[str, Any]) -> Key:
        return tuple(row[k] for k in self.tables[table][0].key)

    def row(self, table: str, *key: Any) -> Row | None:
        """The current row with this key (as changed by this batch so far), or None."""
        rows = self._rows[table]
        if key not in rows:
            spec, physical = self.tables[table]
            where = " AND ".join(f"{k} = ?" for k in spec.key)
            found = self.tx.fetchall(f"SELECT * FROM {physical} WHERE {where}", key)
            rows[key] = found[0] if found else None
        current = rows[key]
        return dict(current) if current is not None else None

    def put(self, table: str, **row: Any) -> None:
        """Insert or replace the row with this key (columns not given are NULL)."""
        self._rows[table][self._key(table, row)] = self._full(table, row)
        self._dirty[table][self._key(table, row)] = None

    def _full(self, table: str, row: Mapping[str, Any]) -> Row:
        columns = self.tables[table][0].column_names
        unknown = set(row) - set(columns)
        if unknown:
            raise KeyError(f"{table} has no column {sorted(unknown)}")
        return {c: row.get(c) for c in columns}

    def update(self, table: str, *key: Any, **changes: Any) -> Row | None:
        """Change some columns of an existing row; returns the new row, or None if absent."""
        current = self.row(table, *key)
        if current is None:
            return None
        current.update(changes)
        self.put(table, **current)
        return current

    def delete(self, table: str, *key: Any) -> None:
        self._rows[table][key] = None
        self._dirty[table][key] = None

    def add(self, table: str, **row: Any) -> None:
        """Append a row to an append-only table (kept as given when it names every column:
        audit-like tables append one row per event)."""
        complete = row.keys() == self._column_sets[table]
        self._added[table].append(row if complete else self._full(table, row))

    def bump(self, table: str, key: Mapping[str, Any], **deltas: float) -> None:
        """Add to counters of the row with this key (created at zero if absent)."""
        k = self._key(table, key)
        counters = self._bumps[table].setdefault(k, {})
        for column, delta in deltas.items():
            counters[column] = counters.get(column, 0) + delta

    def flush(self) -> None:
        for name, (spec, physical) in self.tables.items():
            self._flush_rows(spec, physical, name)
            self._flush_added(spec, physical, name)
            self._flush_bumps(spec, physical, name)

    def _flush_rows(self, spec: Table, physical: str, name: str) -> None:
        dirty = self._dirty[name]
        if not dirty:
            return
        rows = self._rows[name]
        cols = spec.column_names
        live = [rows[k] for k in dirty if rows[k] is not None]
        gone = [k for k in dirty if rows[k] is None]
        if gone:
            where = " AND ".join(f"{k} = ?" for k in spec.key)
            self.tx.executemany(f"DELETE FROM {physical} WHERE {where}", gone)
        if live:
            others = [c for c in cols if c not in spec.key]
            sets = ", ".join(f"{c} = excluded.{c}" for c in others)
            action = f"DO UPDATE SET {sets}" if others else "DO NOTHING"
            self.tx.executemany(
                f"INSERT INTO {physical} ({', '.join(cols)}) "
                f"VALUES ({', '.join('?' for _ in cols)}) "
                f"ON CONFLICT ({', '.join(spec.key)}) {action}",
                [tuple(r.get(c) for c in cols) for r in live if r is not None],
            )

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
        self.tx.executemany(
            f"INSERT INTO {physical} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)}) "
            f"ON CONFLICT ({', '.join(spec.key)}) DO UPDATE SET {sets}",
            [(*key, *(deltas.get(c, 0) for c in counters)) for key, deltas in bumps.items()],
        )
