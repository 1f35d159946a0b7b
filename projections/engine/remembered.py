"""What a rebuild remembers, from one batch to the next, of the rows it wrote: its new tables are
written by it alone (each batch checks that they are still at the position it left them at), so
a row it knows need not be read again, and a row it never wrote does not exist."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import islice
from operator import itemgetter
from typing import TYPE_CHECKING, Any, TypeVar

from projections.engine.db import Row, Tx
from projections.engine.spill import MISSING, Spill

if TYPE_CHECKING:
    from projections.engine.batch import Batch
    from projections.engine.projection import Table

Key = tuple[Any, ...]
K = TypeVar("K")
V = TypeVar("V")
Values = tuple[Any, ...]
UNKNOWN: Any = object()
"""Not remembered: the row must be read from the table."""


class Forgotten:
    """The keys of the rows a rebuild forgot, as a Bloom filter (2 bytes a key once a layer is
    full, no key kept): `maybe(key)` is False only for a key never forgotten. Layers four times
    the size of the last are added as keys come, so that false positives (each costs one read)
    stay under 1 % however many keys there are, and a key never forgotten is told in a few
    layers (a rebuild asks for every row it has not remembered: issue 15 item 3, 1 M events
    asked 2 M times, through eight layers of doubling size before). Keys are hashed with
    Python's `hash`, stable within the process that fills and asks it."""

    PROBES = 5
    FIRST = 1 << 18
    """Bits of the first layer; each next layer has four times as many."""
    GROWTH = 4

    def __init__(self) -> None:
        self.layers: list[tuple[bytearray, int]] = []
        self.count = 0
        self.capacity = 0
        self._grow()

    def _grow(self) -> None:
        bits = self.FIRST * self.GROWTH ** len(self.layers)
        self.layers.append((bytearray(bits // 8), bits - 1))
        self.capacity += bits // 16

    def add(self, key: Key) -> None:
        if self.count >= self.capacity:
            self._grow()
        self.count += 1
        bits, mask = self.layers[-1]
        h = hash(key)
        step = (h >> 17) | 1
        for i in range(self.PROBES):
            j = (h + i * step) & mask
            bits[j >> 3] |= 1 << (j & 7)

    def maybe(self, key: Key) -> bool:
        h = hash(key)
        step = (h >> 17) | 1
        for bits, mask in self.layers:
            j = h & mask
            if not bits[j >> 3] & (1 << (j & 7)):
                continue
            for i in range(1, self.PROBES):
                j = (h + i * step) & mask
                if not bits[j >> 3] & (1 << (j & 7)):
                    break
            else:
                return True
        return False


class Remembered:
    """The rows of a rebuild's new tables as its batches left them, up to `limit` rows: beyond
    it the least recently used are forgotten (a quarter of each table's: a row read again is
    remembered anew) and read again from the tables when needed. A table created empty by
    the rebuild is `complete`: a row neither remembered nor forgotten (`Forgotten`) does not
    exist, without asking the table, also once rows are forgotten; a table changed by SQL
    arithmetic (`Batch.bump`) is no longer complete, and a row not remembered is read.

    Memory is bounded however long the log (issue 15 item 3): at most `limit` rows (each a
    tuple of its values, about 500 bytes with its key and values at 1 M events), at most
    `DELTAS_KEPT` of each table of `deltas`, and 2 bytes per key forgotten. (Forgetting
    every row at the limit and the tables' completeness, as before, made every later batch
    read each row it touched, even one that never existed, and write it with an upsert: a
    rebuild of 1 M events ran at half the speed per event of one of 0.2 M.)

    `write_back` (a rebuild's load): a batch leaves the rows it changed here, not in the
    table (`unwritten`); they are written when forgotten and, all at once, by `write_all` at
    the end of the load. A row changed by a hundred batches is then written once, most of them
    by COPY, instead of once per batch by an upsert (issue 15 item 3: the writes were half of a
    rebuild's time). Only a rebuild may do this: its tables are read by nobody but itself
    until the swap, and a rebuild that stops never resumes (its position in the tracking table
    says how far it read, not what its tables hold). A table whose counters are bumped by SQL
    is written through from then on (its unwritten rows first).

    `verify` (for tests) reads every remembered row from its table too and checks they are
    equal, value for value and type for type (the rows it holds unwritten: once written)."""

    KEEP = 0.75
    """The share of the limit kept when rows are forgotten."""
    DELTAS_KEPT = 10_000
    """Rows kept of each table of counters that other processes add to too (`deltas`): a row
    forgotten is added to the table's, never read back, so keeping more saves only writes
    (issue 15 item 3: the supervision's activity counted 70,000 actors and event classes
    at 1 M events, a fifth of the rows a loading process remembered)."""

    def __init__(
        self, tables: list[str], limit: int, verify: bool = False, write_back: bool = False
    ) -> None:
        self.rows: dict[str, dict[Key, Values | None]] = {name: {} for name in tables}
        """Per table, its rows' values in the table's column order (`_columns`), None for a
        row known not to exist: a tuple of 31 values takes 288 bytes where a dict of them
        took 1,176 (issue 15 item 3: most of a rebuild's memory is these rows)."""
        self._columns: dict[str, tuple[str, ...]] = {}
        self._getters: dict[str, Callable[[Row], Values]] = {}
        self.forgotten: dict[str, Forgotten] = {}
        self.complete = set(tables)
        self.limit = limit
        self.verify = verify
        self.write_back = write_back
        self.forgotten_first: dict[str, Forgotten] = {}
        """Per table, the first key values of the rows it forgot (`Batch.prefetch`)."""
        self.unwritten: dict[str, dict[Key, None]] = {name: {} for name in tables}
        """Per table, the keys whose remembered row (or absence) the table does not hold yet."""
        self.deltas: set[str] = set()
        """Tables of counters that other processes add to as well (`share`)."""
        self.final = False
        """Every batch's rows of the complete tables are final once it is flushed: the load by
        aggregate applies whole aggregates per batch, and an aggregate-local row is changed by
        its own aggregate's events only (engine.rebuilding `_load_by_aggregate`). The batch
        writes them (COPY: all new) and none is remembered, so that nothing is forgotten,
        read back or looked up in `Forgotten` (issue 15 item 3: those look-ups were an eighth
        of that load's time, and its memory grew with the rows remembered)."""
        self._specs: dict[str, tuple[Table, str]] = {}
        self.spill: Spill | None = None
        """Where the rows forgotten of the tables written back are kept until the end of the
        load (`spills`), made at the first such row forgotten."""
        self.stored: set[str] = set()
        """The tables that may hold rows forgotten here: written when forgotten (`_forget_rows`
        of a table not spilled), or their spill written (`write_table`). A key forgotten of
        any other table is in the spill, or nowhere."""

    def share(self, deltas: Iterable[str], written_before: Iterable[str]) -> None:
        """Tables of a model shared out by event class between a rebuild's processes
        (`Projection.shareable`): in `deltas`, counters that the others add to too, so the
        rows here are what this process adds, each written by adding it to the table's (an
        upsert, keys in order, so that two processes never wait for each other in a cycle)
        and then known at zero again; `written_before` (its subjects, recorded before the
        load) are read from the table, not known empty."""
        self.deltas.update(deltas)
        self.complete.difference_update(written_before)

    def writes_back(self, table: str) -> bool:
        """Whether a batch leaves its changed rows of `table` here instead of writing them."""
        return self.write_back and table in self.complete and not self._final(table)

    def spills(self, table: str) -> bool:
        """Whether the rows forgotten of `table` go to the spill (engine.spill), not to the
        table: those a batch leaves here unwritten (`writes_back`), of a complete table that
        only this process writes. They are written with the others by `write_all`, once,
        with COPY: a row forgotten and needed again is read from the local disk in
        microseconds, not from the server, and no row is written twice (issue 15 item 3:
        memory the same whatever the length of the log, with few rows remembered)."""
        return self.write_back and self._finalizable(table)

    def _spilled(self, table: str) -> bool:
        """Whether the spill holds rows of the table now."""
        return self.spill is not None and self.spill.holds(table)

    def settle(self, tx: Tx) -> None:
        """The rows remembered of the tables whose rows `final` batches write (left here by
        batches that were not final: a long aggregate's, applied in parts) written, and no
        longer remembered: those aggregates are past."""
        for name, rows in self.rows.items():
            if self._finalizable(name):
                self.write_table(tx, name)
                rows.clear()

    def _finalizable(self, table: str) -> bool:
        """Whether a `final` batch writes the table's rows (a complete table, not counters
        other processes add to)."""
        return table in self.complete and table not in self.deltas

    def _final(self, table: str) -> bool:
        """Whether the table's rows are final once a batch is flushed (`final`)."""
        return self.final and self._finalizable(table)

    def checks(self, table: str, key: Key) -> bool:
        """Whether a batch checks the row it takes from here against the table (`verify`):
        not one held unwritten, nor a counter of `deltas` (what this process adds: the
        table holds the sum)."""
        if not self.verify or table in self.deltas or self._spilled(table):
            return False  # (a spilled table's rows are not in the table before the end)
        unwritten = self.unwritten.get(table)
        return unwritten is None or key not in unwritten

    def get(self, table: str, key: Key) -> Row | None:
        """The remembered row (None: known not to exist), or UNKNOWN."""
        rows = self.rows.get(table)
        if rows is None:
            unknown: Row | None = UNKNOWN
            return unknown
        if key in rows:
            return self._row(table, key)
        if table in self.complete:
            forgotten = self.forgotten.get(table)
            if forgotten is None or not forgotten.maybe(key):
                return None
            if self.spill is not None and self.spill.holds(table):
                values = self.spill.get(table, key)
                if values is not MISSING:
                    columns = self._columns[table]
                    return None if values is None else dict(zip(columns, values, strict=True))
                if table not in self.stored:
                    return None
        unknown = UNKNOWN
        return unknown

    def fresh(self, table: str, keys: Iterable[Key]) -> set[Key]:
        """Of these keys, those known to have no row in the table."""
        if table not in self.complete:
            return set()
        known, forgotten = self.rows[table], self.forgotten.get(table)
        if forgotten is None:
            return {key for key in keys if known.get(key) is None}
        return {key for key in keys if known.get(key) is None and not forgotten.maybe(key)}

    def learn(self, batch: Batch) -> None:
        """What a batch's flush left in its tables, or here (`writes_back`), called once it is
        flushed."""
        batch.seal()
        for name, rows in batch._rows.items():
            known = self.rows.get(name)
            if known is None or self._final(name):
                continue
            if batch.wrote_back(name):
                self._specs[name] = batch.tables[name]
                self.unwritten[name].update(batch._dirty[name])
            if rows:
                values = self._values_of(name, batch.tables[name][0])
            for key, row in rows.items():  # None: deleted, known not to exist
                known.pop(key, None)  # (the last used last: the least used are forgotten)
                known[key] = None if row is None else values(row)
            bumped = batch._bumps[name]
            if bumped:  # the new counters are in the table, not here
                self.complete.discard(name)
                for key in bumped:
                    known.pop(key, None)
        for name in self.deltas:  # never read back: kept apart, fewer
            count = len(self.rows[name])
            if count > self.DELTAS_KEPT:
                self._forget_rows(batch.tx, name, 1 - self.KEEP * self.DELTAS_KEPT / count)
        total = sum(len(rows) for rows in self.rows.values())
        if total > self.limit:
            self._forget(batch.tx, 1 - self.KEEP * self.limit / total)

    def _values_of(self, table: str, spec: Table) -> Callable[[Row], Values]:
        """What takes a row's values in the table's column order (made once per table; its
        columns noted: `_row` names them)."""
        getter = self._getters.get(table)
        if getter is None:
            columns = self._columns[table] = tuple(spec.column_names)
            if len(columns) == 1:
                only = columns[0]
                getter = self._getters[table] = lambda row: (row[only],)
            else:
                getter = self._getters[table] = itemgetter(*columns)
        return getter

    def _row(self, table: str, key: Key) -> Row | None:
        values = self.rows[table][key]
        return None if values is None else dict(zip(self._columns[table], values, strict=True))

    def _forget(self, tx: Tx, share: float) -> None:
        """The least recently used `share` of each table's rows (written first if unwritten)."""
        for name in self.rows:
            self._forget_rows(tx, name, share)

    def _forget_rows(self, tx: Tx, name: str, share: float) -> None:
        """The least recently used `share` of the table's rows (written first if unwritten)."""
        rows = self.rows[name]
        drop = int(len(rows) * share)
        if not drop:
            return
        keys = list(islice(rows, drop))
        spills = self.spills(name)
        if spills:
            self._spill(name, keys)
        else:
            self._write(tx, name, keys)
        self.rows[name] = without_first(rows, drop)
        self.unwritten[name] = dict(self.unwritten[name])  # (its keys forgotten popped)
        if name in self.deltas:  # added to the table: this process's adds are 0 again
            return
        forgotten = self.forgotten.setdefault(name, Forgotten())
        for key in keys:
            if not forgotten.maybe(key):  # forgotten before, read again since
                forgotten.add(key)
        if spills:  # read again from the spill, one by one: nothing to read ahead
            return
        self.stored.add(name)
        first = self.forgotten_first.setdefault(name, Forgotten())
        for key in keys:
            if key and not first.maybe(key[:1]):
                first.add(key[:1])

    def _spill(self, name: str, keys: list[Key]) -> None:
        """Those of `keys` that are unwritten, into the spill (their values as remembered;
        None: known not to exist); the others are there already, or exist nowhere."""
        if self.spill is None:
            self.spill = Spill()
        rows, unwritten = self.rows[name], self.unwritten[name]
        self.spill.put(name, [(key, rows[key]) for key in keys if key in unwritten])
        for key in keys:
            unwritten.pop(key, None)

    def write_all(self, tx: Tx) -> None:
        """Every unwritten row written (the end of a rebuild's load); written through after."""
        for name in self.rows:
            self.write_table(tx, name)
        self.write_back = False
        if self.spill is not None:
            self.spill.close()
            self.spill = None

    def write_table(self, tx: Tx, name: str) -> None:
        """The table's unwritten rows written, and what the spill holds of it (before its
        counters are bumped by SQL; when its rows are final, `settle`; at the end)."""
        unwritten = self.unwritten.get(name)
        spill = self.spill
        spilled = spill is not None and spill.holds(name)
        if spill is not None and spilled:
            physical, columns = self._specs[name][1], self._columns[name]
            for values in spill.rows(name, leaving=unwritten or ()):  # (those here are newer)
                tx.copy_rows(physical, columns, values)
            spill.drop(name)
        if unwritten:  # (before `stored` says the table holds rows: those were left out)
            self._write(tx, name, list(unwritten))
        if spilled:
            self.stored.add(name)

    def _add(self, tx: Tx, name: str, keys: list[Key]) -> None:
        """The counters of these rows added to the table's (`deltas`), in the keys' order."""
        from projections.engine.batch import Batch

        spec, physical = self._specs[name]
        writer = Batch(tx, {name: (spec, physical)})
        bumps = writer._bumps[name]
        for key in sorted(keys, key=_in_order):
            row = self._row(name, key)
            if row is not None:
                bumps[key] = {column: row[column] for column in spec.counters}
        writer.flush()

    def _write(self, tx: Tx, name: str, keys: list[Key]) -> None:
        """Those of `keys` that are unwritten, written: COPY of the remembered values for a
        row the table cannot hold (the table holds no row forgotten, `stored`, or its key was
        never forgotten), with no row made again; an upsert or a DELETE for one it may
        hold."""
        unwritten = self.unwritten[name]
        todo = [key for key in keys if key in unwritten]
        if not todo:
            return
        from projections.engine.batch import Batch  # the writer of rows; it imports this

        if name in self.deltas:
            self._add(tx, name, todo)
            for key in todo:
                del unwritten[key]
            return
        rows, forgotten = self.rows[name], self.forgotten.get(name)
        spec, physical = self._specs[name]
        if name not in self.stored:
            forgotten = None
        held = {key for key in todo if forgotten is not None and forgotten.maybe(key)}
        if held:  # upserted, or deleted
            writer = Batch(tx, {name: (spec, physical)})
            writer._rows[name] = {key: self._row(name, key) for key in held}
            writer._dirty[name] = dict.fromkeys(held)
            writer._fresh = {name: set()}
            writer.flush()
        new = [v for key in todo if (v := rows[key]) is not None and key not in held]
        tx.copy_rows(physical, self._columns[name], new)  # the values as remembered
        for key in todo:  # (an absent row the table cannot hold needs nothing)
            del unwritten[key]


def without_first(mapping: dict[K, V], count: int) -> dict[K, V]:
    """The dict without its `count` first keys (the least recently used, kept in order of
    use), made anew: a dict never shrinks as keys are deleted, so it would stay the size of
    the most it ever held between two resizes (issue 15 item 3: 4.7 MB for the 43,000 rows a
    loading process remembered at 1 M events, which 1.3 MB hold)."""
    return dict(islice(mapping.items(), count, None))


def _in_order(key: Key) -> tuple[tuple[bool, str], ...]:
    """A key's place in one order shared by every process (None first, then by text)."""
    return tuple((value is not None, str(value)) for value in key)
