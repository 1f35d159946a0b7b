"""Where each read model stands: its row in the tracking table (the last log position it applied,
and the version of its rows' shape), written in the same transaction as the rows, and the lock
that serialises everything that writes the model.

Why the position lives with the rows: a batch's rows and its position commit together or not
at all, so a runner that crashes, or a store that goes away mid-batch, never leaves a model with
an event applied twice or skipped. Why the lock: two runners of the same model (two processes, a
rebuild beside a live runner) each take it for a batch and re-read the position under it, so
the second waits, then skips what the first applied."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence

from projections.engine.db import Db, Tx
from projections.engine.projection import Projection, tracked_name
from projections.errors import ProjectionsBehind

TRACKING = "projection_tracking"
TRACKED = "tracked_position"
"""The column of a read's rows that says the position of the model they were read from."""
NEXT = "__next"
"""The suffix of a rebuild's new tables and of their tracking row."""


class RebuildSuperseded(RuntimeError):
    """Another rebuild of the same read model started meanwhile (it reset the new tables):
    this one stops, so that no rebuild swaps in tables that miss events."""


def lock(tx: Tx, name: str) -> None:
    """The read model's lock until the transaction ends. Advisory locks are per database: the
    key names the schema, so that views in other schemas do not wait for these. (On SQLite,
    `BEGIN IMMEDIATE` already serialises every writer.)"""
    if tx.dialect == "postgres":
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtext(coalesce(current_schema(), '') || ?::text))",
            (f":greenlist:{name}",),
        )


def lock_all(tx: Tx, names: Iterable[str]) -> None:
    """`lock` of each model, in the order given (callers sort them: two runners never wait
    for each other in a cycle), in one statement: one round trip per batch, not one per
    read model (issue 15 item 3)."""
    names = list(names)
    if tx.dialect != "postgres" or not names:
        return
    key = "pg_advisory_xact_lock(hashtext(coalesce(current_schema(), '') || ?::text))"
    tx.execute(f"SELECT {', '.join(key for _ in names)}", [f":greenlist:{n}" for n in names])


def set_position(tx: Tx, names: Sequence[str], position: int) -> None:
    """The tracking rows of these models (their names as tracked) put at `position`, in one
    statement: one round trip per batch for the group (issue 15 item 3)."""
    if names:
        where = ", ".join("?" for _ in names)
        tx.execute(
            f"UPDATE {TRACKING} SET position = ? WHERE name IN ({where})", (position, *names)
        )


def tracked_column(model: str) -> str:
    """A column for a read's SELECT list: the model's position, as `TRACKED`. The statement
    reads it and the rows in one snapshot (each batch writes its rows and the position in one
    transaction), so the rows are those of that position."""
    if not model.isidentifier():
        raise ValueError(f"not a read model's name: {model!r}")
    return f"(SELECT position FROM {TRACKING} WHERE name = '{model}') AS {TRACKED}"


class Marks(dict[str, int]):
    """Every tracking row's position (and, in `versions`, its version: for a rebuild's rows,
    the rebuild's number, `still_ours`), as a transaction saw them."""

    versions: dict[str, int]


def marks(tx: Tx) -> Marks:
    """Every tracking row's position and version, as this transaction sees them."""
    rows = tx.fetchall(f"SELECT name, position, version FROM {TRACKING}")
    found = Marks((r["name"], int(r["position"])) for r in rows)
    found.versions = {r["name"]: int(r["version"]) for r in rows}
    return found


def positions(db: Db) -> dict[str, int]:
    rows = db.query(f"SELECT name, position FROM {TRACKING}")
    return {r["name"]: int(r["position"]) for r in rows}


def still_ours(
    group: Iterable[Projection],
    found: dict[str, int],
    position: int | Mapping[str, int],
    rebuild: int | None = None,
) -> None:
    """A rebuild's new tables are still at the position it left them at (one for the group,
    or one per read model when several processes loaded them; of a model's share, its own
    tracking row's, `tracked_name`), and still its own (`rebuild`,
    the number its `_start_afresh` gave their tracking rows, when known); else another
    rebuild reset them, and this one stops. (By the position alone, a rebuild whose loading
    processes had not yet applied a batch could not tell its own reset from a later one's:
    found by an outside attack, the earlier of two rebuilds went on and the later stopped.)"""
    group = list(group)
    wanted = (
        position
        if isinstance(position, Mapping)
        else dict.fromkeys((p.name for p in group), position)
    )
    versions = getattr(found, "versions", {}) if rebuild is not None else {}
    reset = [
        p.name
        for p in group
        if found.get(tracked_name(p, NEXT)) != wanted[p.name]
        or (rebuild is not None and versions.get(tracked_name(p, NEXT)) != rebuild)
    ]
    if reset:
        raise RebuildSuperseded(f"another rebuild of {', '.join(reset)} started; stopping")


def wait_for(db: Db, names: Sequence[str], position: int | None, timeout: float = 2.0) -> None:
    """Read-your-writes: return once every named read model has applied `position`, or raise
    `ProjectionsBehind` after `timeout` seconds."""
    if not position:
        return
    deadline = time.monotonic() + timeout
    delay = 0.005
    wanted = set(names)
    while True:
        rows = db.query(f"SELECT name, position FROM {TRACKING}")
        reached = {r["name"] for r in rows if int(r["position"]) >= position}
        if wanted <= reached:
            return
        if time.monotonic() >= deadline:
            raise ProjectionsBehind(position, sorted(wanted - reached), timeout)
        time.sleep(delay)
        delay = min(delay * 2, 0.1)
