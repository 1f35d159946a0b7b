"""What a read says about the log it was derived from (issue 10): the read model's position and
the size and root of the tree up to it, so that a published list or an announcement can be tied
to a signed checkpoint (a consistency proof from its tree to the checkpoint's)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any, TypeVar, cast

from api.context import ctx
from greenlist.adapters.stores import LeafStore
from greenlist.vlog.tree import tree_of
from projections.engine.runner import TRACKING

T = TypeVar("T")
ATTEMPTS = 20


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def store() -> LeafStore:
    return cast(LeafStore, ctx().service.recorder)


def log_state(position: int) -> dict[str, Any]:
    """The tree that the log up to `position` forms: its size and root."""
    size = store().leaves_up_to(position) if position > 0 else 0
    return {"position": position, "tree_size": size, "root": b64(tree_of(store()).root(size))}


def _tracked(model: str) -> int:
    rows = ctx().views.query(f"SELECT position FROM {TRACKING} WHERE name = ?", [model])
    return int(rows[0]["position"]) if rows else 0


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
