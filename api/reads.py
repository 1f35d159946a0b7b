"""What every read of a read model shares: read-your-writes (`wait_for`), the views' database,
and stable pages of rows (RFC 9457 problems for a read model that is behind or missing)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_smorest import abort
from werkzeug.exceptions import ServiceUnavailable

from api.context import ctx
from projections.engine.db import Db
from projections.engine.runner import wait_for


def views(*models: str, position: int | None = None) -> Db:
    """The views' database once the named read models have applied `position` (a log position
    returned by a command), so a client reads its own writes; `ProjectionsBehind` (503 with
    Retry-After) when they do not reach it within the context's wait timeout. A position the
    log has not reached was never returned by a command: refused at once (422), not waited
    for."""
    missing = [m for m in models if m not in ctx().read_models]
    if missing:
        raise ServiceUnavailable(f"read model {', '.join(missing)} is not maintained here")
    if position:
        head = ctx().service.recorder.max_notification_id() or 0
        if position > head:
            message = f"the log ends at position {head}: wait for a position a command returned"
            abort(422, messages={"query": {"wait_for": [message]}})
    wait_for(ctx().views, list(models), position, timeout=ctx().wait_timeout)
    return ctx().views


def page(rows: Sequence[dict[str, Any]], limit: int, after: int | None) -> dict[str, Any]:
    """A page of rows in their query's (stable) order, by offset: `after` is how many rows the
    previous pages held (the `next_after` they returned), None for the first page."""
    start = after or 0
    items = list(rows[start : start + limit])
    end = start + len(items)
    return {"total": len(rows), "items": items, "next_after": end if end < len(rows) else None}


def page_after_key(
    rows: Sequence[dict[str, Any]], key: str, limit: int, after: int | None
) -> dict[str, Any]:
    """A page of rows that continues after the row whose `key` equals `after` (keyset
    pagination over an append-only read model: rows added meanwhile never shift a page)."""
    start = 0
    if after is not None:
        start = next((i + 1 for i, r in enumerate(rows) if r[key] == after), len(rows))
    items = list(rows[start : start + limit])
    more = start + len(items) < len(rows)
    return {"items": items, "next_after": items[-1][key] if more and items else None}
