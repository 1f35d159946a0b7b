"""One small connection API over SQLite and PostgreSQL for the read models.

SQL is written once with `?` placeholders; PostgreSQL gets `%s`. Instants are stored as integer
microseconds since the epoch (UTC), dates as ISO text, flags as 0/1, structures as JSON text:
the same values come back from both stores. The two databases: engine.sqlite_db (the embedded
store's, and in memory) and engine.postgres_db."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg

Row = dict[str, Any]


class Db:
    """A connection to the views' database; `transaction()` yields a cursor-like `Tx`."""

    dialect: str

    def transaction(self) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self.transaction() as tx:
            rows: list[Row] = tx.fetchall(sql, params)
            return rows

    def close(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class Tx:
    """Statements inside one transaction."""

    def __init__(self, cursor: Any, dialect: str) -> None:
        self.cursor = cursor
        self.dialect = dialect
        self._native: psycopg.RawCursor[Any] | None = None

    def sql(self, statement: str) -> str:
        return statement.replace("?", "%s") if self.dialect == "postgres" else statement

    def execute(self, statement: str, params: Sequence[Any] = ()) -> None:
        self.cursor.execute(self.sql(statement), params)

    def one_setup_at_a_time(self, name: str) -> None:
        """PostgreSQL: hold, until this transaction ends, the lock of setting up `name` in this
        schema, so that processes starting at once (two web workers, two schedulers) do not
        race on `CREATE TABLE IF NOT EXISTS` (which fails with a unique violation in the
        catalogue when two run at once). SQLite serialises writers already."""
        if self.dialect == "postgres":
            self.execute(
                "SELECT pg_advisory_xact_lock(hashtext(coalesce(current_schema(), '') "
                "|| ':greenlist:' || ?::text))",
                (name,),
            )

    def executemany(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self.cursor.executemany(self.sql(statement), rows)

    def execute_native(self, statement: str, params: Sequence[Any]) -> None:
        """PostgreSQL: a statement written with its native placeholders ($1, $2 ...), sent as
        it is. For long multi-row statements, which the driver would otherwise scan for `%s`
        on every call (it caches that only for short statements)."""
        if self._native is None:
            self._native = psycopg.RawCursor(self.cursor.connection)
        self._native.execute(statement, params)

    def close(self) -> None:
        if self._native is not None:
            self._native.close()

    def fetchall(self, statement: str, params: Sequence[Any] = ()) -> list[Row]:
        self.cursor.execute(self.sql(statement), params)
        rows = self.cursor.fetchall()
        if self.dialect == "sqlite":
            names = [d[0] for d in self.cursor.description or ()]
            return [dict(zip(names, r, strict=True)) for r in rows]
        return [dict(r) for r in rows]

    def copy_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Append many rows: COPY on PostgreSQL, executemany on SQLite."""
        if not rows:
            return
        if self.dialect == "postgres":
            cols = ", ".join(columns)
            with self.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            self.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
