"""What the resources reach through the Flask app: the service, the read side, the kept
responses of idempotent commands; and the helpers every command and read shares."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from flask import Response, current_app, jsonify, request
from werkzeug.exceptions import PreconditionFailed

from api.idempotency import Idempotency
from api.schemas.common import plain
from domain.service import Greenlist
from domain.service.base import Receipt
from domain.values import Actor
from projections.engine.db import Db


@dataclass
class Context:
    service: Greenlist
    views: Db
    idempotency: Idempotency
    read_models: list[str] = field(default_factory=list)
    wait_timeout: float = 5.0


def ctx() -> Context:
    context: Context = current_app.extensions["greenlist"]
    return context


def etag(version: int) -> str:
    return f'"{version}"'


ANY_VERSION = "*"
"""`If-Match: *` (RFC 9110, 13.1.1): true when the record has a current version, any."""


def if_match() -> tuple[bool, int | None]:
    """Whether `If-Match` is given, and the version its ETag (given by a read or a receipt)
    names; None for `*`, which any current version matches."""
    header = request.headers.get("If-Match")
    if not header:
        return False, None
    if header.strip() == ANY_VERSION:
        return True, None
    if header.strip().startswith("W/"):  # RFC 9110, 13.1.1: If-Match compares strongly
        raise PreconditionFailed("If-Match compares strong ETags: a weak one (W/) never matches")
    value = header.strip().strip('"')
    if not value.isdigit():
        raise PreconditionFailed("If-Match must be an ETag given by a read of this record, or *")
    return True, int(value)


def receipt_body(receipt: Receipt) -> dict[str, Any]:
    details = plain(dict(receipt.details))  # ids, dates (a notice's last day) as JSON values
    return {
        "id": str(receipt.aggregate_id),
        "version": receipt.version,
        "position": receipt.position,
        "details": details,
    }


def run_command(
    actor: Actor,
    act: Callable[[], Receipt],
    aggregate_id: UUID | None = None,
    status: int = 200,
    location: str | None = None,
) -> Response:
    """Run a command once per Idempotency-Key, under If-Match when given; answer with the
    receipt (id, version, log position) and the new ETag."""

    def handle() -> Response:
        given, expected = if_match()
        if given and aggregate_id is not None:
            with ctx().service.expecting(aggregate_id, expected):
                receipt = act()
        else:
            receipt = act()
        response = jsonify(receipt_body(receipt))
        response.status_code = status
        response.headers["ETag"] = etag(receipt.version)
        if location:
            response.headers["Location"] = location
        return response

    return ctx().idempotency.run(actor, handle)
