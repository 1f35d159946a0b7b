"""Creating a read model's tables: the live ones at start, a rebuild's new ones (suffix
`__next`) from zero, with their other indexes either at once or after the load."""

from __future__ import annotations

import secrets

from projections.engine.db import Tx
from projections.engine.projection import Projection


def create_tables(
    tx: Tx, projection: Projection, suffix: str, indexes: bool = True, unlogged: bool = False
) -> None:
    """The model's tables that do not exist yet (with their indexes unless told otherwise;
    `unlogged`: a rebuild's, on PostgreSQL, logged again by `set_logged` before the swap)."""
    token = secrets.token_hex(3)
    for table in projection.tables:
        if table_exists(tx, table.name + suffix):
            # its indexes came with it; index names carry a random token (a rebuilt table is
            # renamed into place with its indexes), so creating them again would add
            # duplicates at every start, never match `IF NOT EXISTS`
            continue
        for statement in table.ddl(tx.dialect, table.name + suffix, token, indexes, unlogged):
            tx.execute(statement)


def create_indexes(tx: Tx, projection: Projection, suffix: str) -> None:
    """The other indexes of the model's tables (a rebuild adds them once its rows are in)."""
    token = secrets.token_hex(3)
    for table in projection.tables:
        for statement in table.index_ddl(table.name + suffix, token):
            tx.execute(statement)


def set_logged(tx: Tx, projection: Projection, suffix: str) -> None:
    """PostgreSQL: the model's unlogged tables written to the log, whole, once (one pass over
    each table's pages instead of a log record per row as it was loaded)."""
    if tx.dialect == "postgres":
        for table in projection.tables:
            tx.execute(f"ALTER TABLE {table.name}{suffix} SET LOGGED")


def table_exists(tx: Tx, name: str) -> bool:
    if tx.dialect == "postgres":
        rows = tx.fetchall("SELECT to_regclass(?) IS NOT NULL AS found", (name,))
    else:
        rows = tx.fetchall(
            "SELECT count(*) > 0 AS found FROM sqlite_master WHERE type = 'table' AND name = ?",
            (name,),
        )
    return bool(rows[0]["found"])
