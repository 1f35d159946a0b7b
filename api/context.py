"""What the resources reach through the Flask app: the service, the read side, the kept
responses of idempotent commands; and the ETag every read and receipt gives (a record's version,
for If-Match: api.commands)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app

from api.idempotency import Idempotency
from api.list_pages import ListPages
from api.refusals import Refusals
from api.sql_rendering import RowMemo
from domain.service import Greenlist
from projections.engine.db import Db


@dataclass
class Context:
    service: Greenlist
    views: Db
    idempotency: Idempotency
    read_models: list[str] = field(default_factory=list)
    wait_timeout: float = 5.0
    refusals: Refusals | None = None
    """The refusals trail (api.refusals); None: refusals are not kept (an app built without)."""
    rendered_rows: RowMemo = field(default_factory=RowMemo)
    """Rows of the audit trail as PostgreSQL rendered them (api.sql_rendering)."""
    list_pages: ListPages = field(default_factory=ListPages)
    """Pages of lists, now or as of an instant, as PostgreSQL rendered them (api.list_pages)."""


def ctx() -> Context:
    context: Context = current_app.extensions["greenlist"]
    return context


def etag(version: int) -> str:
    return f'"{version}"'
