"""What a read says about the log it was derived from (issue 10): the read model's position and
the size and root of the tree up to it, so that a published list or an announcement can be tied
to a signed checkpoint (a consistency proof from its tree to the checkpoint's)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar, cast

from api.context import ctx
from greenlist.adapters.stores import LeafStore
from greenlist.vlog.tree import tree_of
from projections.engine.db import Row
from projections.engine.runner import TRACKING
from projections.engine.tracking import TRACKED

T = TypeVar("T")
ATTEMPTS = 20


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def store() -> LeafStore:
    return cast(LeafStore, ctx().service.recorder)


def log_state(position: int) -> dict[str, Any]:
    """The tree that the log up to `position` forms: its size and root."""
    return dict(_log_state(ctx().service.recorder, position))


@lru_cache(maxsize=256)
def _log_state(recorder: object, position: int) -> tuple[tuple[str, Any], ...]:
    """Worked out once per store and position (two queries and hashing, on every read of a
    list before: issue 15 item 4): the leaves up to a position a read model has applied never
    change, since the log is append-only and its events (with their leaves) are committed in
    position order."""
    leaves = cast(LeafStore, recorder)
    size = leaves.leaves_up_to(position) if position > 0 else 0
    return (("position", position), ("tree_size", size), ("root", b64(tree_of(leaves).root(size))))


def tracked(model: str) -> int:
    """The read model's position (what a validator of its reads is made of)."""
    return _tracked(model)


def _tracked(model: str) -> int:
    rows = ctx().views.query(f"SELECT position FROM {TRACKING} WHERE name = ?", [model])
    return int(rows[0]["position"]) if rows else 0


def derived_rows(
    model: str, read: Callable[[], list[Row]], column: str = TRACKED
) -> tuple[list[Row], dict[str, Any]]:
    """`derived` for a read whose one statement also selects the model's position as `column`
    on each row (`tracked_column`): the rows and the position come from one snapshot, in one
    round trip. An empty answer carries no position: then as `derived`."""
    rows = read()
    if not rows:
        return derived(model, read)
    return rows, log_state(int(rows[0][column]))


def derived(model: str, read: Callable[[], T]) -> tuple[T, dict[str, Any]]:
    """`read()` of a read model and the log state its rows were derived from: the model's
    position is read before and after, and the read is repeated while the model moved on
    meanwhile (it applies events with their position in one transaction, so equal positions
    mean the rows are those of that position)."""
    after = _tracked(model)
    for _ in range(ATTEMPTS):
        before = after
        result = read()
        after = _tracked(model)
        if before == after:
            break
    return result, log_state(after)
