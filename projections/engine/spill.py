"""Where a rebuild's load keeps the rows it forgets until its end: a private SQLite database on
the local disk, so that the rows it remembers in memory can be few (and its memory the same
whatever the length of the log: issue 15 item 3) while a row it needs again is found in
microseconds, without a round trip to the server, and every row is still written to the new
tables once, by COPY, at the end of the load (engine.remembered `Remembered.spill`)."""

from __future__ import annotations

import marshal
import pickle
import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

Key = tuple[Any, ...]
Values = tuple[Any, ...]

MISSING: Any = object()
"""Not in the spill (as opposed to None: spilled as known not to exist)."""

CACHE_KIB = 256
"""The SQLite page cache of a spill (its memory, whatever its size on disk). 256 KiB: a page
not cached is read from the OS's file cache, in microseconds, so a larger cache buys no
measurable speed (issue 15 item 3): 8 MB made the larger rebuild's memory 6 MB larger than
2 MB, and 2 MB (for this spill and the subjects') 4-5 MB larger than 256 KiB, with the
log-order load of 1 M events at 34 s either way."""
CHUNK = 1_000
"""Rows read from a spill at a time when it is written out (`rows`): 1,000 rows of a few
hundred bytes each, so that writing the spill out at the end of a load does not raise its
peak (5,000 did, by 6 MB at 1 M events)."""


def _key(key: Key) -> bytes:
    """A key as bytes, equal for equal keys: marshal's version 0 writes neither references
    nor interning flags, which later versions set by the objects' identity."""
    return marshal.dumps(key, 0)


def _dump(values: Values) -> bytes:
    """A row's values: with marshal (a few times faster than pickle) when it can write every
    value; else pickled. A pickle begins with its protocol's opcode, 0x80, with which no
    marshal data begins (0x80 alone is a reference flag on no type)."""
    try:
        return marshal.dumps(values)
    except ValueError:
        return pickle.dumps(values, pickle.HIGHEST_PROTOCOL)


def _load(data: bytes) -> Values:
    loaded: Values = pickle.loads(data) if data[0] == 0x80 else marshal.loads(data)
    return loaded


TEXTS_SHARED = 40_000
"""Texts read back that `_shared` keeps to share: below the 43,690 entries at which a dict's
table doubles (to 3.8 MB for texts, from 1 MB), and then forgotten at once."""
_texts: dict[str, str] = {}


def _shared(values: Values) -> Values:
    """A row's values read back, its texts shared: each is loaded anew, where the rows
    decoded from one event shared theirs (a unit's credit code and name in three tables, a
    city's code, "{}"): at the end of a log-order load of 1 M events, 8.5 MB of the values
    held had been read back from the spill (issue 15 item 3). Shared through a dict of
    `TEXTS_SHARED` texts at most, emptied when full, not `sys.intern`: the interpreter's
    dict of interned texts never shrinks, and its largest size grew with the province (3.8 MB
    at 1 M events, memray; half that at 0.22 M)."""
    texts = _texts
    if len(texts) >= TEXTS_SHARED:
        texts.clear()
    return tuple(texts.setdefault(v, v) if type(v) is str else v for v in values)


class Spill:
    """Rows by table and key, each a tuple of values or None (known not to exist), in a
    temporary SQLite database that SQLite deletes when it is closed (an empty file name: a
    private file, unlinked as soon as it is opened, so no other process can open it). Its
    memory is its page cache (`CACHE_KIB` unless told); the rest stays on disk (in the OS's
    file cache). Nothing in it is durable, nor needs to be: a rebuild that stops never
    resumes."""

    def __init__(self, cache_kib: int = CACHE_KIB) -> None:
        self._db = sqlite3.connect("", isolation_level=None, check_same_thread=False)
        self._db.execute(f"PRAGMA cache_size = -{cache_kib}")
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        self._tables: dict[str, str] = {}
        self._selects: dict[str, str] = {}
        self._made = 0

    def _table(self, name: str) -> str:
        table = self._tables.get(name)
        if table is None:
            table = self._tables[name] = f"t{self._made}"
            self._made += 1
            self._db.execute(f"CREATE TABLE {table} (k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID")
            self._selects[name] = f"SELECT v FROM {table} WHERE k = ?"
        return table

    def put(self, name: str, rows: Iterable[tuple[Key, Values | None]]) -> None:
        """These rows of the table (None: known not to exist), replacing what it held."""
        table = self._table(name)
        encoded = [(_key(k), None if v is None else _dump(v)) for k, v in rows]
        if not encoded:
            return
        db = self._db
        db.execute("BEGIN")
        db.executemany(f"INSERT OR REPLACE INTO {table} (k, v) VALUES (?, ?)", encoded)
        db.execute("COMMIT")

    def get(self, name: str, key: Key) -> Values | None:
        """The row's values, None (known not to exist) or `MISSING`."""
        select = self._selects.get(name)
        if select is None:
            missing: Values | None = MISSING
            return missing
        found = self._db.execute(select, (_key(key),)).fetchone()
        if found is None:
            missing = MISSING
            return missing
        return None if found[0] is None else _shared(_load(found[0]))

    def rows(self, name: str, leaving: Iterable[Key] = ()) -> Iterator[list[Values]]:
        """The values of the table's rows that exist, but those of the keys `leaving` (held
        elsewhere, newer), `CHUNK` at a time."""
        table = self._tables.get(name)
        if table is None:
            return
        skip = {_key(k) for k in leaving}
        cursor = self._db.execute(f"SELECT k, v FROM {table} WHERE v IS NOT NULL")
        while chunk := cursor.fetchmany(CHUNK):
            yield [_load(v) for k, v in chunk if k not in skip]

    def drop(self, name: str) -> None:
        """The table's rows gone (written elsewhere)."""
        table = self._tables.pop(name, None)
        self._selects.pop(name, None)
        if table is not None:
            self._db.execute(f"DROP TABLE {table}")

    def holds(self, name: str) -> bool:
        """Whether the table has rows here (or had: until `drop`)."""
        return name in self._tables

    def size(self) -> int:
        """How many rows it holds, of every table (one query each: for reports)."""
        return sum(
            self._db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in self._tables.values()
        )

    def close(self) -> None:
        """The database closed, and its file gone."""
        self._db.close()
