"""Checksums of the read models' rows, to show that two builds hold the same rows.

A read model must be derivable from the event log alone: caught up in batches of any size,
resumed after a crash, rebuilt, or built by two runners at once, it must end with the same rows.
These checksums compare builds row for row, also across SQLite and PostgreSQL: values are
normalised first (integral numbers as ints, other floats rounded, text as text, NULL as null),
and rows are sorted in Python by the normalised key columns (all columns for append-only
tables), so neither store's collation nor its NULL ordering matters."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from projections.engine.db import Db
from projections.engine.projection import Projection, Table

FLOAT_DIGITS = 6
"""Decimal places kept of non-integral floats: sums of the same deltas in another order (as
batch boundaries move) may differ in their last bits."""

Value = int | float | str | None


def normalise(value: Any) -> Value:
    """The value as both stores agree on it."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            return repr(number)
        rounded = round(number, FLOAT_DIGITS)
        return int(rounded) if rounded.is_integer() else rounded
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return str(value)


def _order(row: Sequence[Value]) -> tuple[tuple[int, Any], ...]:
    """A sort key for normalised values of mixed types: NULL, then numbers, then text (by code
    point, which is the UTF-8 byte order of SQLite's BINARY and PostgreSQL's "C" collation)."""
    return tuple((0, 0) if v is None else (2, v) if isinstance(v, str) else (1, v) for v in row)


def table_rows(db: Db, table: Table, physical: str | None = None) -> list[tuple[Value, ...]]:
    """The table's rows, normalised, in the table's columns' order, sorted by key (or by all
    columns for an append-only table)."""
    columns = table.column_names
    found = db.query(f"SELECT {', '.join(columns)} FROM {physical or table.name}")
    rows = [tuple(normalise(r[c]) for c in columns) for r in found]
    positions = [columns.index(k) for k in table.key] or list(range(len(columns)))
    rows.sort(key=lambda row: (_order([row[i] for i in positions]), _order(row)))
    return rows


def checksum(columns: Iterable[str], rows: Iterable[Sequence[Value]]) -> str:
    """SHA-256 of the column names and the rows, one JSON line each."""
    digest = hashlib.sha256()
    digest.update(json.dumps(list(columns)).encode())
    for row in rows:
        digest.update(b"\n")
        digest.update(json.dumps(list(row), ensure_ascii=False, separators=(",", ":")).encode())
    return digest.hexdigest()


def table_checksums(db: Db, projections: Iterable[Projection]) -> dict[str, str]:
    """For each live table of each read model, the checksum of its rows."""
    return {
        table.name: checksum(table.column_names, table_rows(db, table))
        for projection in projections
        for table in projection.tables
    }
